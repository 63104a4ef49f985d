"""Randomness of the curriculum schedule: one generator per (seed, epoch, example).

The schedule itself belongs to the method (:meth:`coconut.methods.Method.stages`,
:meth:`~coconut.methods.Method.stage_for_epoch`, :meth:`~coconut.methods.Method.sample_stage`);
during training only
:class:`~coconut.training.lightning.stage_callback.CurriculumCallback` asks which stage an
epoch trains. What lives here is the seeding of stage mixing.
"""

from __future__ import annotations

import random


def example_rng(seed: int, epoch: int, index: int) -> random.Random:
    """A random generator that depends only on ``(seed, epoch, index)``.

    Gives each example of each epoch its own stream, so stage mixing
    (:meth:`~coconut.methods.Method.sample_stage`) does not depend on data order, worker
    count or where a resumed run restarts.
    """
    return random.Random(f"coconut-stage:{seed}:{epoch}:{index}")
