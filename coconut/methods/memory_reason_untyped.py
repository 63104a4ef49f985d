"""``memory_reason_untyped``: the ablation with 0 type tokens (prefix tokens only).

As ``memory_reason`` with ``n_special = 0``: no type tokens before steps or the answer;
only the ``n_prefix`` shared prefix tokens after the question remain. Steps need no kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from coconut.methods import validated_fields as fields
from coconut.methods.base import Layout, Method
from coconut.methods.registry import register
from coconut.methods.tags import TagSettings, tagged_split

if TYPE_CHECKING:
    from coconut.data.tokenized import TokenizedExample
    from coconut.model.tokens import TokenIds


@register
@dataclass(frozen=True, kw_only=True)
class MemoryReasonUntyped(Method):
    """Attributes:
    n_prefix: shared prefix tokens after the question (>= 0).
    """

    name: ClassVar[str] = "memory_reason_untyped"
    n_prefix: int = fields.integer(1, minimum=0)

    def settings(self) -> TagSettings:
        return TagSettings(self.n_prefix, 0, typed=False)

    def layout(self, ex: TokenizedExample, stage: int, ids: TokenIds) -> Layout:
        prompt, continuation = tagged_split(ex, self.settings(), ids.extra)
        return Layout(prompt, continuation, 0)

    def special_tokens(self) -> tuple[str, ...]:
        return self.settings().tokens()
