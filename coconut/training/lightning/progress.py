"""Progress a person can follow: one log line per epoch, and a progress bar without noise.

:class:`EpochSummary` logs every epoch's stage, training loss and validation metrics
through :mod:`logging`, so they reach ``train.log`` and stdout even when stdout is not a
terminal (nohup, SLURM) and the progress bar is off. :class:`QuietProgressBar` is
Lightning's bar without the ``v_num`` field.
"""

from __future__ import annotations

import logging
from typing import Any

import lightning as L
from lightning.pytorch.callbacks import Callback, TQDMProgressBar

from coconut.training.lightning.stage_callback import CurriculumCallback

log = logging.getLogger(__name__)


class EpochSummary(Callback):
    """Logs ``epoch N (stage k): train/loss ..., val/acc ...`` at each epoch end.

    Args:
        curriculum: the run's curriculum callback, for each epoch's stage.
    """

    def __init__(self, curriculum: CurriculumCallback) -> None:
        self.curriculum = curriculum

    def on_train_epoch_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if not trainer.is_global_zero or trainer.sanity_checking:
            return
        epoch = trainer.current_epoch
        metrics = trainer.callback_metrics
        parts = []
        for name in ("train/loss_epoch", "train/loss", "val/acc", "val/gen_tokens"):
            if name in metrics and not (name == "train/loss" and "train/loss_epoch" in metrics):
                parts.append(f"{name.removesuffix('_epoch')} {float(metrics[name]):.4f}")
        log.info(
            "epoch %d (stage %d, step %d): %s",
            epoch,
            self.curriculum.stage_at(epoch),
            trainer.global_step,
            ", ".join(parts) or "no metrics",
        )


class QuietProgressBar(TQDMProgressBar):
    """Lightning's progress bar without the logger version (``v_num``)."""

    def get_metrics(self, trainer: L.Trainer, pl_module: L.LightningModule) -> dict[str, Any]:
        items = super().get_metrics(trainer, pl_module)
        items.pop("v_num", None)
        return items
