"""Stopping a diverged run: a non-finite training loss ends it with an error.

:class:`DivergenceGuard` checks the loss of every training batch. The first NaN or infinite
loss raises :class:`DivergenceError` naming the optimizer step, epoch and batch, before
the optimizer applies it, so no later checkpoint holds non-finite weights. ``train`` then
marks the run failed (``<run_dir>/failed.json``) and writes no ``results.json``. Disable it
with ``divergence.check=false``.
"""

from __future__ import annotations

import math

import lightning as L
import torch
from lightning.pytorch.callbacks import Callback

from coconut.console import CoconutError


class DivergenceError(CoconutError, RuntimeError):
    """Training produced a non-finite loss."""


class DivergenceGuard(Callback):
    """Raises :class:`DivergenceError` at the first non-finite training loss."""

    def on_before_backward(
        self, trainer: L.Trainer, pl_module: L.LightningModule, loss: torch.Tensor
    ) -> None:
        value = float(loss.detach().float())
        if math.isfinite(value):
            return
        batch_idx = trainer.fit_loop.epoch_loop.batch_idx
        raise DivergenceError(
            f"training diverged: loss is {value} at optimizer step {trainer.global_step} "
            f"(epoch {trainer.current_epoch}, batch {batch_idx}); lower optimizer.lr or "
            "raise trainer.gradient_clip_val, then start again with another run_name= "
            "(divergence.check=false disables this check)"
        )
