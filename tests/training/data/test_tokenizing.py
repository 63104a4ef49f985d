"""Tokenized splits go through the ``datasets`` cache: a second run skips tokenization."""

from __future__ import annotations

import json
import logging

import pytest

from coconut.curriculum import tokenize_example
from coconut.data import load_examples
from coconut.training.data.tokenizing import tokenize_split

LOGGER = "coconut.training.data.tokenizing"


@pytest.fixture
def write_toy_split(make_records):
    """Writes ``n`` toy records to ``path``; returns the path and the records."""

    def write(path, n, seed=0):
        records = make_records(n, seed=seed)
        path.write_text(json.dumps(records))
        return path, records

    return write


def _load(path, cache_dir):
    return load_examples(path, cache_dir=str(cache_dir))


def test_second_run_reads_the_tokenized_split_from_the_cache(
    tmp_path, make_tokenizer, caplog, write_toy_split
):
    path, records = write_toy_split(tmp_path / "train.json", 20)
    tokenizer = make_tokenizer(records)
    expected = [tokenize_example(r, tokenizer) for r in records]

    with caplog.at_level(logging.INFO, logger=LOGGER):
        first, answers = tokenize_split(_load(path, tmp_path / "cache"), tokenizer, str(path))
    assert "tokenized 20 examples" in caplog.text
    caplog.clear()

    with caplog.at_level(logging.INFO, logger=LOGGER):
        again, answers_again = tokenize_split(_load(path, tmp_path / "cache"), tokenizer, str(path))
    assert "read from the datasets cache" in caplog.text
    assert "tokenized 20 examples" not in caplog.text
    assert first == again == expected
    assert answers == answers_again == [r["answer"] for r in records]


def test_another_tokenizer_or_file_misses_the_cache(
    tmp_path, make_tokenizer, caplog, write_toy_split
):
    path, records = write_toy_split(tmp_path / "train.json", 12)
    tokenize_split(_load(path, tmp_path / "cache"), make_tokenizer(records), str(path))
    other = make_tokenizer(records[:4])
    with caplog.at_level(logging.INFO, logger=LOGGER):
        got, _ = tokenize_split(_load(path, tmp_path / "cache"), other, str(path))
    assert "tokenized 12 examples" in caplog.text
    assert got == [tokenize_example(r, other) for r in records]

    write_toy_split(path, 12, seed=5)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger=LOGGER):
        tokenize_split(_load(path, tmp_path / "cache"), other, str(path))
    assert "tokenized 12 examples" in caplog.text


def test_a_record_the_tokenizer_cannot_take_is_named(make_tokenizer):
    import datasets

    records = [{"question": "q", "steps": ["a"], "answer": "x"}] * 2
    bad = datasets.Dataset.from_list([*records, {"question": "q", "steps": None, "answer": "y"}])
    with pytest.raises(ValueError, match=r"f\.json, example 2: field 'steps' must be a list"):
        tokenize_split(bad, make_tokenizer(), "f.json")
