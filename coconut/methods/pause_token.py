"""``pause_token``: a fixed run of ``<|pause|>`` tokens between question and answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from coconut.methods import validated_fields as fields
from coconut.methods.base import Layout
from coconut.methods.registry import register
from coconut.methods.step_curriculum import Thoughts

if TYPE_CHECKING:
    from coconut.data.tokenized import TokenizedExample
    from coconut.model.tokens import TokenIds


@register
@dataclass(frozen=True, kw_only=True)
class PauseToken(Thoughts):
    """Prompt: question, ``max_latent_stage * c_thought`` pauses. Continuation: answer."""

    name: ClassVar[str] = "pause_token"
    display_name: ClassVar[str] = "Pause Token"
    table1_row: ClassVar[int] = 3
    max_latent_stage: int = fields.max_latent_stage()

    def layout(self, ex: TokenizedExample, stage: int, ids: TokenIds) -> Layout:
        pauses = [ids.pause] * (self.max_latent_stage * self.c_thought)
        return Layout([*ex.question, *pauses], list(ex.answer), 0)
