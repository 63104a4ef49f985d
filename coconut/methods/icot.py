"""``icot``: stepwise internalisation (Deng et al. 2024), no markers.

At stage ``k`` the first ``k * icot_tokens_per_stage`` chain-of-thought tokens are
removed; past ``max_latent_stage`` all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from coconut.methods import validated_fields as fields
from coconut.methods.base import Layout
from coconut.methods.registry import register
from coconut.methods.step_curriculum import StepCurriculum, flat

if TYPE_CHECKING:
    from coconut.data.tokenized import TokenizedExample
    from coconut.model.tokens import TokenIds


@register
@dataclass(frozen=True, kw_only=True)
class ICoT(StepCurriculum):
    """Prompt: question. Continuation: step tokens left at the stage, answer.

    Attributes:
        icot_tokens_per_stage: chain-of-thought tokens removed per stage.
    """

    name: ClassVar[str] = "icot"
    display_name: ClassVar[str] = "iCoT"
    table1_row: ClassVar[int] = 2
    icot_tokens_per_stage: int = fields.icot_tokens_per_stage()

    def layout(self, ex: TokenizedExample, stage: int, ids: TokenIds) -> Layout:
        tokens = flat(ex.steps)
        if stage > self.max_latent_stage:
            tokens = []
        remaining = tokens[min(stage * self.icot_tokens_per_stage, len(tokens)) :]
        return Layout(list(ex.question), remaining + ex.answer, 0)
