"""Reading and writing example files: round trips, malformed JSON, skipping, caching."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from coconut.data import (
    DataValidationError,
    load_examples,
    read_records,
    validate_examples,
    write_examples,
)
from coconut.data.schema import GRAPH_FIELDS

PLAIN = [
    {"question": "Q one?", "steps": ["a", "b"], "answer": "1"},
    {"question": "Q two — ünïcode?", "steps": [], "answer": "True"},
]


@pytest.mark.parametrize("name", ["plain.json", "plain.jsonl"])
def test_round_trip_plain(tmp_path: Path, cache_dir: str, name: str) -> None:
    path = write_examples(PLAIN, tmp_path / "sub" / name)
    assert read_records(path) == PLAIN
    dataset = load_examples(path, cache_dir=cache_dir)
    assert dataset.column_names == ["question", "steps", "answer"]
    assert dataset.to_list() == PLAIN


def test_round_trip_prosqa(tmp_path: Path, cache_dir: str, prosqa_records: list) -> None:
    path = write_examples(prosqa_records, tmp_path / "prosqa.json")
    dataset = load_examples(path, cache_dir=cache_dir)
    assert set(GRAPH_FIELDS) <= set(dataset.column_names)
    assert dataset.to_list() == [
        {key: r[key] for key in dataset.column_names} for r in prosqa_records
    ]
    again = write_examples(dataset, tmp_path / "again.json")
    assert read_records(again) == read_records(path)


def test_json_file_has_one_record_per_line(tmp_path: Path) -> None:
    path = write_examples(PLAIN, tmp_path / "x.json")
    lines = path.read_text().splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(PLAIN) + 2


def test_write_refuses_invalid_and_keeps_old_file(tmp_path: Path) -> None:
    path = write_examples(PLAIN, tmp_path / "x.json")
    before = path.read_text()
    with pytest.raises(DataValidationError, match="example 1, field 'answer'"):
        write_examples([PLAIN[0], {**PLAIN[1], "answer": ""}], path)
    assert path.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.json"]  # no temp files left


def test_malformed_json_names_the_example(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    good = json.dumps(PLAIN[0])
    path.write_text(f'[\n{good},\n{good},\n{{"question": "x", "steps": [}}\n]')
    with pytest.raises(DataValidationError) as caught:
        read_records(path)
    (problem,) = caught.value.problems
    assert problem.index == 2 and problem.source == str(path)
    assert "malformed JSON at line 4" in problem.message


def test_missing_comma_between_examples(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(f"[{json.dumps(PLAIN[0])} {json.dumps(PLAIN[1])}]")
    with pytest.raises(DataValidationError, match="example 0: malformed JSON"):
        read_records(path)


def test_malformed_jsonl_names_every_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(f"{json.dumps(PLAIN[0])}\n{{oops\n\n{json.dumps(PLAIN[1])}\n[1,\n")
    with pytest.raises(DataValidationError) as caught:
        read_records(path)
    assert [p.index for p in caught.value.problems] == [1, 3]


@pytest.mark.parametrize("text", ['{"question": "x"}', "[] []", ""])
def test_not_a_json_list(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(DataValidationError, match=str(path)) as caught:
        read_records(path)
    assert caught.value.problems[0].index is None


def test_skip_invalid_reports_count_and_indices(
    tmp_path: Path, cache_dir: str, caplog: pytest.LogCaptureFixture
) -> None:
    records = [PLAIN[0], {"question": "", "steps": [], "answer": "x"}, PLAIN[1], {"answer": 3}]
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(records))
    with pytest.raises(DataValidationError):
        load_examples(path, cache_dir=cache_dir)
    with caplog.at_level(logging.WARNING, logger="coconut.data.io"):
        dataset = load_examples(path, skip_invalid=True, cache_dir=cache_dir)
    assert dataset.to_list() == PLAIN
    assert "skipped 2 invalid example(s) of 4, indices [1, 3]" in caplog.text


def test_skip_invalid_cannot_skip_a_broken_file(tmp_path: Path, cache_dir: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[{"question": ')
    with pytest.raises(DataValidationError):
        load_examples(path, skip_invalid=True, cache_dir=cache_dir)


def test_cache_is_used_and_follows_the_content(tmp_path: Path, cache_dir: str) -> None:
    path = write_examples(PLAIN, tmp_path / "x.json")
    first = load_examples(path, cache_dir=cache_dir)
    assert first.cache_files and first.cache_files[0]["filename"].startswith(cache_dir)
    second = load_examples(path, cache_dir=cache_dir)
    assert second.cache_files == first.cache_files
    changed = [PLAIN[0], {**PLAIN[1], "answer": "False"}]
    write_examples(changed, path)
    assert load_examples(path, cache_dir=cache_dir).to_list() == changed


def test_empty_file_loads_empty(tmp_path: Path, cache_dir: str) -> None:
    path = write_examples([], tmp_path / "empty.json")
    assert len(load_examples(path, cache_dir=cache_dir)) == 0


def test_published_prosqa_loads_unchanged(shared_data: Path, cache_dir: str) -> None:
    path = shared_data / "prosqa" / "valid.json"
    records = json.loads(path.read_text())
    assert validate_examples(records, source=str(path)) == []
    dataset = load_examples(path, cache_dir=cache_dir)
    assert len(dataset) == 300
    assert dataset.to_list() == [{key: r[key] for key in dataset.column_names} for r in records]


def test_reference_prontoqa_loads(shared_data: Path, cache_dir: str) -> None:
    dataset = load_examples(shared_data / "prontoqa" / "valid.json", cache_dir=cache_dir)
    assert dataset.column_names == ["question", "steps", "answer"] and len(dataset) == 200


def test_written_file_follows_the_umask(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        path = write_examples(PLAIN, tmp_path / "x.json")
    finally:
        os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o644
