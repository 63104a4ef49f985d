"""Tag sequence statistics of memory_reason generations (StrategyQA, TruthfulQA).

A generated step starts with a run of type tokens (``<|memory_0|><|memory_1|>...``); each
run counts as one step of that kind, and an ``<|answer_i|>`` run ends the chain. Where
facts cannot be checked, these statistics show what the model does: how many memory and
reason steps it emits, how often each kind appears at all, and at which step the first
inference comes.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable

_TAG = re.compile(r"<\|(memory|reason|answer)_(\d+)\|>")


def tag_sequence(text: str) -> list[str]:
    """The kinds of the steps a generation marks, in order (``answer`` ends it)."""
    kinds: list[str] = []
    previous_end, previous_kind = -1, None
    for match in _TAG.finditer(text):
        kind = match[1]
        # A run of adjacent tokens of one kind marks one step.
        if not (kind == previous_kind and match.start() == previous_end):
            kinds.append(kind)
        previous_end, previous_kind = match.end(), kind
        if kind == "answer":
            break
    return kinds


def tag_statistics(generations: Iterable[str]) -> dict[str, float]:
    """Statistics over generations.

    Returns:
        ``num_generations``; ``memory_steps_mean`` and ``reason_steps_mean`` per
        generation; ``with_memory`` / ``with_reason`` / ``with_answer_tag`` shares of
        generations; ``first_reason_position_mean`` (0-based step index, over
        generations with a reason step) and ``memory_first_share`` (generations whose
        first step is memory, over those with a step).

    Raises:
        ValueError: for no generations.
    """
    sequences = [tag_sequence(text) for text in generations]
    if not sequences:
        raise ValueError("tag_statistics: no generations")
    steps = [[k for k in seq if k != "answer"] for seq in sequences]
    firsts = [s.index("reason") for s in steps if "reason" in s]
    started = [s for s in steps if s]
    return {
        "num_generations": float(len(sequences)),
        "memory_steps_mean": statistics.fmean(s.count("memory") for s in steps),
        "reason_steps_mean": statistics.fmean(s.count("reason") for s in steps),
        "with_memory": statistics.fmean("memory" in s for s in steps),
        "with_reason": statistics.fmean("reason" in s for s in steps),
        "with_answer_tag": statistics.fmean("answer" in seq for seq in sequences),
        "first_reason_position_mean": statistics.fmean(firsts) if firsts else float("nan"),
        "memory_first_share": (
            statistics.fmean(s[0] == "memory" for s in started) if started else float("nan")
        ),
    }
