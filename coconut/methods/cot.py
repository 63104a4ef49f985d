"""``cot``: language chain of thought, the question then every step then the answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from coconut.methods.base import Layout, Method
from coconut.methods.registry import register
from coconut.methods.step_curriculum import flat

if TYPE_CHECKING:
    from coconut.data.tokenized import TokenizedExample
    from coconut.model.tokens import TokenIds


@register
@dataclass(frozen=True, kw_only=True)
class CoT(Method):
    """Prompt: question. Continuation: every step, answer. One stage."""

    name: ClassVar[str] = "cot"
    display_name: ClassVar[str] = "CoT"
    table1_row: ClassVar[int] = 0

    def layout(self, ex: TokenizedExample, stage: int, ids: TokenIds) -> Layout:
        return Layout(list(ex.question), flat(ex.steps) + ex.answer, 0)
