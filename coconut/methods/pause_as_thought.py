"""``pause_as_thought``: Coconut's curriculum with ``<|pause|>`` tokens as the thoughts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from coconut.methods import validated_fields as fields
from coconut.methods.base import Layout
from coconut.methods.registry import register
from coconut.methods.step_curriculum import (
    StageMixing,
    StepCurriculum,
    Thoughts,
    marked,
    num_thoughts,
)

if TYPE_CHECKING:
    from coconut.data.tokenized import TokenizedExample
    from coconut.model.tokens import TokenIds


@register
@dataclass(frozen=True, kw_only=True)
class PauseAsThought(StepCurriculum, StageMixing, Thoughts):
    """As coconut, with pause tokens instead of latents (no hidden-state feedback)."""

    name: ClassVar[str] = "pause_as_thought"
    display_name: ClassVar[str] = "- pause as thought"
    table1_row: ClassVar[int] = 7
    pad_latent_to_max: bool = fields.pad_latent_to_max()

    def layout(self, ex: TokenizedExample, stage: int, ids: TokenIds) -> Layout:
        n = num_thoughts(ex, stage, self.c_thought, self.max_latent_stage, self.pad_latent_to_max)
        prompt = marked(ex.question, [ids.pause] * n, ids)
        return Layout(prompt, self.remaining_steps(ex, stage) + ex.answer, 0)
