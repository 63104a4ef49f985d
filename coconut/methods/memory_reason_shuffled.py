"""``memory_reason_shuffled``: the ablation with each example's tags permuted at random.

As ``memory_reason``, but the kinds of an example's steps are permuted by a generator
seeded with ``shuffle_seed`` and the question's token ids, so a step may carry the other
kind's tokens while the number of memory and reason tags per example stays the same. The
permutation of an example is the same in every epoch and run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from coconut.methods import validated_fields as fields
from coconut.methods.memory_reason import TaggedSteps
from coconut.methods.registry import register
from coconut.methods.tags import TagSettings


@register
@dataclass(frozen=True, kw_only=True)
class MemoryReasonShuffled(TaggedSteps):
    """Attributes:
    shuffle_seed: seed of the per-example permutation of the kinds.
    """

    name: ClassVar[str] = "memory_reason_shuffled"
    shuffle_seed: int = fields.integer(0)

    def settings(self) -> TagSettings:
        return TagSettings(
            self.n_prefix, self.n_special, self.tag_placement, shuffle_seed=self.shuffle_seed
        )
