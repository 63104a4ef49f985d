"""``codi``: continuous chain of thought by self-distillation (CODI, arXiv 2502.21074).

One model is both teacher and student. The student's layout (the one evaluated) is the
question, ``<|start-latent|>``, ``num_thoughts`` latent thoughts and ``<|end-latent|>``,
then the answer; each thought is the previous position's last hidden state passed
through a trainable projection (:attr:`Codi.thought_projection`). The teacher's view is
the question, the language steps and the answer. The objective
(:class:`coconut.model.codi.CodiObjective`) adds the student's answer loss, the
teacher's loss on steps and answer, and the distillation of the student's hidden states
at the last answer-marker token towards the teacher's, each weighted by a field. There
is no curriculum: one stage, trained from the first epoch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from coconut.methods import validated_fields as fields
from coconut.methods.base import Layout, Method
from coconut.methods.registry import register
from coconut.methods.step_curriculum import flat, marked

if TYPE_CHECKING:
    from coconut.data.tokenized import TokenizedExample
    from coconut.model.objective import Objective
    from coconut.model.tokens import TokenIds


@register
@dataclass(frozen=True, kw_only=True)
class Codi(Method):
    """Prompt: question, bot, ``num_thoughts`` latents, eot. Continuation: answer.
    View ``teacher``: question | steps, answer.

    Attributes:
        num_thoughts: latent thoughts of the student (the official ``num_latent``).
        projection: pass each fed-back hidden state through the projection MLP.
        projection_dim: the MLP's inner width (``None``: the model's width).
        projection_dropout: dropout on the MLP's input.
        projection_layer_norm: a layer norm on the MLP's output.
        loss_weight_student: weight of the student's answer loss.
        loss_weight_teacher: weight of the teacher's loss (``ref_loss_factor``).
        loss_weight_distill: weight of the distillation loss (``distill_loss_factor``).
        distill_distance: ``smooth_l1`` (the official default), ``l1`` or ``l2``.
        distill_div_std: divide the distance by the teacher's standard deviation.
        answer_marker_tokens: tokens of the answer's marker (``###``) before its value;
            the distilled position is the last of them.
        teacher_last_step: the teacher reads the last reasoning step too (the official
            GSM8k-Aug recipe leaves it out).
    """

    name: ClassVar[str] = "codi"
    display_name: ClassVar[str] = "CODI"
    uses_latents: ClassVar[bool] = True
    needs_steps: ClassVar[bool] = True
    num_thoughts: int = fields.integer(6, minimum=1)
    projection: bool = fields.flag(True)
    projection_dim: int | None = fields.optional_integer(None, minimum=1)
    projection_dropout: float = fields.probability(0.0)
    projection_layer_norm: bool = fields.flag(True)
    loss_weight_student: float = fields.loss_weight(1.0)
    loss_weight_teacher: float = fields.loss_weight(1.0)
    loss_weight_distill: float = fields.loss_weight(1.0)
    distill_distance: str = fields.choice("smooth_l1", ("smooth_l1", "l1", "l2"))
    distill_div_std: bool = fields.flag(True)
    answer_marker_tokens: int = fields.integer(1, minimum=1)
    teacher_last_step: bool = fields.flag(True)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.projection_dropout >= 1.0:
            raise ValueError(
                f"method projection_dropout: must be < 1, got {self.projection_dropout}"
            )

    def layout(self, ex: TokenizedExample, stage: int, ids: TokenIds) -> Layout:
        thoughts = [ids.latent] * self.num_thoughts
        return Layout(marked(ex.question, thoughts, ids), list(ex.answer), self.num_thoughts)

    def views(self, ex: TokenizedExample, stage: int, ids: TokenIds) -> dict[str, Layout]:
        """``teacher``: the question, then the steps and the answer as labels."""
        steps = ex.steps if self.teacher_last_step else ex.steps[:-1]
        return {"teacher": Layout(list(ex.question), flat(steps) + list(ex.answer), 0)}

    def objective(self) -> Objective:
        from coconut.model.codi import CodiObjective

        weights = {
            "student": float(self.loss_weight_student),
            "distill": float(self.loss_weight_distill),
            "teacher": float(self.loss_weight_teacher),
        }
        return CodiObjective(
            weights, self.answer_marker_tokens, self.distill_distance, self.distill_div_std
        )

    @property
    def thought_projection(self) -> dict | None:
        """The projection MLP's spec, or ``None`` without ``projection``."""
        if not self.projection:
            return None
        return {
            "hidden": self.projection_dim,
            "dropout": float(self.projection_dropout),
            "layer_norm": self.projection_layer_norm,
        }
