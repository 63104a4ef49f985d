"""The tokenized example: one record as token ids, the unit every method lays out.

:class:`TokenizedExample` is a plain container, so the methods (which lay it out) and the
curriculum (which builds it with :func:`coconut.curriculum.examples.tokenize_example`)
both import it from here, below them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TokenizedExample:
    """One example as token ids.

    Attributes:
        question: ids of ``question + "\\n"``.
        steps: ids of ``step + "\\n"`` for each reasoning step.
        answer: ids of ``"### " + answer`` followed by eos.
        step_kinds: ``"memory"`` / ``"reason"`` per step, when the record carries them
            (the memory/reason methods need them).
    """

    question: list[int]
    steps: list[list[int]]
    answer: list[int]
    step_kinds: tuple[str, ...] | None = None
