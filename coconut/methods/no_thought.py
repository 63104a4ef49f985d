"""``no_thought``: Coconut's curriculum of removing steps, with no thoughts at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from coconut.methods.base import Layout
from coconut.methods.registry import register
from coconut.methods.step_curriculum import StageMixing, StepCurriculum, marked

if TYPE_CHECKING:
    from coconut.data.tokenized import TokenizedExample
    from coconut.model.tokens import TokenIds


@register
@dataclass(frozen=True, kw_only=True)
class NoThought(StepCurriculum, StageMixing):
    """Prompt: question, bot, eot. Continuation: steps left at the stage, answer."""

    name: ClassVar[str] = "no_thought"
    display_name: ClassVar[str] = "- w/o thought"
    table1_row: ClassVar[int] = 6

    def layout(self, ex: TokenizedExample, stage: int, ids: TokenIds) -> Layout:
        prompt = marked(ex.question, [], ids)
        return Layout(prompt, self.remaining_steps(ex, stage) + ex.answer, 0)
