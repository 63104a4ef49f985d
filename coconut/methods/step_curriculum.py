"""Building blocks shared by the Table 1 methods: the step curriculum and its layouts.

- :class:`StepCurriculum`: stages ``first_stage .. max_latent_stage + 1``, one every
  ``epochs_per_stage`` epochs; at stage ``k`` the first ``k`` reasoning steps are gone
  (all of them past ``max_latent_stage``);
- :class:`StageMixing`: ``uniform_prob`` of building an example for a random stage;
- :class:`Thoughts`: ``c_thought`` thought tokens per replaced step.

The helpers lay out the pieces the methods share: flattened steps, the question followed
by ``bot, thoughts, eot`` and the number of thoughts at a stage.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

from coconut.methods import validated_fields as fields
from coconut.methods.base import Method, check_epoch

if TYPE_CHECKING:
    from coconut.data.tokenized import TokenizedExample
    from coconut.model.tokens import TokenIds


@dataclass(frozen=True, kw_only=True)
class StepCurriculum(Method):
    """Removes one reasoning step per stage, ``epochs_per_stage`` epochs a stage.

    Attributes:
        max_latent_stage: last stage that removes steps one at a time (the paper's
            ``max_latent_stage``); stage ``max_latent_stage + 1`` removes them all.
        epochs_per_stage: epochs spent at each stage.
        first_stage: stage of epoch 0.
    """

    max_latent_stage: int = fields.max_latent_stage()
    epochs_per_stage: int = fields.epochs_per_stage()
    first_stage: int = fields.first_stage()

    def __post_init__(self) -> None:
        super().__post_init__()
        last = self.max_latent_stage + 1
        if not 0 <= self.first_stage <= last:
            raise ValueError(f"method first_stage: must lie in [0, {last}], got {self.first_stage}")

    def stages(self) -> tuple[int, ...]:
        return tuple(range(self.first_stage, self.max_latent_stage + 2))

    def stage_for_epoch(self, epoch: int) -> int:
        """``min(first_stage + epoch // epochs_per_stage, max_latent_stage + 1)``."""
        check_epoch(epoch)
        return min(self.first_stage + epoch // self.epochs_per_stage, self.max_latent_stage + 1)

    @property
    def max_replaced_steps(self) -> int:
        """``max_latent_stage``: the final stage replaces that many steps at most."""
        return self.max_latent_stage

    def remaining_steps(self, ex: TokenizedExample, stage: int) -> list[int]:
        """The tokens of the steps left at ``stage`` (none past ``max_latent_stage``)."""
        return flat(ex.steps[stage:]) if stage <= self.max_latent_stage else []


@dataclass(frozen=True, kw_only=True)
class StageMixing(Method):
    """Stage mixing: with probability ``uniform_prob`` an example is built for a stage
    drawn uniformly from ``0..len(steps)`` instead of the scheduled one."""

    uniform_prob: float = fields.uniform_prob()

    def sample_stage(self, ex: TokenizedExample, stage: int, rng: random.Random) -> int:
        if self.uniform_prob <= 0.0:
            return stage
        if rng.random() < self.uniform_prob:
            return rng.randrange(len(ex.steps) + 1)
        return stage


@dataclass(frozen=True, kw_only=True)
class Thoughts(Method):
    """``c_thought`` thought tokens (latent or pause) per replaced step; must be >= 1."""

    c_thought: int = fields.c_thought()

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.c_thought < 1:
            raise ValueError(
                f"method c_thought: must be >= 1 for {self.name}, got {self.c_thought}"
            )

    @property
    def latents_per_stage(self) -> int:
        """``c_thought``."""
        return self.c_thought


def flat(steps: list[list[int]]) -> list[int]:
    """The steps' tokens in one list."""
    return list(chain.from_iterable(steps))


def marked(question: list[int], thoughts: list[int], ids: TokenIds) -> list[int]:
    """``question, bot, thoughts, eot``."""
    return [*question, ids.start_latent, *thoughts, ids.end_latent]


def num_thoughts(
    ex: TokenizedExample, stage: int, c_thought: int, max_latent_stage: int, pad: bool
) -> int:
    """``stage * c_thought``; past ``max_latent_stage`` every step is replaced:
    ``max_latent_stage`` of them with ``pad`` (``pad_latent_to_max``), else as many as
    the example has, at most ``max_latent_stage``."""
    if stage > max_latent_stage:
        stage = max_latent_stage if pad else min(len(ex.steps), max_latent_stage)
    return stage * c_thought
