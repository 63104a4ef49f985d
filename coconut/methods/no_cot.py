"""``no_cot``: no chain of thought, the answer straight after the question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from coconut.methods.base import Layout, Method
from coconut.methods.registry import register

if TYPE_CHECKING:
    from coconut.data.tokenized import TokenizedExample
    from coconut.model.tokens import TokenIds


@register
@dataclass(frozen=True, kw_only=True)
class NoCoT(Method):
    """Prompt: question. Continuation: answer. One stage."""

    name: ClassVar[str] = "no_cot"
    display_name: ClassVar[str] = "No-CoT"
    table1_row: ClassVar[int] = 1

    def layout(self, ex: TokenizedExample, stage: int, ids: TokenIds) -> Layout:
        return Layout(list(ex.question), list(ex.answer), 0)
