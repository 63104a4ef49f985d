"""``memory_latent``: reason steps become continuous thoughts, memory steps stay language.

A hybrid of Coconut and the memory/reason split (no paper has it). With the Coconut
curriculum (``max_latent_stage``, ``epochs_per_stage``, ``first_stage``), stage ``k``
replaces the first ``k`` *reason* steps, each by ``bot, latent x c_thought, eot``, in
place; past ``max_latent_stage`` every reason step is replaced. Memory steps and the
answer stay language. The prompt is the question: at evaluation the model writes the
memory steps itself and opens each latent span with ``<|start-latent|>``, and the decoder
(``coconut.model.interleaved``) feeds the thoughts and closes the span. So a row holds
several latent spans, and ``n_latent`` of the prompt is 0 (the thoughts are counted
among the generated tokens). The examples must carry ``step_kinds``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from coconut.methods.base import Layout
from coconut.methods.registry import register
from coconut.methods.step_curriculum import StepCurriculum, Thoughts
from coconut.methods.tags import latent_reason_split

if TYPE_CHECKING:
    from coconut.data.tokenized import TokenizedExample
    from coconut.model.tokens import TokenIds


@register
@dataclass(frozen=True, kw_only=True)
class MemoryLatent(StepCurriculum, Thoughts):
    """Prompt: question. Continuation: steps with the first ``k`` reason steps as
    latent spans, answer."""

    name: ClassVar[str] = "memory_latent"
    uses_latents: ClassVar[bool] = True

    def layout(self, ex: TokenizedExample, stage: int, ids: TokenIds) -> Layout:
        replaced = stage if stage <= self.max_latent_stage else len(ex.steps)
        prompt, continuation, _ = latent_reason_split(ex, replaced, self.c_thought, ids)
        return Layout(prompt, continuation, 0)

    @property
    def latent_steps(self) -> int:
        """``c_thought``: thoughts per span the decoder feeds when the model opens one."""
        return self.c_thought
