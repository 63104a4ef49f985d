"""``planning_tokens``: the baseline with one learned token type for every step.

As ``memory_reason``, but every step gets the same ``n_special`` ``<|plan_i|>`` tokens,
whatever its kind (the planning-token baseline the memory/reason paper compares with),
and the answer its ``<|answer_i|>`` tokens. Steps need no kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from coconut.methods.memory_reason import TaggedSteps
from coconut.methods.registry import register
from coconut.methods.tags import TagSettings


@register
@dataclass(frozen=True, kw_only=True)
class PlanningTokens(TaggedSteps):
    """One ``plan`` type for every step."""

    name: ClassVar[str] = "planning_tokens"

    def settings(self) -> TagSettings:
        return TagSettings(self.n_prefix, self.n_special, self.tag_placement, typed=False)
