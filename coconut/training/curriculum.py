"""The curriculum scheduler: a Lightning callback that owns the training stage.

:class:`CurriculumCallback` is the one place that turns an epoch into a stage (by asking
the method, :meth:`coconut.methods.Method.stage_for_epoch`). Everything else asks it:

- the data module lays out each epoch's training examples at :meth:`train_stage` and
  evaluation prompts at :meth:`eval_stage`; the callback has the trainer rebuild the
  training loader every epoch (``reload_dataloaders_every_n_epochs=1``), since both the
  stage and the data order depend on the epoch;
- :class:`~coconut.training.checkpointing.FinalStageBest` keeps only checkpoints for which
  :meth:`is_final_stage` holds;
- the final evaluation takes its stage from :meth:`final_eval_stage`.

At the start of each epoch it logs ``curriculum/stage`` and, on the first epoch of a new
stage, rebuilds the optimizer (and learning-rate schedule) when the method asks for it.
A run resumed in the middle of a stage keeps the optimizer state of its checkpoint.
"""

from __future__ import annotations

import logging
from typing import Any

import lightning as L
from lightning.pytorch.callbacks import Callback

from coconut.methods import Method

log = logging.getLogger(__name__)


class CurriculumCallback(Callback):
    """Owns the curriculum stage of a run.

    Args:
        method: the training method, whose schedule gives the stage of each epoch.
        eval_stage: a forced evaluation stage (``eval.stage``); ``None`` evaluates at the
            stage being trained.

    Raises:
        ValueError: if ``eval_stage`` is negative.
    """

    def __init__(self, method: Method, eval_stage: int | None = None) -> None:
        self.method = method
        self._forced_eval_stage: int | None = None
        if eval_stage is not None:
            self.force_eval_stage(eval_stage)

    # -- the stage ------------------------------------------------------------------------
    def stage_at(self, epoch: int) -> int:
        """The stage trained at ``epoch`` (the only epoch-to-stage mapping in training)."""
        return self.method.stage_for_epoch(epoch)

    def train_stage(self, trainer: L.Trainer | Any | None) -> int:
        """The stage of ``trainer``'s current epoch (epoch 0 without a trainer)."""
        return self.stage_at(_epoch(trainer))

    def eval_stage(self, trainer: L.Trainer | Any | None) -> int:
        """The stage evaluation prompts use now: the forced one, else the method's
        evaluation stage for the training stage."""
        if self._forced_eval_stage is not None:
            return self._forced_eval_stage
        return self.method.eval_stage_for(self.train_stage(trainer))

    def force_eval_stage(self, stage: int | None) -> None:
        """Evaluates at ``stage`` from now on (``None``: follow the training stage)."""
        if stage is not None and stage < 0:
            raise ValueError(f"eval.stage: must be >= 0, got {stage}")
        self._forced_eval_stage = stage

    def is_final_stage(self, epoch: int) -> bool:
        """Whether ``epoch`` trains the method's final stage (its checkpoints count)."""
        return self.stage_at(epoch) == self.method.final_stage

    def final_eval_stage(self, *, best_checkpoint: bool, epochs_trained: int) -> int:
        """The stage of the evaluation after training.

        Args:
            best_checkpoint: whether a final-stage best checkpoint is evaluated.
            epochs_trained: epochs completed (the last weights were trained at the stage
                of epoch ``epochs_trained - 1``).

        Returns:
            The forced stage if any; else the final stage for a final-stage checkpoint,
            else the stage the last weights were trained at.
        """
        if self._forced_eval_stage is not None:
            return self._forced_eval_stage
        if best_checkpoint:
            return self.method.final_stage
        return self.method.eval_stage_for(self.stage_at(max(epochs_trained - 1, 0)))

    # -- Lightning hooks -----------------------------------------------------------------
    def setup(self, trainer: L.Trainer, pl_module: L.LightningModule, stage: str) -> None:
        if stage == "fit" and trainer.reload_dataloaders_every_n_epochs != 1:
            log.info("curriculum: the training loader is rebuilt every epoch")
            trainer.reload_dataloaders_every_n_epochs = 1

    def on_train_epoch_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        epoch = trainer.current_epoch
        stage = self.stage_at(epoch)
        pl_module.log("curriculum/stage", float(stage), on_step=False, on_epoch=True)
        if self.method.reset_optimizer_on_stage and self.method.stage_changed(epoch):
            log.info("epoch %d starts stage %d: resetting the optimizer", epoch, stage)
            trainer.strategy.setup_optimizers(trainer)

    def on_save_checkpoint(
        self, trainer: L.Trainer, pl_module: L.LightningModule, checkpoint: dict[str, Any]
    ) -> None:
        checkpoint["curriculum"] = {
            "method": self.method.name,
            "stage": self.stage_at(trainer.current_epoch),
        }


def _epoch(trainer: Any | None) -> int:
    return int(trainer.current_epoch) if trainer is not None else 0
