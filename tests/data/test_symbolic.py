"""Symbolic ProsQA: conversion of hand-written graphs, generation, checks and the CLI."""

from __future__ import annotations

import json
import random

import pytest

from coconut.data import verify_prosqa
from coconut.data.cli import main as data_main
from coconut.data.symbolic import (
    generate_prosqa_symbolic,
    gold_path,
    graph_key,
    max_node_index,
    parse_question,
    relabel,
    symbolic_question,
    symbolize,
    symbolize_records,
)

# Tom (0) -> wumpus (2) -> yumpus (3) -> zumpus (4); Ann (1) -> rompus (5).
GRAPH = {
    "question": "Tom is a wumpus. Every wumpus is a yumpus. Every yumpus is a zumpus. "
    "Ann is a rompus. Is Tom a zumpus or rompus?",
    "steps": ["Tom is a wumpus.", "Every wumpus is a yumpus.", "Every yumpus is a zumpus."],
    "answer": "Tom is a zumpus.",
    "idx_to_symbol": ["Tom", "Ann", "wumpus", "yumpus", "zumpus", "rompus"],
    "edges": [[0, 2], [2, 3], [3, 4], [1, 5]],
    "root": 0,
    "target": 4,
    "neg_target": 5,
}


class _NoShuffle(random.Random):
    def shuffle(self, x):  # keep the record's order, so the text can be checked exactly
        return None


def test_a_hand_written_graph_converts_to_the_exact_symbolic_text():
    record = symbolize(GRAPH, _NoShuffle())
    assert record["question"] == "0 2 | 2 3 | 3 4 | 1 5 | [Q] 4 5 [R] 0"
    assert record["steps"] == ["2", "3", "4"]
    assert record["answer"] == "4"
    assert record["idx_to_symbol"] == ["0", "1", "2", "3", "4", "5"]
    assert (record["root"], record["target"], record["neg_target"]) == (0, 4, 5)
    assert verify_prosqa(record) == []


def test_conversion_keeps_the_records_path_where_two_are_shortest():
    two_ways = {
        **GRAPH,
        "idx_to_symbol": [*GRAPH["idx_to_symbol"], "tumpus"],
        "edges": [*GRAPH["edges"], [0, 6], [6, 3]],
        "steps": ["Tom is a tumpus.", "Every tumpus is a yumpus.", "Every yumpus is a zumpus."],
    }
    assert gold_path(two_ways) == [0, 6, 3, 4]
    assert symbolize(two_ways, random.Random(0))["steps"] == ["6", "3", "4"]


def test_edges_and_options_are_reordered_but_the_graph_is_the_same():
    record = symbolize(GRAPH, random.Random(3))
    edges, options, root = parse_question(record["question"])
    assert sorted(map(tuple, edges)) == sorted(map(tuple, GRAPH["edges"]))
    assert sorted(options) == [4, 5] and root == 0
    assert graph_key(edges, options, root) == graph_key(GRAPH["edges"], [5, 4], 0)


def test_a_record_without_graph_fields_is_refused_naming_file_and_index():
    plain = {k: GRAPH[k] for k in ("question", "steps", "answer")}
    with pytest.raises(ValueError, match=r"valid\.json\[1\]: .*missing idx_to_symbol"):
        symbolize_records([GRAPH, plain], source="valid.json")


def test_steps_that_leave_the_graph_are_refused():
    broken = {**GRAPH, "steps": ["Tom is a wumpus.", "Every wumpus is a zumpus."]}
    with pytest.raises(ValueError, match=r"f\.json\[0\]: the steps are not a path"):
        symbolize_records([broken], source="f.json")


def test_generation_is_the_prosqa_generator_written_symbolically():
    records = generate_prosqa_symbolic(20, seed=5, num_nodes=12, max_steps=4)
    again = generate_prosqa_symbolic(20, seed=5, num_nodes=12, max_steps=4)
    assert records == again
    assert all(verify_prosqa(r) == [] for r in records)
    assert all(3 <= len(r["steps"]) <= 4 for r in records)


