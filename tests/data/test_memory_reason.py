"""The memory/reason loader: tag rules, answer normalisation, fixtures, hub (mocked), shared."""

from __future__ import annotations

from pathlib import Path

import datasets
import pytest

from coconut.data import DataValidationError, read_records
from coconut.data.memory_reason import (
    convert_records,
    load_memory_reason,
    normalize_choice,
    option_letters,
    parse_tagged_step,
    read_memory_reason,
)

MR = "memory_reason"


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ("[rag]: Paris is in France.", ("Paris is in France.", "memory", "tag")),
        ("[RAG] : Paris is in France.", ("Paris is in France.", "memory", "tag")),
        ("[memory]: x", ("x", "memory", "tag")),
        ("  [reason]:So y.", ("So y.", "reason", "tag")),
        ("[reason] and [rag]: M is 1000.", ("M is 1000.", "memory", "compound")),
        ("[rag] and [reason]: so z", ("so z", "reason", "compound")),
        ("[rag]: ", ("", "memory", "tag")),
    ],
)
def test_parse_tagged_step(step: str, expected: tuple[str, str, str]) -> None:
    assert parse_tagged_step(step) == expected


@pytest.mark.parametrize("step", ["[reason] and so on.", "[factual kno", "No tag here.", "[rag] x"])
def test_untagged_steps_raise_or_take_the_fallback(step: str) -> None:
    with pytest.raises(ValueError, match="no \\[rag\\]: / \\[reason\\]: tag"):
        parse_tagged_step(step)
    assert parse_tagged_step(step, "reason") == (step.strip(), "reason", "fallback")
    with pytest.raises(ValueError, match="fallback must be one of"):
        parse_tagged_step(step, "fact")


def test_answer_normalisation() -> None:
    assert [normalize_choice(a, "", True) for a in ("True", "false", " yes ", "NO")] == [
        "True",
        "False",
        "True",
        "False",
    ]
    question = "Which? A. one B. two C.three"
    assert option_letters(question) == "ABC"
    assert [normalize_choice(a, question, False) for a in ("b", "(C)", "A.")] == ["B", "C", "A"]
    with pytest.raises(ValueError, match="not among the question's options ABC"):
        normalize_choice("D", question, False)
    with pytest.raises(ValueError, match="expected True or False"):
        normalize_choice("maybe", "", True)
    with pytest.raises(ValueError, match="option letter"):
        normalize_choice("Blue", question, False)


def test_strategyqa_fixture(fixtures: Path, cache_dir: str) -> None:
    dataset = load_memory_reason(fixtures / MR / "strategyqa_sample.json", cache_dir=cache_dir)
    assert dataset.column_names == ["question", "steps", "answer", "step_kinds"]
    assert dataset.to_list() == [
        {
            "question": "Can a goldfish drive a car?",
            "steps": [
                "Goldfish live in water.",
                "A car is driven on land, so a goldfish cannot drive it.",
            ],
            "answer": "False",
            "step_kinds": ["memory", "reason"],
        },
        {
            "question": "Is ice cold?",
            "steps": [
                "Ice is frozen water.",
                "Frozen water is below zero degrees Celsius.",
                "So ice is cold.",
            ],
            "answer": "True",
            "step_kinds": ["memory", "memory", "reason"],
        },
    ]


def test_empty_tag_is_an_error_on_request(fixtures: Path) -> None:
    raw = read_records(fixtures / MR / "strategyqa_sample.json")
    with pytest.raises(DataValidationError, match=r"example 1, field 'cot_steps\[1\]': tag"):
        convert_records(raw, "strategyqa", "f.json", empty_steps="error")


def test_truthfulqa_fixture(fixtures: Path) -> None:
    records = read_memory_reason(fixtures / MR / "truthfulqa_sample.json")
    assert [r["answer"] for r in records] == ["B", "B"]
    assert records[0]["step_kinds"] == ["reason", "memory", "reason"]
    assert records[1]["steps"] == [] and records[1]["step_kinds"] == []


