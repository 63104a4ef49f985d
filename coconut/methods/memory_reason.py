"""``memory_reason``: steps preceded by learned memory/reason type tokens (arXiv 2411.13504).

Prompt: question, ``n_prefix`` shared prefix tokens. Continuation: for each step its
``n_special`` type tokens (``<|memory_i|>`` or ``<|reason_i|>``) and the step (or the
step then its tokens, ``tag_placement="after"``), then ``n_special`` ``<|answer_i|>``
tokens and the answer. One stage. The examples must carry ``step_kinds``. The paper
trains LoRA adapters plus the new token rows (``adapter.mode=lora``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from coconut.methods import validated_fields as fields
from coconut.methods.base import Layout, Method
from coconut.methods.registry import register
from coconut.methods.tags import PLACEMENTS, TagSettings, tagged_split

if TYPE_CHECKING:
    from coconut.data.tokenized import TokenizedExample
    from coconut.model.tokens import TokenIds


def placement() -> Any:
    """``before`` or ``after``: where a step's type tokens go."""

    def check(value: Any) -> str | None:
        return None if value in PLACEMENTS else f"must be one of {PLACEMENTS}, got {value!r}"

    return dataclasses.field(default="before", metadata={"check": check})


@dataclass(frozen=True, kw_only=True)
class TaggedSteps(Method):
    """Base of the tagged-step methods: prefix tokens, type tokens per step, answer tokens.

    Attributes:
        n_prefix: shared prefix tokens after the question (>= 0).
        n_special: type tokens per step and before the answer (>= 0; 0 adds none).
        tag_placement: ``before`` or ``after`` each step.
    """

    n_prefix: int = fields.integer(1, minimum=0)
    n_special: int = fields.integer(4, minimum=0)
    tag_placement: str = placement()

    def settings(self) -> TagSettings:
        """The tagging these fields describe."""
        return TagSettings(self.n_prefix, self.n_special, self.tag_placement)

    def layout(self, ex: TokenizedExample, stage: int, ids: TokenIds) -> Layout:
        prompt, continuation = tagged_split(ex, self.settings(), ids.extra)
        return Layout(prompt, continuation, 0)

    def special_tokens(self) -> tuple[str, ...]:
        return self.settings().tokens()


@register
@dataclass(frozen=True, kw_only=True)
class MemoryReason(TaggedSteps):
    """Memory/reason type tokens before (or after) every step."""

    name: ClassVar[str] = "memory_reason"
