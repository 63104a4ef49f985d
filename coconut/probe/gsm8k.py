"""GSM8K: does a continuous thought decode to the result of its calculator step?

A GSM8K step in our schema is a calculator annotation ``<<a*b=c>>``; its result is ``c``.
With ``c_thought`` thoughts per step, thought ``i`` (1-based) stands for step
``(i - 1) // c_thought``. A thought *hits* when one of its top-k decoded tokens, without
surrounding spaces, equals the result or the first token of the result as the tokenizer
splits it (so a result split over tokens still counts when its first piece is there;
the paper's Figure 2 shows a thought decoding to "180", " 180" and "9").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from transformers import PreTrainedTokenizerBase

from coconut.data.calculator import parse_annotation
from coconut.probe.thoughts import DecodedThought


def step_result(step: str) -> str:
    """The result of one calculator step: ``"<<16-3-4=9>>"`` gives ``"9"``.

    Raises:
        ValueError: if the step is not ``<<expression=result>>``.
    """
    annotation = parse_annotation(step)
    if annotation is None:
        raise ValueError(f"step {step!r} is not a calculator annotation <<expression=result>>")
    result = annotation.result.strip()
    if not result:
        raise ValueError(f"step {step!r} has an empty result")
    return result


def step_results(steps: Sequence[str]) -> list[str]:
    """The results of every step, in order."""
    return [step_result(step) for step in steps]


def result_pieces(tokenizer: PreTrainedTokenizerBase, result: str) -> set[str]:
    """Strings a thought's token may equal to count as a hit for ``result``."""
    pieces = {result}
    for text in (result, " " + result):
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        if ids:
            first = tokenizer.decode([ids[0]]).strip()
            if first:
                pieces.add(first)
    return pieces


def thought_hits(
    thoughts: Sequence[DecodedThought],
    results: Sequence[str],
    tokenizer: PreTrainedTokenizerBase,
    c_thought: int = 1,
) -> list[bool | None]:
    """For each thought, whether its top tokens hold its step's result.

    Returns:
        One entry per thought: ``True``/``False``, or ``None`` for a thought past the
        example's last step (nothing to compare with).
    """
    if c_thought < 1:
        raise ValueError(f"c_thought must be >= 1, got {c_thought}")
    hits: list[bool | None] = []
    for thought in thoughts:
        step = (thought.index - 1) // c_thought
        if step >= len(results):
            hits.append(None)
            continue
        pieces = result_pieces(tokenizer, results[step])
        hits.append(any(token.strip() in pieces for token in thought.top_tokens))
    return hits


@dataclass
class HitRate:
    """Hits of the thoughts at one index, over examples."""

    index: int
    hits: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.hits / self.total if self.total else None


def hit_rate_by_thought(per_example: Sequence[Sequence[bool | None]]) -> list[HitRate]:
    """Hit rates by thought index (1-based) over examples; ``None`` entries are skipped."""
    width = max((len(h) for h in per_example), default=0)
    rates = []
    for i in range(width):
        column = [h[i] for h in per_example if i < len(h) and h[i] is not None]
        rates.append(HitRate(i + 1, sum(bool(x) for x in column), len(column)))
    return rates
