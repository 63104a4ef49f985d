"""Token and label layouts of every method at every stage.

Every layout splits into an eval *prompt* and a *continuation*: the prompt is the
question plus whatever markers and thought tokens the method puts before the remaining
language, and the continuation is the remaining reasoning steps and the answer (with
eos). Training labels are ``-100`` exactly on the prompt and equal the ids on the
continuation, so the loss never covers the question, the markers or the thoughts.

With ``S`` steps, ``C = c_thought``, ``M = max_latent_stage`` and stage ``k``
(``k > M`` is the final, language-free stage):

==================  ==========================================================
method              prompt | continuation
==================  ==========================================================
cot                 question | steps, answer
no_cot              question | answer
coconut             question, bot, latent x n, eot | steps[k:] (none if k > M), answer
no_curriculum       as coconut (its schedule always trains k = M + 1)
pause_as_thought    as coconut, with pause tokens instead of latents
no_thought          question, bot, eot | steps[k:] (none if k > M), answer
pause_token         question, pause x (M * C) | answer
icot                question | step tokens minus the first k * icot_tokens_per_stage
                    (all of them if k > M), answer
==================  ==========================================================

where ``n = k * C`` for ``k <= M`` and, for ``k > M``, ``n = M * C`` with
``pad_latent_to_max`` and ``min(S, M) * C`` without. The memory/reason methods and the
memory_latent hybrid are laid out by :mod:`coconut.curriculum.tagged`; memory_latent's
thoughts sit in the continuation (generated at evaluation), so its ``n_latent`` is 0 and
its labels are ``-100`` on ``<|latent|>`` and ``<|end-latent|>``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

from coconut.curriculum.examples import SpecialIds, TokenizedExample
from coconut.curriculum.methods import MethodConfig
from coconut.curriculum.schedule import schedule_stages
from coconut.curriculum.tagged import latent_reason_split, tagged_split

IGNORE_INDEX = -100
"""Label value the loss ignores."""


@dataclass(frozen=True)
class Sequence:
    """One laid-out example.

    Attributes:
        input_ids: token ids.
        labels: training labels (``-100`` on the prompt); empty for an eval prompt.
        prompt_len: length of the eval prompt, a prefix of ``input_ids``.
        n_latent: number of ``<|latent|>`` thoughts, which the paper counts as
            generated tokens (pause tokens are not counted).
    """

    input_ids: list[int]
    labels: list[int]
    prompt_len: int
    n_latent: int


def build_sequence(
    ex: TokenizedExample, stage: int, method: MethodConfig, ids: SpecialIds
) -> Sequence:
    """The training layout of ``ex`` at ``stage``.

    Args:
        ex: the tokenized example.
        stage: curriculum stage (>= 0); stages past ``max_latent_stage + 1`` equal it.
        method: the method config.
        ids: special token ids.

    Raises:
        ValueError: if ``stage`` is negative.
    """
    prompt, continuation, n_latent = _split(ex, stage, method, ids)
    unlabelled = (ids.latent, ids.end_latent)
    return Sequence(
        input_ids=prompt + continuation,
        labels=[IGNORE_INDEX] * len(prompt)
        + [IGNORE_INDEX if t in unlabelled else t for t in continuation],
        prompt_len=len(prompt),
        n_latent=n_latent,
    )


def build_prompt(
    ex: TokenizedExample, stage: int, method: MethodConfig, ids: SpecialIds
) -> Sequence:
    """The eval prompt of ``ex`` at ``stage``: its training layout cut after the prompt.

    The prompt ends after eot (coconut, no_curriculum, pause_as_thought, no_thought),
    after the pause tokens (pause_token) or after the question (cot, no_cot, icot).
    ``labels`` is empty.
    """
    prompt, _, n_latent = _split(ex, stage, method, ids)
    return Sequence(input_ids=prompt, labels=[], prompt_len=len(prompt), n_latent=n_latent)


def max_sequence_length(
    examples: Iterable[TokenizedExample], method: MethodConfig, ids: SpecialIds
) -> int:
    """Length of the longest training layout of ``examples`` over every scheduled stage.

    Mixed-in stages (``uniform_prob``) share the layouts of scheduled ones, so this
    bounds every sequence training can produce; compare it with the model's context.
    Returns 0 for no examples.
    """
    stages = schedule_stages(method)
    return max(
        (len(build_sequence(ex, k, method, ids).input_ids) for ex in examples for k in stages),
        default=0,
    )


def _split(
    ex: TokenizedExample, stage: int, method: MethodConfig, ids: SpecialIds
) -> tuple[list[int], list[int], int]:
    """Returns ``(prompt, continuation, n_latent)`` of the layout."""
    if stage < 0:
        raise ValueError(f"stage must be >= 0, got {stage}")
    q, answer, name = ex.question, ex.answer, method.name
    if name == "cot":
        return q, _flat(ex.steps) + answer, 0
    if name == "no_cot":
        return q, list(answer), 0
    if name == "pause_token":
        return q + [ids.pause] * (method.max_latent_stage * method.c_thought), list(answer), 0
    if name == "icot":
        return q, _icot_remaining(ex, stage, method) + answer, 0
    settings = method.tag_settings()
    if settings is not None:
        return (*tagged_split(ex, settings, ids.extra), 0)
    if name == "memory_latent":
        replaced = stage if stage <= method.max_latent_stage else len(ex.steps)
        prompt, continuation, _ = latent_reason_split(ex, replaced, method.c_thought, ids)
        return prompt, continuation, 0
    remaining = _flat(ex.steps[stage:]) if stage <= method.max_latent_stage else []
    if name == "no_thought":
        return _marked(q, [], ids), remaining + answer, 0
    n = _num_thoughts(ex, stage, method)
    if name == "pause_as_thought":
        return _marked(q, [ids.pause] * n, ids), remaining + answer, 0
    # coconut and no_curriculum
    return _marked(q, [ids.latent] * n, ids), remaining + answer, n


def _marked(question: list[int], thoughts: list[int], ids: SpecialIds) -> list[int]:
    """``question, bot, thoughts, eot``."""
    return [*question, ids.start_latent, *thoughts, ids.end_latent]


def _num_thoughts(ex: TokenizedExample, stage: int, method: MethodConfig) -> int:
    m = method.max_latent_stage
    if stage > m:  # final stage: every step replaced, as many as the example has
        stage = m if method.pad_latent_to_max else min(len(ex.steps), m)
    return stage * method.c_thought


def _icot_remaining(ex: TokenizedExample, stage: int, method: MethodConfig) -> list[int]:
    tokens = _flat(ex.steps)
    if stage > method.max_latent_stage:
        return []
    return tokens[min(stage * method.icot_tokens_per_stage, len(tokens)) :]


def _flat(steps: list[list[int]]) -> list[int]:
    return list(chain.from_iterable(steps))
