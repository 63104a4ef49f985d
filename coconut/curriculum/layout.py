"""Training sequences and eval prompts from a method's layout of an example.

A method (:mod:`coconut.methods`) splits an example at a stage into an eval *prompt* and
a *continuation*: the prompt is the question plus whatever markers and thought tokens the
method puts before the remaining language, and the continuation is the remaining
reasoning steps and the answer (with eos). Training labels are ``-100`` exactly on the
prompt and equal the ids on the continuation, so the loss never covers the question, the
markers or the thoughts.

With ``S`` steps, ``C = c_thought``, ``M = max_latent_stage`` and stage ``k``
(``k > M`` is the final, language-free stage), the Table 1 methods lay out:

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
``pad_latent_to_max`` and ``min(S, M) * C`` without. The memory/reason methods are laid
out by :mod:`coconut.curriculum.tagged`. A continuation may hold latent spans
(memory_latent): its labels are ``-100`` on ``<|latent|>`` and ``<|end-latent|>`` (a
thought is not a token to predict, and the decoder inserts eot itself).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from coconut.curriculum.examples import TokenizedExample
from coconut.methods import Layout, Method
from coconut.model.tokens import TokenIds

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


def build_sequence(ex: TokenizedExample, stage: int, method: Method, ids: TokenIds) -> Sequence:
    """The training layout of ``ex`` at ``stage``.

    Args:
        ex: the tokenized example.
        stage: curriculum stage (>= 0); stages past ``max_latent_stage + 1`` equal it.
        method: the method.
        ids: special token ids.

    Raises:
        ValueError: if ``stage`` is negative.
    """
    return _labelled(_split(ex, stage, method, ids), ids)


def build_views(
    ex: TokenizedExample, stage: int, method: Method, ids: TokenIds
) -> dict[str, Sequence]:
    """The method's further training layouts of ``ex`` at ``stage``
    (:meth:`Method.views <coconut.methods.Method.views>`), labelled as
    :func:`build_sequence` labels the main one; empty for most methods."""
    if stage < 0:
        raise ValueError(f"stage must be >= 0, got {stage}")
    return {name: _labelled(layout, ids) for name, layout in method.views(ex, stage, ids).items()}


def _labelled(layout: Layout, ids: TokenIds) -> Sequence:
    prompt, continuation = layout.prompt, layout.continuation
    unlabelled = (ids.latent, ids.end_latent)
    return Sequence(
        input_ids=prompt + continuation,
        labels=[IGNORE_INDEX] * len(prompt)
        + [IGNORE_INDEX if t in unlabelled else t for t in continuation],
        prompt_len=len(prompt),
        n_latent=layout.n_latent,
    )


def build_prompt(ex: TokenizedExample, stage: int, method: Method, ids: TokenIds) -> Sequence:
    """The eval prompt of ``ex`` at ``stage``: its training layout cut after the prompt.

    The prompt ends after eot (coconut, no_curriculum, pause_as_thought, no_thought),
    after the pause tokens (pause_token) or after the question (cot, no_cot, icot).
    ``labels`` is empty.
    """
    layout = _split(ex, stage, method, ids)
    prompt = list(layout.prompt)
    return Sequence(input_ids=prompt, labels=[], prompt_len=len(prompt), n_latent=layout.n_latent)


def max_sequence_length(examples: Iterable[TokenizedExample], method: Method, ids: TokenIds) -> int:
    """Length of the longest training layout of ``examples`` over every scheduled stage.

    Mixed-in stages (``uniform_prob``) share the layouts of scheduled ones, so this
    bounds every sequence training can produce; compare it with the model's context.
    Returns 0 for no examples.
    """
    stages = method.stages()
    return max(
        (len(build_sequence(ex, k, method, ids).input_ids) for ex in examples for k in stages),
        default=0,
    )


def _split(ex: TokenizedExample, stage: int, method: Method, ids: TokenIds) -> Layout:
    if stage < 0:
        raise ValueError(f"stage must be >= 0, got {stage}")
    return method.layout(ex, stage, ids)
