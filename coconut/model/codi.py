"""CODI's objective (arXiv 2502.21074): one model as teacher and student, self-distilled.

The same Coconut model runs two sequences of every example:

- the *teacher* reads the language chain of thought: ``question, steps, answer``, with
  the next-token loss on the steps and the answer (``loss_teacher``);
- the *student* reads ``question, bot, n thoughts, eot, answer``, each thought being the
  (projected) last hidden state of the position before it, with the next-token loss on
  the answer (``loss_student``).

``loss_distill`` pulls the student's hidden states at one position towards the
teacher's: the last token of the answer marker, the token whose next token is the
answer's value (CODI's ":" of "The answer is:"). At that position, for each of the
``L + 1`` hidden-state layers (the embedding output first, the final norm's output
last), it takes the mean smooth-L1 (or L1, or squared) distance between the student's
and the teacher's ``(B, D)`` states, divides it by the standard deviation of the
teacher's states at that layer (twice for the squared distance, as the official code
does) when ``div_std`` is set, and averages over the layers. The teacher's states are a
target only: no gradient flows through them.

Where the official code runs the teacher twice (once without gradients for the targets,
once for its loss), this runs it once and detaches the targets: the same values with
dropout off, one pass fewer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from coconut.model.loss import IGNORE

DISTANCES = ("smooth_l1", "l1", "l2")


@dataclass(frozen=True)
class CodiObjective:
    """CODI's three losses on a batch whose ``views`` hold the teacher's sequences.

    Attributes:
        weights: weights of ``student``, ``distill`` and ``teacher``.
        answer_marker_tokens: tokens of the answer's marker before its value (``###``
            is one); the distilled position is the last of them.
        distance: ``smooth_l1``, ``l1`` or ``l2``.
        div_std: divide each layer's distance by the teacher's standard deviation.
    """

    weights: Mapping[str, float] = field(
        default_factory=lambda: {"student": 1.0, "distill": 1.0, "teacher": 1.0}
    )
    answer_marker_tokens: int = 1
    distance: str = "smooth_l1"
    div_std: bool = True

    def __post_init__(self) -> None:
        if self.distance not in DISTANCES:
            raise ValueError(f"distance must be one of {DISTANCES}, got {self.distance!r}")

    def training_modules(self, model: nn.Module) -> dict[str, nn.Module]:
        """None: CODI's projection belongs to the model (it thinks with it)."""
        return {}

    def losses(
        self, model: nn.Module, batch: Mapping[str, Any], modules: Mapping[str, nn.Module]
    ) -> dict[str, torch.Tensor]:
        """``{"student", "distill", "teacher"}`` losses of ``batch`` (unweighted)."""
        teacher = batch["views"]["teacher"]
        student_out = _forward(model, batch)
        teacher_out = _forward(model, teacher)
        at_student, at_teacher = distill_columns(
            batch["labels"], teacher["labels"], self.answer_marker_tokens
        )
        distill = distill_loss(
            student_out.layers,
            teacher_out.layers,
            at_student,
            at_teacher,
            self.distance,
            self.div_std,
        )
        return {"student": student_out.loss, "distill": distill, "teacher": teacher_out.loss}


def _forward(model: nn.Module, batch: Mapping[str, Any]):
    return model(
        batch["input_ids"],
        batch["attention_mask"],
        labels=batch["labels"],
        position_ids=batch.get("position_ids"),
        output_layers=True,
    )


def distill_columns(
    student_labels: torch.Tensor, teacher_labels: torch.Tensor, marker_tokens: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(B,)`` columns of the last answer-marker token in each student and teacher row.

    The student's labels cover exactly the answer and the teacher's end with the same
    answer, so the answer starts at the student's first labelled column and, in the
    teacher, as many columns before its last labelled one as the student labels.

    Raises:
        ValueError: if a row's answer is not longer than ``marker_tokens``.
    """
    student, teacher = student_labels.ne(IGNORE), teacher_labels.ne(IGNORE)
    lengths = student.sum(1)  # (B,) answer tokens, eos included
    if bool((lengths <= marker_tokens).any()):
        rows = (lengths <= marker_tokens).nonzero().flatten().tolist()
        raise ValueError(
            f"rows {rows}: the answer has no token after its {marker_tokens}-token marker"
        )
    columns = torch.arange(student.shape[1], device=student.device)
    first = torch.where(student, columns, student.shape[1]).min(1).values
    columns = torch.arange(teacher.shape[1], device=teacher.device)
    last = torch.where(teacher, columns, -1).max(1).values
    return first + marker_tokens - 1, last - lengths + marker_tokens


def distill_loss(
    student_layers: tuple[torch.Tensor, ...],
    teacher_layers: tuple[torch.Tensor, ...],
    at_student: torch.Tensor,
    at_teacher: torch.Tensor,
    distance: str = "smooth_l1",
    div_std: bool = True,
) -> torch.Tensor:
    """The mean over layers of the distance between the student's states at columns
    ``at_student`` and the (detached) teacher's at ``at_teacher``; see the module doc."""
    rows = torch.arange(len(at_student), device=at_student.device)
    total = None
    for student, teacher in zip(student_layers, teacher_layers, strict=True):
        mine = student[rows, at_student]  # (B, D)
        target = teacher[rows, at_teacher].detach()  # (B, D)
        loss = _distance(mine, target, distance)
        if div_std:
            spread = target.std()
            loss = loss / spread / spread if distance == "l2" else loss / spread
        total = loss if total is None else total + loss
    return total / len(student_layers)


def _distance(mine: torch.Tensor, target: torch.Tensor, distance: str) -> torch.Tensor:
    if distance == "smooth_l1":
        return F.smooth_l1_loss(mine, target)
    if distance == "l1":
        return F.l1_loss(mine, target)
    return F.mse_loss(mine, target)
