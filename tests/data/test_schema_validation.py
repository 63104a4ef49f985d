"""Schema validation: every bad-input case is reported with file, example index and field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from coconut.data import DataValidationError, Problem, load_examples, validate_examples

GOOD = {"question": "What is 2+2?", "steps": ["<<2+2=4>>"], "answer": "4"}


def _with(**changes: Any) -> dict[str, Any]:
    record = dict(GOOD)
    for key, value in changes.items():
        if value is ...:
            del record[key]
        else:
            record[key] = value
    return record


def _only_problem(records: list[Any]) -> tuple[int | None, str | None, str]:
    problems = validate_examples(records, source="file.json")
    assert len(problems) == 1, problems
    (problem,) = problems
    assert problem.source == "file.json"
    return problem.index, problem.field, problem.message


@pytest.mark.parametrize(
    ("record", "field", "message"),
    [
        (_with(question=...), "question", "missing"),
        (_with(answer=...), "answer", "missing"),
        (_with(steps=...), "steps", "missing"),
        (_with(question=""), "question", "empty"),
        (_with(question="   "), "question", "empty"),
        (_with(answer=""), "answer", "empty"),
        (_with(answer=4), "answer", "got integer"),
        (_with(question=None), "question", "got null"),
        (_with(steps="<<2+2=4>>"), "steps", "got string"),
        (_with(steps=["<<1=1>>", ""]), "steps[1]", "empty step"),
        (_with(steps=[3]), "steps[0]", "got integer"),
        (_with(extra=1), "extra", "unknown field"),
    ],
)
def test_each_bad_field_is_named(record: dict[str, Any], field: str, message: str) -> None:
    index, found_field, found_message = _only_problem([GOOD, GOOD, record])
    assert (index, found_field) == (2, field)
    assert message in found_message


def test_empty_steps_list_is_allowed() -> None:
    assert validate_examples([_with(steps=[])]) == []


def test_record_that_is_not_an_object() -> None:
    assert _only_problem([GOOD, ["a", "list"]]) == (1, None, "expected a JSON object, got list")


@pytest.mark.parametrize(
    ("field", "value", "reported"),
    [
        ("root", "0", "root"),
        ("target", 1.5, "target"),
        ("neg_target", True, "neg_target"),
        ("edges", [[0, 2], [1]], "edges[1]"),
        ("edges", [[0, "2"]], "edges[0]"),
        ("edges", {"0": 2}, "edges"),
        ("idx_to_symbol", ["Ana", ""], "idx_to_symbol[1]"),
        ("idx_to_symbol", "Ana", "idx_to_symbol"),
    ],
)
def test_graph_field_types(prosqa_records: list, field: str, value: Any, reported: str) -> None:
    prosqa_records[1][field] = value
    problems = validate_examples(prosqa_records, source="p.json")
    assert [(p.index, p.field) for p in problems] == [(1, reported)]


def test_duplicate_symbols(prosqa_records: list) -> None:
    prosqa_records[0]["idx_to_symbol"][2] = "yumpus"
    problems = validate_examples(prosqa_records)
    assert (problems[0].index, problems[0].field) == (0, "idx_to_symbol")
    assert "yumpus" in problems[0].message


def test_partial_graph_fields(prosqa_records: list) -> None:
    del prosqa_records[0]["neg_target"]
    del prosqa_records[0]["edges"]
    problems = validate_examples(prosqa_records)
    assert sorted((p.index, p.field) for p in problems) == [(0, "edges"), (0, "neg_target")]


def test_graph_and_plain_records_cannot_mix(prosqa_records: list) -> None:
    problems = validate_examples([*prosqa_records, prosqa_records[0], GOOD])
    assert [(p.index, p.field) for p in problems] == [(3, "idx_to_symbol")]
    assert "most examples in this file carry ProsQA graph fields" in problems[0].message


def test_problem_string_names_file_index_and_field() -> None:
    text = str(Problem(7, "answer", "is empty", "data/x.json"))
    assert text == "data/x.json, example 7, field 'answer': is empty"
    assert str(Problem(None, None, "malformed", "x.json")) == "x.json: malformed"


def test_error_lists_all_problems(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([_with(answer=""), GOOD, _with(question=...)]))
    with pytest.raises(DataValidationError) as caught:
        load_examples(path, cache_dir=str(tmp_path / "cache"))
    error = caught.value
    assert isinstance(error, ValueError)
    assert [(p.index, p.field) for p in error.problems] == [(0, "answer"), (2, "question")]
    assert f"{path}, example 0, field 'answer': is empty" in str(error)
    assert f"{path}, example 2, field 'question': missing" in str(error)