def test_generated_splits_share_no_graph_in_any_order():
    first = generate_prosqa_symbolic(40, seed=0, num_nodes=6, min_steps=1, max_steps=2)
    second = generate_prosqa_symbolic(
        40, seed=1, num_nodes=6, min_steps=1, max_steps=2, exclude=[r["question"] for r in first]
    )
    keys = {graph_key(*parse_question(r["question"])) for r in first}
    assert not keys & {graph_key(*parse_question(r["question"])) for r in second}


def test_max_node_index_names_the_largest_and_its_record():
    records = [symbolize(GRAPH, random.Random(0)), {"question": "0 40 | [Q] 40 1 [R] 0",
               "steps": ["40"], "answer": "40"}]  # fmt: skip
    assert max_node_index(records) == (40, 1)


class _Reversed(random.Random):
    def sample(self, population, k):  # label i -> max_nodes - 1 - i, a known renaming
        return list(population)[::-1][:k]


def test_relabel_renames_every_node_one_to_one():
    record = symbolize(GRAPH, _NoShuffle())
    moved = relabel(record, _Reversed(), max_nodes=10)
    # nodes 0..5 (sorted) take labels 9, 8, ..., 4
    assert moved == {"question": "9 7 | 7 6 | 6 5 | 8 4 | [Q] 5 4 [R] 9",
                     "steps": ["7", "6", "5"], "answer": "5"}  # fmt: skip
    with pytest.raises(ValueError, match="6 nodes do not fit 5 labels"):
        relabel(record, random.Random(0), max_nodes=5)


def test_parse_question_refuses_other_text():
    with pytest.raises(ValueError, match="not a symbolic ProsQA question"):
        parse_question("Is Tom a wumpus or rompus?")
    assert symbolic_question([], [1, 2], 0) == "[Q] 1 2 [R] 0"


def test_cli_symbolize_writes_a_valid_symbolic_file(tmp_path, capsys):
    source = tmp_path / "valid.json"
    source.write_text(json.dumps([GRAPH]))
    assert data_main(["symbolize", str(source), str(tmp_path / "out.json")]) == 0
    (record,) = json.loads((tmp_path / "out.json").read_text())
    assert record["steps"] == ["2", "3", "4"] and verify_prosqa(record) == []
    source.write_text(json.dumps([{k: GRAPH[k] for k in ("question", "steps", "answer")}]))
    assert data_main(["symbolize", str(source), str(tmp_path / "bad.json")]) == 1
    assert f"{source}[0]" in capsys.readouterr().err


def test_cli_symbolize_max_steps_keeps_the_short_paths(tmp_path, capsys):
    source = tmp_path / "valid.json"
    source.write_text(json.dumps([GRAPH]))  # a 3-step path
    out = tmp_path / "out3.json"
    assert data_main(["symbolize", str(source), str(out), "--max-steps", "3"]) == 0
    assert len(json.loads(out.read_text())) == 1
    # zero records kept is a failure naming the filter (issue 31), not an empty file
    out = tmp_path / "out2.json"
    assert data_main(["symbolize", str(source), str(out), "--max-steps", "2"]) == 1
    assert "--max-steps 2 removed all 1" in capsys.readouterr().err and not out.exists()


def test_cli_symbolize_refuses_a_max_steps_below_one(tmp_path, capsys):
    source = tmp_path / "valid.json"
    source.write_text(json.dumps([GRAPH]))
    with pytest.raises(SystemExit) as stop:
        data_main(["symbolize", str(source), str(tmp_path / "o.json"), "--max-steps", "0"])
    assert (
        stop.value.code == 2 and "--max-steps must be at least 1, got 0" in capsys.readouterr().err
    )
    assert not (tmp_path / "o.json").exists()


def test_cli_symbolize_warns_of_node_indices_past_the_tokenizers_range(tmp_path, capsys):
    big = {**GRAPH, "idx_to_symbol": [*GRAPH["idx_to_symbol"], *(f"n{i}" for i in range(64))],
           "edges": [*GRAPH["edges"], [1, 69]]}  # fmt: skip
    source = tmp_path / "valid.json"
    source.write_text(json.dumps([GRAPH, big]))
    assert data_main(["symbolize", str(source), str(tmp_path / "out.json")]) == 0
    assert (
        f"warning: {tmp_path / 'out.json'}[1]: node index 69 is past the symbolic tokenizer's "
        "range 0..63: coconut-train refuses this file"
    ) in capsys.readouterr().err
