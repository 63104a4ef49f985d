"""Rule-based memory/reason tagging of ProsQA, ProntoQA and GSM8K steps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from coconut.data import DataValidationError, validate_examples
from coconut.data.tagging import gsm8k_solution_steps, tag_records


def test_prosqa(prosqa_records: list[dict[str, Any]]) -> None:
    record = {
        "question": "Every a is a b. Every b is a c. Tom is a a. Is Tom a c or d?",
        "steps": ["Tom is a a.", "Every a is a b.", "Every b is a c."],
        "answer": "Tom is a c.",
    }
    (tagged,) = tag_records([record], "prosqa")
    assert tagged == {
        "question": record["question"],
        "steps": [
            "Tom is a a.",
            "Every a is a b.",
            "Tom is a b.",
            "Every b is a c.",
            "Tom is a c.",
        ],
        "answer": "Tom is a c.",
        "step_kinds": ["memory", "memory", "reason", "memory", "reason"],
    }
    tagged_fixture = tag_records(prosqa_records, "prosqa")
    assert validate_examples(tagged_fixture) == []


def test_prosqa_broken_chain_names_example_and_step() -> None:
    record = {"question": "Q?", "steps": ["Tom is a a.", "Every x is a b."], "answer": "A."}
    with pytest.raises(DataValidationError, match="example 1, field 'steps': step 1"):
        tag_records([{**record, "steps": ["Tom is a a."]}, record], "prosqa", source="f.json")
    with pytest.raises(DataValidationError, match="not a ProsQA fact sentence"):
        tag_records([{**record, "steps": ["Hello."]}], "prosqa")


def test_prontoqa() -> None:
    record = {
        "question": "Wumpuses are red. Max is a wumpus. True or false: Max is red.",
        "steps": ["Max is a wumpus. Wumpuses are red.", "Max is red."],
        "answer": "True",
    }
    (tagged,) = tag_records([record], "prontoqa")
    assert tagged["steps"] == ["Max is a wumpus.", "Wumpuses are red.", "Max is red."]
    assert tagged["step_kinds"] == ["memory", "memory", "reason"]


def test_gsm8k() -> None:
    record = {"question": "Q?", "steps": ["<<2*3=6>>", "There are 6."], "answer": "6"}
    assert tag_records([record], "gsm8k")[0]["step_kinds"] == ["reason", "memory"]
    solution = "Kim has 3 bags.\nEach bag holds 2, so 3*2=<<3*2=6>>6 in all. Done.\n#### 6"
    assert gsm8k_solution_steps(solution) == (
        ["Kim has 3 bags.", "Each bag holds 2, so 3*2=<<3*2=6>>6 in all.", "Done."],
        ["memory", "reason", "memory"],
    )


def test_unknown_rule() -> None:
    with pytest.raises(ValueError, match="tagging rule must be one of"):
        tag_records([], "strategyqa")


def test_shared_prosqa_and_prontoqa(shared_data: Path) -> None:
    prosqa = json.loads((shared_data / "prosqa" / "valid.json").read_text())
    tagged = tag_records(prosqa, "prosqa")
    assert len(tagged) == 300 and validate_examples(tagged) == []
    # k facts become 2k - 1 steps: k memory, k - 1 reason.
    assert all(
        len(t["steps"]) == 2 * len(r["steps"]) - 1 for t, r in zip(tagged, prosqa, strict=True)
    )
    prontoqa = json.loads((shared_data / "prontoqa" / "valid.json").read_text())
    kinds = tag_records(prontoqa, "prontoqa")[0]["step_kinds"]
    assert kinds == ["memory"] + ["memory", "reason"] * 5
