"""The curriculum schedule, asked of the method: the stage of an epoch and stage mixing.

Each method declares its own schedule (:meth:`coconut.methods.Method.stages`); these
functions are the curriculum's entry points to it. During training only
:class:`~coconut.training.curriculum.CurriculumCallback` asks which stage an epoch trains.
"""

from __future__ import annotations

import random

from coconut.curriculum.examples import TokenizedExample
from coconut.methods import Method


def stage_for_epoch(epoch: int, method: Method) -> int:
    """The curriculum stage ``method`` trains at ``epoch`` (0-based).

    Raises:
        ValueError: if ``epoch`` is negative.
    """
    return method.stage_for_epoch(epoch)


def stage_changed(epoch: int, method: Method) -> bool:
    """Whether ``epoch`` is the first epoch of a new stage (never true at epoch 0)."""
    return method.stage_changed(epoch)


def schedule_stages(method: Method) -> tuple[int, ...]:
    """Every stage the schedule of ``method`` trains, in order."""
    return method.stages()


def example_rng(seed: int, epoch: int, index: int) -> random.Random:
    """A random generator that depends only on ``(seed, epoch, index)``.

    Gives each example of each epoch its own stream, so stage mixing does not depend on
    data order, worker count or where a resumed run restarts.
    """
    return random.Random(f"coconut-stage:{seed}:{epoch}:{index}")


def sample_stage(ex: TokenizedExample, stage: int, method: Method, rng: random.Random) -> int:
    """The stage to build ``ex`` for, after the method's stage mixing.

    Args:
        ex: the tokenized example.
        stage: the scheduled stage.
        method: the method.
        rng: source of randomness, e.g. from :func:`example_rng`.
    """
    return method.sample_stage(ex, stage, rng)
