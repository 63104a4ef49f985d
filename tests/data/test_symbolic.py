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
    relabel_records,
    symbolic_question,
    symbolize,
    symbolize_records,
    with_graph_fields,
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


def test_relabel_by_own_ids_permutes_the_ids_the_graph_uses():
    record = symbolize(GRAPH, _NoShuffle())
    moved = relabel(record, _Reversed(), max_nodes=64, own_ids=True)
    # nodes 0..5 take the labels 5, 4, ..., 0: the same id range, reversed
    assert moved == {"question": "5 3 | 3 2 | 2 1 | 4 0 | [Q] 1 0 [R] 5",
                     "steps": ["3", "2", "1"], "answer": "1"}  # fmt: skip


class _Swap01(random.Random):
    def sample(self, population, k):  # ids 0 and 1 swap places, the rest stay
        order = list(population)
        return [order[1], order[0], *order[2:k]]


def test_relabel_records_renames_text_and_graph_fields_together():
    record = symbolize(GRAPH, _NoShuffle())
    (moved,) = relabel_records([record], seed=0)
    assert verify_prosqa(moved) == [] and gold_path(moved)[-1] == moved["target"]
    assert len(moved["idx_to_symbol"]) == 6
    assert len(moved["edges"]) == 4 and {v for e in moved["edges"] for v in e} == set(range(6))
    assert relabel_records([record], seed=0) == [moved]  # the seed fixes the renaming


def test_relabel_records_by_a_known_permutation(monkeypatch):
    record = symbolize(GRAPH, _NoShuffle())
    monkeypatch.setattr(random, "Random", lambda seed: _Swap01())
    (moved,) = relabel_records([record], seed=0)
    # Tom (0) and Ann (1) swap ids; every edge, option and step follows
    assert moved["question"] == "1 2 | 2 3 | 3 4 | 0 5 | [Q] 4 5 [R] 1"
    assert (moved["edges"], moved["root"], moved["target"], moved["neg_target"]) == (
        [[1, 2], [2, 3], [3, 4], [0, 5]], 1, 4, 5)  # fmt: skip
    assert moved["steps"] == ["2", "3", "4"] and moved["answer"] == "4"


def test_relabel_records_names_a_record_that_is_not_symbolic():
    with pytest.raises(ValueError, match=r"in\.json\[0\]: not a symbolic ProsQA record"):
        relabel_records([GRAPH], seed=0, source="in.json")
    bare = {k: GRAPH[k] for k in ("question", "steps", "answer")}
    with pytest.raises(ValueError, match=r"missing idx_to_symbol"):
        relabel_records([bare], seed=0, source="in.json")


def test_cli_relabel_writes_a_renamed_copy_and_refuses_its_own_input(tmp_path, capsys):
    source = tmp_path / "sym.json"
    records = generate_prosqa_symbolic(20, seed=0, num_nodes=8, max_steps=3)
    source.write_text(json.dumps(records))
    out = tmp_path / "renamed.json"
    assert data_main(["relabel", str(source), str(out), "--seed", "3"]) == 0
    moved = json.loads(out.read_text())
    assert len(moved) == 20 and all(verify_prosqa(r) == [] for r in moved)
    assert [r["answer"] for r in moved] != [r["answer"] for r in records]
    # every edge of the original points from a smaller to a larger id; the copy's do not
    assert all(s < t for r in records for s, t in r["edges"])
    assert not all(s < t for r in moved for s, t in r["edges"])
    capsys.readouterr()
    assert data_main(["relabel", str(source), str(source), "--force"]) != 0
    assert "FILE" in capsys.readouterr().err  # the output is the input, even forced
    assert json.loads(source.read_text()) == records
    assert data_main(["relabel", str(source), str(out)]) != 0  # exists: needs --force
    assert data_main(["relabel", str(source), str(out), "--force", "--seed", "3"]) == 0


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


def test_graph_fields_are_read_back_from_a_renamed_record():
    record = generate_prosqa_symbolic(1, seed=3, num_nodes=10, max_steps=4)[0]
    renamed = relabel(record, random.Random(0), 64)
    back = with_graph_fields(renamed, num_nodes=64)
    edges, _, root = parse_question(renamed["question"])
    assert back["edges"] == edges and back["root"] == root and len(back["idx_to_symbol"]) == 64
    assert str(back["target"]) == renamed["answer"] and back["neg_target"] != back["target"]
    assert gold_path(back) == [root, *map(int, renamed["steps"])]
    assert verify_prosqa(back) == []
    # the original's own fields come back unchanged
    same = with_graph_fields({k: record[k] for k in ("question", "steps", "answer")})
    assert {k: same[k] for k in ("root", "target", "neg_target")} == {
        k: record[k] for k in ("root", "target", "neg_target")
    }
    assert sorted(map(tuple, same["edges"])) == sorted(map(tuple, record["edges"]))


def test_graph_fields_refuse_an_answer_that_is_no_option_and_a_small_num_nodes():
    record = {"question": "0 1 | 1 2 | 0 3 | [Q] 2 3 [R] 0", "steps": ["1", "2"], "answer": "1"}
    with pytest.raises(ValueError, match="not one of the two options"):
        with_graph_fields(record)
    with pytest.raises(ValueError, match="does not fit num_nodes=3"):
        with_graph_fields({**record, "answer": "2"}, num_nodes=3)


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
