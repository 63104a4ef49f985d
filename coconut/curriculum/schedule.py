"""The curriculum schedule: which stage each epoch trains, in one place.

Staged methods (coconut, pause_as_thought, no_thought, icot) move one stage every
``epochs_per_stage`` epochs and stay at ``max_latent_stage + 1`` once there; cot, no_cot
and pause_token have a single stage 0; no_curriculum trains the final stage from epoch 0.
"""

from __future__ import annotations

import random

from coconut.curriculum.examples import TokenizedExample
from coconut.curriculum.methods import STEP_CURRICULUM_METHODS, MethodConfig


def stage_for_epoch(epoch: int, method: MethodConfig) -> int:
    """The curriculum stage trained at ``epoch`` (0-based).

    Args:
        epoch: the epoch, counted from 0.
        method: the method and its schedule.

    Returns:
        ``min(first_stage + epoch // epochs_per_stage, max_latent_stage + 1)`` for staged
        methods,
        ``max_latent_stage + 1`` for no_curriculum and 0 otherwise.

    Raises:
        ValueError: if ``epoch`` is negative.
    """
    if epoch < 0:
        raise ValueError(f"epoch must be >= 0, got {epoch}")
    if method.name == "no_curriculum":
        return method.final_stage
    if not method.is_staged:
        return 0
    return min(method.first_stage + epoch // method.epochs_per_stage, method.final_stage)


def stage_changed(epoch: int, method: MethodConfig) -> bool:
    """Whether ``epoch`` is the first epoch of a new stage (never true at epoch 0)."""
    if epoch <= 0:
        return False
    return stage_for_epoch(epoch, method) != stage_for_epoch(epoch - 1, method)


def schedule_stages(method: MethodConfig) -> tuple[int, ...]:
    """Every stage the schedule of ``method`` trains, in order."""
    if method.name == "no_curriculum":
        return (method.final_stage,)
    if not method.is_staged:
        return (0,)
    return tuple(range(method.first_stage, method.num_stages))


def example_rng(seed: int, epoch: int, index: int) -> random.Random:
    """A random generator that depends only on ``(seed, epoch, index)``.

    Gives each example of each epoch its own stream, so stage mixing does not depend on
    data order, worker count or where a resumed run restarts.
    """
    return random.Random(f"coconut-stage:{seed}:{epoch}:{index}")


def sample_stage(ex: TokenizedExample, stage: int, method: MethodConfig, rng: random.Random) -> int:
    """The stage to build ``ex`` for, after ``uniform_prob`` mixing.

    With probability ``method.uniform_prob`` (coconut, pause_as_thought and no_thought
    only) the stage is drawn uniformly from ``0..len(ex.steps)``; otherwise ``stage`` is
    returned unchanged.

    Args:
        ex: the tokenized example.
        stage: the scheduled stage, from :func:`stage_for_epoch`.
        method: the method config.
        rng: source of randomness, e.g. from :func:`example_rng`.

    Returns:
        The stage to pass to :func:`~coconut.curriculum.layout.build_sequence`.
    """
    if method.name not in STEP_CURRICULUM_METHODS or method.uniform_prob <= 0.0:
        return stage
    if rng.random() < method.uniform_prob:
        return rng.randrange(len(ex.steps) + 1)
    return stage
