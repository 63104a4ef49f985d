"""Tag sequence statistics of memory_reason generations."""

from __future__ import annotations

import math

import pytest

from coconut.analysis import tag_sequence, tag_statistics

M = "<|memory_0|><|memory_1|>"
R = "<|reason_0|><|reason_1|>"
A = "<|answer_0|><|answer_1|>"


def test_tag_sequence() -> None:
    text = (
        f"{M}Paris is in France.\n{M}France is in Europe.\n{R}So Paris is in Europe.\n{A}### True"
    )
    assert tag_sequence(text) == ["memory", "memory", "reason", "answer"]
    assert tag_sequence("no tags ### False") == []
    assert tag_sequence(f"{R}x{A}### True {M}after") == ["reason", "answer"]


def test_tag_statistics() -> None:
    stats = tag_statistics(
        [
            f"{M}a\n{R}b\n{R}c\n{A}### True",  # memory, reason, reason
            f"{R}b\n{M}a\n### False",  # reason first, no answer tag
            "### True",  # no steps
        ]
    )
    assert stats["num_generations"] == 3
    assert stats["memory_steps_mean"] == pytest.approx(2 / 3)
    assert stats["reason_steps_mean"] == pytest.approx(1.0)
    assert stats["with_memory"] == pytest.approx(2 / 3)
    assert stats["with_answer_tag"] == pytest.approx(1 / 3)
    assert stats["first_reason_position_mean"] == pytest.approx(0.5)  # positions 1 and 0
    assert stats["memory_first_share"] == pytest.approx(0.5)
    assert math.isnan(tag_statistics(["### x"])["first_reason_position_mean"])
    with pytest.raises(ValueError, match="no generations"):
        tag_statistics([])
