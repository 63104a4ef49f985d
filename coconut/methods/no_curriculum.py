"""``no_curriculum``: Coconut's final-stage layout from the first epoch on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from coconut.methods import validated_fields as fields
from coconut.methods.base import Layout
from coconut.methods.registry import register
from coconut.methods.step_curriculum import Thoughts, flat, marked, num_thoughts

if TYPE_CHECKING:
    from coconut.data.tokenized import TokenizedExample
    from coconut.model.tokens import TokenIds


@register
@dataclass(frozen=True, kw_only=True)
class NoCurriculum(Thoughts):
    """As coconut, with the single stage ``max_latent_stage + 1`` (no language steps).

    Attributes:
        max_latent_stage: the latent thoughts are ``min(steps, max_latent_stage) *
            c_thought`` (or ``max_latent_stage * c_thought`` with ``pad_latent_to_max``).
        pad_latent_to_max: pad every example to ``max_latent_stage * c_thought``.
    """

    name: ClassVar[str] = "no_curriculum"
    display_name: ClassVar[str] = "- w/o curriculum"
    table1_row: ClassVar[int] = 5
    uses_latents: ClassVar[bool] = True
    max_latent_stage: int = fields.max_latent_stage()
    pad_latent_to_max: bool = fields.pad_latent_to_max()

    def stages(self) -> tuple[int, ...]:
        return (self.max_latent_stage + 1,)

    def layout(self, ex: TokenizedExample, stage: int, ids: TokenIds) -> Layout:
        n = num_thoughts(ex, stage, self.c_thought, self.max_latent_stage, self.pad_latent_to_max)
        remaining = flat(ex.steps[stage:]) if stage <= self.max_latent_stage else []
        return Layout(marked(ex.question, [ids.latent] * n, ids), remaining + ex.answer, n)
