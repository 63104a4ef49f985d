"""Loader for the original ProntoQA generator's raw JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coconut.data import DataValidationError, load_prontoqa_raw
from coconut.data.prontoqa_raw import pair_sentences


def test_fixture_converts_exactly(fixtures: Path) -> None:
    assert load_prontoqa_raw(fixtures / "prontoqa_raw.json") == [
        {
            "question": "Every sermpus is a klompus. Klompuses are not sour. Each drempus is sour. "
            "Milo is a drempus. Milo is a sermpus. True or false: Milo is sour.",
            "steps": [
                "Milo is a sermpus. Every sermpus is a klompus.",
                "Milo is a klompus. Klompuses are not sour.",
                "Milo is not sour.",
            ],
            "answer": "False",
        },
        {
            "question": "Each vorpus is loud. Vorpuses are tremuses. Tess is a vorpus. "
            "True or false: Tess is loud.",
            "steps": ["Tess is a vorpus. Each vorpus is loud.", "Tess is loud."],
            "answer": "True",
        },
    ]


def test_pairing() -> None:
    assert pair_sentences(["a.", "b.", "c.", "d."]) == ["a. b.", "c. d."]
    assert pair_sentences(["a.", "b.", "c."]) == ["a. b.", "c."]
    assert pair_sentences([]) == []


def _write(tmp_path: Path, raw: object) -> Path:
    path = tmp_path / "raw.json"
    path.write_text(json.dumps(raw))
    return path


def _test_example(**changes: object) -> dict:
    example = {
        "question": "Each vorpus is loud. Tess is a vorpus.",
        "query": "True or false: Tess is loud.",
        "chain_of_thought": ["Tess is a vorpus.", "Each vorpus is loud.", "Tess is loud."],
        "answer": "True",
    }
    return {**example, **changes}


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"in_context_example0": _test_example()}, "test_example"),
        ({"test_example": _test_example(query=None)}, "test_example.query"),
        ({"test_example": _test_example(answer=True)}, "test_example.answer"),
        ({"test_example": _test_example(chain_of_thought="x")}, "test_example.chain_of_thought"),
        ("not an object", "test_example"),
    ],
)
def test_bad_entry_names_index_key_and_field(tmp_path: Path, entry: object, field: str) -> None:
    path = _write(tmp_path, {"example1": {"test_example": _test_example()}, "example2": entry})
    with pytest.raises(DataValidationError) as caught:
        load_prontoqa_raw(path)
    (problem,) = caught.value.problems
    assert (problem.index, problem.field, problem.source) == (1, field, str(path))
    assert "'example2'" in problem.message


def test_empty_answer_is_caught_by_schema(tmp_path: Path) -> None:
    path = _write(tmp_path, {"example1": {"test_example": _test_example(answer=" ")}})
    with pytest.raises(DataValidationError, match="example 0, field 'answer': is empty"):
        load_prontoqa_raw(path)


@pytest.mark.parametrize("text", ["[1, 2]", "{oops"])
def test_not_a_json_object(tmp_path: Path, text: str) -> None:
    path = tmp_path / "raw.json"
    path.write_text(text)
    with pytest.raises(DataValidationError, match=str(path)):
        load_prontoqa_raw(path)
