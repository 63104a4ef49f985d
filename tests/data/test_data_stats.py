"""example_stats on hand-made records."""

from __future__ import annotations

import pytest

from coconut.data import example_stats


def test_plain_records() -> None:
    records = [
        {"question": "One two. Three?", "steps": ["a", "b"], "answer": "True"},
        {"question": "Four five six.", "steps": [], "answer": "False"},
        {"question": "Seven.", "steps": ["c"], "answer": "True"},
    ]
    stats = example_stats(records)
    assert stats == {
        "examples": 3,
        "question_chars_mean": pytest.approx((15 + 14 + 6) / 3),
        "question_words_mean": pytest.approx(7 / 3),
        "question_sentences_mean": pytest.approx(4 / 3),
        "steps_mean": pytest.approx(1.0),
        "steps_min": 0,
        "steps_max": 2,
        "true_fraction": pytest.approx(2 / 3),
    }


def test_graph_records(prosqa_records: list) -> None:
    stats = example_stats(prosqa_records)
    assert stats["nodes_mean"] == 7 and (stats["edges_min"], stats["edges_max"]) == (5, 6)
    assert stats["persons_mean"] == 2
    assert stats["steps_mean"] == 2.5
    assert "true_fraction" not in stats


def test_no_records() -> None:
    with pytest.raises(ValueError, match="no examples"):
        example_stats([])
