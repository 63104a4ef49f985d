"""GSM8K loaders: hub (mocked), local jsonl, iCoT text; annotation steps and answers."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest

from coconut.data import DataValidationError, load_gsm8k, load_icot
from coconut.data.gsm8k import annotation_steps

EXPECTED = [
    {
        "question": "A baker fills 12 trays with 8 rolls each. She sells 40 rolls. "
        "How many rolls are left?",
        "steps": ["<<12*8=96>>", "<<96-40=56>>"],
        "answer": "56",
    },
    {
        "question": "A bike costs $1,150 and a helmet costs $50. What do both cost together?",
        "steps": ["<<1150+50=1200>>"],
        "answer": "1200",
    },
    {
        "question": "Kim reads 3 pages a day for a week. How many pages does she read?",
        "steps": [],
        "answer": "21",
    },
]
JAR = {
    "question": "A jar holds 2.5 litres. How many litres do 3 jars hold?",
    "steps": ["<<2.5*3=7.5>>"],
    "answer": "7.5",
}


def test_annotation_steps() -> None:
    text = "So 48/2 = <<48/2=24>>24 and $<<0.2*50=10>>10.\n#### 10"
    assert annotation_steps(text) == ["<<48/2=24>>", "<<0.2*50=10>>"]
    assert annotation_steps("no calculator here") == []


def test_jsonl_fixture(fixtures: Path, cache_dir: str) -> None:
    dataset = load_gsm8k(fixtures / "gsm8k_sample.jsonl", cache_dir=cache_dir)
    assert dataset.column_names == ["question", "steps", "answer"]
    assert dataset.to_list() == [*EXPECTED, JAR]


def test_folder_source_picks_the_split(fixtures: Path, tmp_path: Path, cache_dir: str) -> None:
    (tmp_path / "test.jsonl").write_text((fixtures / "gsm8k_sample.jsonl").read_text())
    assert load_gsm8k(tmp_path, split="test", cache_dir=cache_dir).to_list() == [*EXPECTED, JAR]


def test_icot_fixture(fixtures: Path, cache_dir: str) -> None:
    assert load_icot(fixtures / "icot_sample.txt", cache_dir=cache_dir).to_list() == EXPECTED


def test_hub_source(monkeypatch: pytest.MonkeyPatch, fixtures: Path) -> None:
    rows = [json.loads(line) for line in (fixtures / "gsm8k_sample.jsonl").read_text().splitlines()]
    calls = []

    def fake_load_dataset(name: str, config: str, *, split: str, cache_dir: str | None):
        calls.append((name, config, split))
        return datasets.Dataset.from_list(rows)

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    dataset = load_gsm8k("hub", split="test")
    assert calls == [("openai/gsm8k", "main", "test")]
    assert dataset.to_list() == [*EXPECTED, JAR]


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"question": "Q?", "answer": "It is 4."}, "answer", "no '#### <answer>'"),
        ({"question": "Q?", "answer": "It is 4.\n####  "}, "answer", "no '#### <answer>'"),
        ({"question": "Q?"}, "answer", "got null"),
        ({"question": 3, "answer": "#### 4"}, "question", "got integer"),
        ({"question": " ", "answer": "#### 4"}, "question", "is empty"),
    ],
)
def test_bad_jsonl_row(tmp_path: Path, cache_dir: str, row: dict, field: str, message: str) -> None:
    path = tmp_path / "train.jsonl"
    good = json.dumps({"question": "Q?", "answer": "<<2+2=4>>4\n#### 4"})
    path.write_text(f"{good}\n{good}\n{json.dumps(row)}\n")
    with pytest.raises(DataValidationError) as caught:
        load_gsm8k(path, cache_dir=cache_dir)
    (problem,) = caught.value.problems
    assert (problem.source, problem.index, problem.field) == (str(path), 2, field)
    assert message in problem.message


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ("Q? <<1+1=2>> #### 2", "steps", "no '||'"),
        ("Q?||<<1+1=2>>", "answer", "no '#### <answer>'"),
        ("Q?||<<1+1=2>> so 2 #### 2", "steps", "text outside the <<...>> annotations: 'so 2'"),
        ("||<<1+1=2>> #### 2", "question", "is empty"),
    ],
)
def test_bad_icot_line(tmp_path: Path, cache_dir: str, line: str, field: str, message: str) -> None:
    path = tmp_path / "valid.txt"
    path.write_text(f"Q?||<<1+1=2>> #### 2\n{line}\n")
    with pytest.raises(DataValidationError) as caught:
        load_icot(path, cache_dir=cache_dir)
    (problem,) = caught.value.problems
    assert (problem.source, problem.index, problem.field) == (str(path), 1, field)
    assert message in problem.message


def test_reference_jsonl_and_icot_agree(shared_data: Path, cache_dir: str) -> None:
    """The iCoT test file is the GSM8K test split with only the annotations kept."""
    from_jsonl = load_gsm8k(shared_data / "gsm8k", split="test", cache_dir=cache_dir)
    from_icot = load_icot(shared_data / "gsm8k" / "icot" / "test.txt", cache_dir=cache_dir)
    assert len(from_jsonl) == 1319
    assert from_jsonl.to_list() == from_icot.to_list()
