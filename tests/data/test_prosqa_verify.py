"""The ProsQA verifier catches planted defects, and passes valid and published examples."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from coconut.data import DataValidationError, load_examples, validate_examples, verify_prosqa


def test_fixture_is_valid(prosqa_records: list) -> None:
    for record in prosqa_records:
        assert verify_prosqa(record) == []


def _edge_out_of_range(r: dict) -> None:
    r["edges"][3] = [3, 9]


def _node_out_of_range(r: dict) -> None:
    r["neg_target"] = 7


def _wrong_answer(r: dict) -> None:
    r["answer"] = "Ana is a rempus."


def _answer_names_other_entity(r: dict) -> None:
    r["answer"] = "Ben is a zumpus."


def _broken_chain(r: dict) -> None:
    r["steps"] = ["Ana is a wumpus.", "Every yumpus is a zumpus."]


def _unstated_step(r: dict) -> None:
    r["steps"] = ["Ana is a zumpus."]


def _longer_than_shortest(r: dict) -> None:
    r["steps"] = ["Ana is a wumpus.", "Every wumpus is a yumpus.", "Every yumpus is a zumpus."]


def _chain_stops_early(r: dict) -> None:
    r["steps"] = ["Ana is a yumpus."]


def _no_steps(r: dict) -> None:
    r["steps"] = []


def _unreachable_target(r: dict) -> None:
    # drop the edge yumpus -> zumpus everywhere: the target is cut off from the root
    r["edges"].remove([3, 4])
    r["question"] = r["question"].replace("Every yumpus is a zumpus. ", "")


def _reachable_neg_target(r: dict) -> None:
    r["edges"].append([2, 6])
    r["question"] = r["question"].replace("Is Ana", "Every wumpus is a rempus. Is Ana")


def _fact_missing_from_question(r: dict) -> None:
    r["question"] = r["question"].replace("Ben is a dumpus. ", "")


def _extra_fact_in_question(r: dict) -> None:
    r["question"] = "Every rempus is a wumpus. " + r["question"]


def _wrong_options(r: dict) -> None:
    r["question"] = r["question"].replace("or zumpus?", "or yumpus?")


def _not_a_fact(r: dict) -> None:
    r["question"] = "Ana likes cake. " + r["question"]


DEFECTS: dict[str, tuple[Callable[[dict], None], str, str]] = {
    "edge out of range": (_edge_out_of_range, "edges[3]", "outside idx_to_symbol"),
    "node out of range": (_node_out_of_range, "neg_target", "outside idx_to_symbol"),
    "wrong answer": (_wrong_answer, "answer", "does not match 'Ana is a zumpus.'"),
    "answer names other entity": (_answer_names_other_entity, "answer", "does not match"),
    "broken chain": (_broken_chain, "steps[1]", "expected 'wumpus'"),
    "unstated step": (_unstated_step, "steps[0]", "not a fact stated in the question"),
    "longer than shortest": (_longer_than_shortest, "steps", "the shortest has 2"),
    "chain stops early": (_chain_stops_early, "steps", "not at the target 'zumpus'"),
    "no steps": (_no_steps, "steps", "is empty"),
    "unreachable target": (_unreachable_target, "target", "not reachable from the root"),
    "reachable neg_target": (_reachable_neg_target, "neg_target", "is reachable from the root"),
    "fact missing": (_fact_missing_from_question, "question", "does not state the edges"),
    "extra fact": (_extra_fact_in_question, "question", "facts that are not edges"),
    "wrong options": (_wrong_options, "question", "asks 'Is Ana a rempus or yumpus?'"),
    "not a fact": (_not_a_fact, "question", "sentence 0 is not a fact"),
}


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_planted_defect_is_caught(prosqa_records: list, defect: str) -> None:
    plant, field, message = DEFECTS[defect]
    record = prosqa_records[0]
    plant(record)
    problems = verify_prosqa(record)
    assert any(p.startswith(f"{field}: ") and message in p for p in problems), problems
    found = validate_examples(prosqa_records, source="planted.json")
    assert {p.index for p in found} == {0}
    assert field in {p.field for p in found}


def test_loading_a_planted_file_names_file_index_field(
    tmp_path: Path, cache_dir: str, prosqa_records: list
) -> None:
    _edge_out_of_range(prosqa_records[0])
    path = tmp_path / "prosqa.json"
    path.write_text(json.dumps(prosqa_records))
    with pytest.raises(DataValidationError, match=rf"{path}, example 0, field 'edges\[3\]'"):
        load_examples(path, cache_dir=cache_dir)


def test_record_without_graph_fields() -> None:
    assert verify_prosqa({"question": "q", "steps": [], "answer": "a"}) == [
        "has no ProsQA graph fields"
    ]


def test_published_examples_verify(shared_data: Path) -> None:
    records = json.loads((shared_data / "prosqa" / "valid.json").read_text())
    assert [verify_prosqa(r) for r in records] == [[] for _ in records]
