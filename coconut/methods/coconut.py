"""``coconut``: Chain of Continuous Thought, the paper's method.

At stage ``k`` the first ``k`` reasoning steps become ``k * c_thought`` latent thoughts
between ``<|start-latent|>`` and ``<|end-latent|>``; past ``max_latent_stage`` every
language step is gone (see :func:`~coconut.methods.step_curriculum.num_thoughts`).

With ``next_step_only`` the labels after the thoughts are only the next reasoning step
while steps remain, and only the answer once none does: the supervision of *Reasoning by
Superposition* (arXiv 2505.12514), where ``k`` thoughts are trained to lead to the path's
``k+1``-th node. Those stages teach no answer, so evaluation always uses the final stage.

With ``bare_latents`` the thoughts follow the question with no ``<|start-latent|>`` or
``<|end-latent|>`` around them, as in that paper's code: the label after the thoughts is
then predicted from the last thought itself, so each thought is the state a language
label was once read from (with ``next_step_only``, the next node of the path).
"""

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
class Coconut(StepCurriculum, StageMixing, Thoughts):
    """Prompt: question, bot, ``n`` latents, eot. Continuation: steps left, answer.

    Attributes:
        pad_latent_to_max: past ``max_latent_stage``, use ``max_latent_stage * c_thought``
            thoughts for every example.
        next_step_only: label only the next step while steps remain (else the answer).
        bare_latents: no start/end markers around the thoughts.
    """

    name: ClassVar[str] = "coconut"
    display_name: ClassVar[str] = "Coconut"
    table1_row: ClassVar[int] = 4
    uses_latents: ClassVar[bool] = True
    pad_latent_to_max: bool = fields.pad_latent_to_max()
    next_step_only: bool = fields.next_step_only()
    bare_latents: bool = fields.bare_latents()

    def layout(self, ex: TokenizedExample, stage: int, ids: TokenIds) -> Layout:
        n = num_thoughts(ex, stage, self.c_thought, self.max_latent_stage, self.pad_latent_to_max)
        thoughts = [ids.latent] * n
        prompt = (
            [*ex.question, *thoughts] if self.bare_latents else marked(ex.question, thoughts, ids)
        )
        remaining = self.remaining_steps(ex, stage)
        if self.next_step_only and remaining:
            return Layout(prompt, list(ex.steps[stage]), n)
        return Layout(prompt, remaining + ex.answer, n)

    @property
    def latent_markers(self) -> bool:
        """False with ``bare_latents``."""
        return not self.bare_latents

    def eval_stage_for(self, stage: int) -> int:
        """The final stage under ``next_step_only`` (no other stage teaches the answer)."""
        return self.final_stage if self.next_step_only else stage
