"""Building blocks of the memory/reason methods (arXiv 2411.13504) and of memory_latent.

Pure functions of (example, settings, token ids); each method module's ``layout`` is a
thin call. With ``P = n_prefix`` and ``N = n_special``:

=========================  ===================================================================
method                     prompt | continuation
=========================  ===================================================================
memory_reason              question, <prefix_0..P-1> | for each step: <kind_0..N-1>, step;
                           <answer_0..N-1>, answer
memory_reason_shuffled     as memory_reason, the example's kinds permuted (seeded)
memory_reason_untyped      as memory_reason with N = 0 (no type or answer tokens)
planning_tokens            as memory_reason with one type, <plan_i>, for every step
memory_latent (stage k)    question | each memory step in language; each of the first k
                           reason steps (all past max_latent_stage) as bot, latent x c, eot;
                           later reason steps in language; answer
=========================  ===================================================================

With ``placement="after"`` the type tokens follow their step instead of preceding it.
Training labels are the continuation except on ``<|latent|>`` and ``<|end-latent|>``
(``-100``: a thought is not a token to predict, and eot is inserted by the decoder).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coconut.data.tokenized import TokenizedExample
    from coconut.model.tokens import TokenIds

PLACEMENTS = ("before", "after")
TAG_KINDS = ("memory", "reason", "answer", "plan")


def tag_token(kind: str, i: int) -> str:
    """The text of the ``i``-th type token of ``kind`` (``<|memory_0|>``, ``<|prefix_2|>``)."""
    return f"<|{kind}_{i}|>"


@dataclass(frozen=True)
class TagSettings:
    """How steps are tagged.

    Attributes:
        n_prefix: shared prefix tokens after the question.
        n_special: type tokens per step and before the answer (0: none).
        placement: ``before`` or ``after`` each step.
        typed: memory/reason types; False uses one ``plan`` type for every step.
        shuffle_seed: if not None, permute the kinds within each example with this seed.
    """

    n_prefix: int = 1
    n_special: int = 4
    placement: str = "before"
    typed: bool = True
    shuffle_seed: int | None = None

    def tokens(self) -> tuple[str, ...]:
        """Every special token these settings use, in a fixed order."""
        kinds = ("memory", "reason") if self.typed else ("plan",)
        names = [tag_token("prefix", i) for i in range(self.n_prefix)]
        for kind in (*kinds, "answer"):
            names += [tag_token(kind, i) for i in range(self.n_special)]
        return tuple(names)


def check_kinds(ex: TokenizedExample) -> Sequence[str]:
    """The example's step kinds; ``ValueError`` if the example carries none."""
    if ex.step_kinds is None:
        raise ValueError(
            "this method needs steps tagged memory/reason (a step_kinds field): use a tagged "
            "data set (strategyqa, truthfulqa) or set data.tagging=prosqa|prontoqa|gsm8k"
        )
    return ex.step_kinds


def shuffled_kinds(ex: TokenizedExample, seed: int) -> list[str]:
    """The example's kinds in a permutation seeded by ``seed`` and the question's ids."""
    kinds = list(check_kinds(ex))
    key = zlib.crc32(",".join(map(str, ex.question)).encode())
    random.Random(f"memory-reason-shuffle:{seed}:{key}").shuffle(kinds)
    return kinds


def tagged_split(
    ex: TokenizedExample, settings: TagSettings, extra: Mapping[str, int]
) -> tuple[list[int], list[int]]:
    """``(prompt, continuation)`` of a memory/reason-style method.

    Args:
        ex: the example (with ``step_kinds`` when ``settings.typed``).
        settings: the tagging settings.
        extra: token text -> id, holding every token of ``settings.tokens()``.
    """
    if settings.typed:
        kinds = (
            shuffled_kinds(ex, settings.shuffle_seed)
            if settings.shuffle_seed is not None
            else list(check_kinds(ex))
        )
    else:
        kinds = ["plan"] * len(ex.steps)
    prompt = [*ex.question, *_tags(extra, "prefix", settings.n_prefix)]
    continuation: list[int] = []
    for kind, step in zip(kinds, ex.steps, strict=True):
        tags = _tags(extra, kind, settings.n_special)
        continuation += [*tags, *step] if settings.placement == "before" else [*step, *tags]
    answer_tags = _tags(extra, "answer", settings.n_special)
    continuation += [*answer_tags, *ex.answer]
    return prompt, continuation


def _tags(extra: Mapping[str, int], kind: str, n: int) -> list[int]:
    return [extra[tag_token(kind, i)] for i in range(n)]


def latent_reason_split(
    ex: TokenizedExample, n_replaced: int, c_thought: int, ids: TokenIds
) -> tuple[list[int], list[int], int]:
    """``(prompt, continuation, n_latent)`` of memory_latent with ``n_replaced`` reason
    steps (the first ones) as ``c_thought`` continuous thoughts each."""
    kinds = check_kinds(ex)
    continuation: list[int] = []
    replaced = 0
    for kind, step in zip(kinds, ex.steps, strict=True):
        if kind == "reason" and replaced < n_replaced:
            continuation += [ids.start_latent, *[ids.latent] * c_thought, ids.end_latent]
            replaced += 1
        else:
            continuation += step
    return list(ex.question), continuation + list(ex.answer), replaced * c_thought