def test_malformed_tags_name_example_and_step(fixtures: Path) -> None:
    path = fixtures / MR / "strategyqa_malformed.json"
    with pytest.raises(DataValidationError) as err:
        read_memory_reason(path)
    message = str(err.value)
    assert "2 problem(s)" in message
    assert "example 0, field 'cot_steps[1]': no [rag]: / [reason]: tag" in message
    assert "example 1, field 'cot_steps[0]'" in message and "'[factual kno'" in message
    records = read_memory_reason(path, fallback="reason")
    assert records[0]["steps"] == ["Water is a liquid.", "[reason] and so water is wet."]
    assert records[0]["step_kinds"] == ["memory", "reason"]
    assert records[1]["step_kinds"] == ["reason", "reason"]


def test_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "truthfulqa_bad.json"
    path.write_text('[{"question": "Q? A. x B. y", "answer": "C", "cot_steps": []}, 3]')
    with pytest.raises(DataValidationError) as err:
        read_memory_reason(path)
    assert "example 0, field 'answer': answer C is not among" in str(err.value)
    assert "example 1: expected an object, got integer" in str(err.value)
    with pytest.raises(ValueError, match="cannot tell the set"):
        read_memory_reason(tmp_path / "other.json")


def test_hub_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = {
        "wics/strategy-qa": [{"question": "Is ice cold?", "answer": True, "facts": []}],
        "tau/commonsense_qa": [
            {
                "question": "Where is a fish?",
                "choices": {"label": ["A", "B"], "text": ["sea", "desk"]},
                "answerKey": "A",
            }
        ],
        "truthfulqa/truthful_qa": [
            {
                "question": "Is the earth flat?",
                "mc1_targets": {"choices": ["No.", "Yes.", "Maybe."], "labels": [1, 0, 0]},
            }
        ],
    }
    calls = []

    def fake_load_dataset(repo: str, config: str | None, *, split: str, cache_dir: str | None):
        calls.append((repo, config, split))
        return datasets.Dataset.from_list(rows[repo])

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    sqa = load_memory_reason("hub", "strategyqa", "test").to_list()
    assert sqa == [{"question": "Is ice cold?", "steps": [], "answer": "True", "step_kinds": []}]
    csqa = load_memory_reason("hub:validation", "commonsenseqa").to_list()
    assert csqa[0]["question"] == "Question: Where is a fish? Options: A.sea B.desk"
    assert csqa[0]["answer"] == "A"
    tqa = load_memory_reason("hub", "truthfulqa", "validation").to_list()[0]
    letter = tqa["answer"]
    assert f"{letter}. No." in tqa["question"] and option_letters(tqa["question"]) == "ABC"
    assert calls == [
        ("wics/strategy-qa", None, "test"),
        ("tau/commonsense_qa", None, "validation"),
        ("truthfulqa/truthful_qa", "multiple_choice", "validation"),
    ]
    with pytest.raises(ValueError, match="name must be one of"):
        load_memory_reason("hub", "gsm8k")


def test_shared_files(shared_data: Path) -> None:
    folder = shared_data / MR
    if not folder.is_dir():
        pytest.skip("no memory_reason folder in the shared data")
    train = read_memory_reason(folder / "strategyqa_train.json")
    assert len(train) == 1603
    assert {r["answer"] for r in train} == {"True", "False"}
    kinds = [k for r in train for k in r["step_kinds"]]
    # 7,539 tags minus 71 empty ones ("[rag]: " with no text), left out by rule 4.
    assert len(kinds) == 7468 and set(kinds) == {"memory", "reason"}
    test = read_memory_reason(folder / "strategyqa_test.json")
    assert len(test) == 687
    assert test[37]["step_kinds"][1] == "memory"  # "[reason] and [rag]: ..." (rule 2)
    truthful = read_memory_reason(folder / "truthfulqa_train.json")
    assert len(truthful) == 632
    assert all(r["answer"] in option_letters(r["question"]) for r in truthful)
    assert len(read_memory_reason(folder / "truthfulqa_test.json")) == 164
    assert len(read_memory_reason(folder / "commonsenseqa_test.json")) == 1221
