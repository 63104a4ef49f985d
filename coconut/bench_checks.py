"""What ``coconut-bench`` reports besides timings: a profile of one step, and how far the
model's step on the benchmark's device is from the naive reference's.

- :func:`profile_step` runs one training step under ``torch.profiler`` and writes the
  operators that took the most time (device time on CUDA, CPU time otherwise).
- :func:`reference_gaps` runs the same batch through ``Coconut`` and through
  :func:`coconut.model.reference.naive_forward` on a copy of the same weights, and returns
  the largest absolute differences of the logits, the loss and the gradients.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import torch
from torch.profiler import ProfilerActivity, profile

from coconut.atomic import atomic_write_text
from coconut.model import Coconut
from coconut.model.loss import shifted_cross_entropy
from coconut.model.reference import naive_forward


def profile_step(step: Callable[[], None], device: str, path: str | Path, rows: int = 15) -> None:
    """Profiles one call of ``step`` (after one warm-up call) and writes the ``rows``
    operators with the most time to ``path`` as a text table."""
    cuda = device.startswith("cuda")
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if cuda else [])
    step()
    with profile(activities=activities) as prof:
        step()
        if cuda:
            torch.cuda.synchronize()
    sort_by = "self_device_time_total" if cuda else "self_cpu_time_total"
    table = prof.key_averages().table(sort_by=sort_by, row_limit=rows)
    atomic_write_text(Path(path), f"one training step on {device}, sorted by {sort_by}\n{table}\n")


def reference_gaps(model: Coconut, ids: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
    """Largest absolute differences between ``model`` and the naive reference on one batch:
    ``logits`` (over every position), ``loss`` and ``grad`` (over every parameter).

    Both run in the model's own dtype, without autocast; ``model``'s gradients are
    cleared first and left filled.
    """
    reference = copy.deepcopy(model)
    mask = torch.ones_like(ids)
    model.zero_grad(set_to_none=True)
    ours = model(ids, mask)  # without labels: the logits, whatever loss_chunk_size says
    ours_loss = shifted_cross_entropy(ours.logits, labels)
    logits, _ = naive_forward(reference, ids, mask)
    theirs = shifted_cross_entropy(logits, labels)
    ours_loss.backward()
    theirs.backward()
    grad = max(
        (p.grad - q.grad).abs().max().item()
        for p, q in zip(model.parameters(), reference.parameters(), strict=True)
        if p.grad is not None and q.grad is not None
    )
    return {
        "logits": (ours.logits - logits).abs().max().item(),
        "loss": (ours_loss - theirs).abs().item(),
        "grad": grad,
    }
