"""The curriculum scheduler: a Lightning callback that owns the training stage.

:class:`CurriculumCallback` is the one place that turns an epoch into a stage (by asking
the method, :meth:`coconut.methods.Method.stage_for_epoch`). Everything else asks it:

- the data module lays out each epoch's training examples at :meth:`train_stage` and
  evaluation prompts at :meth:`eval_stage`; the callback has the trainer rebuild the
  training loader every epoch (``reload_dataloaders_every_n_epochs=1``), since both the
  stage and the data order depend on the epoch;
- :class:`~coconut.training.run.checkpoints.FinalStageBest` keeps only checkpoints for which
  :meth:`is_final_stage` holds;
- the final evaluation takes its stage from :meth:`final_eval_stage`;
- ``coconut-eval`` takes the stage of a finished run from :meth:`requested_eval_stage`.

A forced evaluation stage (``eval.stage``, or ``stage=`` of ``coconut-eval``) is checked
by :func:`check_eval_stage` only.

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
        ValueError: if ``eval_stage`` is not an int >= 0 (:func:`check_eval_stage`).
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
        self._forced_eval_stage = check_eval_stage(stage)

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

    def requested_eval_stage(
        self, *, stage: Any = None, latents: Any = None, recorded: int | None = None
    ) -> int:
        """The stage at which ``coconut-eval`` scores a trained run.

        Args:
            stage: the stage asked for (``stage=``), at most the method's final stage.
            latents: the number of latent thoughts asked for (``latents=``), a multiple
                of :attr:`Method.latents_per_stage <coconut.methods.Method.latents_per_stage>`.
            recorded: the stage the run's final evaluation used (``results.json``).

        Returns:
            ``stage``, else the stage of ``latents``, else ``recorded``, else the final
            stage.

        Raises:
            ValueError: for both ``stage`` and ``latents``, or a value the run cannot
                evaluate, naming the key.
        """
        if latents is not None and stage is not None:
            raise ValueError("stage and latents: give one of them, not both")
        last = self.method.final_stage
        if latents is not None:
            return self._stage_of_latents(latents)
        if stage is not None:
            check_eval_stage(stage, "stage")
            if stage > last:
                raise ValueError(
                    f"stage={stage}: past the run's last stage ({last}; the stages it trained "
                    f"are {list(self.method.stages())})"
                )
            return int(stage)
        return last if recorded is None else int(recorded)

    def _stage_of_latents(self, latents: Any) -> int:
        """The stage whose prompts hold ``latents`` thoughts, refusing any other count."""
        per_stage, last = self.method.latents_per_stage, self.method.final_stage
        if not isinstance(latents, int) or latents < 0 or latents % per_stage:
            raise ValueError(
                f"latents: must be a multiple of method.c_thought={per_stage} (>= 0), "
                f"got {latents!r}"
            )
        if latents // per_stage > last:
            raise ValueError(
                f"latents={latents}: the run trains at most {last * per_stage} latent "
                f"thoughts (stage {last})"
            )
        return latents // per_stage

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


def check_eval_stage(stage: Any, key: str = "eval.stage") -> int | None:
    """The one check of a forced evaluation stage: ``None`` or an int >= 0.

    Args:
        stage: the value given.
        key: the config key named in the error (``stage`` for ``coconut-eval``).

    Raises:
        ValueError: ``<key>: must be an int >= 0, got ...``.
    """
    if stage is not None and (not isinstance(stage, int) or stage < 0):
        raise ValueError(f"{key}: must be an int >= 0, got {stage!r}")
    return stage


def _epoch(trainer: Any | None) -> int:
    return int(trainer.current_epoch) if trainer is not None else 0
