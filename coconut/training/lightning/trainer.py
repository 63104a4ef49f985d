"""The Lightning ``Trainer`` of a training run, with its callbacks, loggers and plugins.

The callbacks run in this order: the curriculum (it sets each epoch's stage before
anything else reads it), the best checkpoint by ``val/acc`` among final-stage epochs,
``last.ckpt`` (written after the epoch's best, see :mod:`coconut.training.run.checkpoints`),
the curves plot, the divergence guard (unless ``divergence.check=false``), the identity
stored in every checkpoint, the per-epoch summary, the caller's callbacks, then the
learning-rate monitor (with a logger) and the progress bar (unless disabled).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hydra
import lightning as L
from lightning.pytorch.callbacks import Callback, LearningRateMonitor
from omegaconf import DictConfig, OmegaConf

from coconut.rundir import RunDir
from coconut.training.config.checks import accumulate_grad_batches
from coconut.training.lightning.loggers import build_loggers
from coconut.training.lightning.plots import PlotCurves
from coconut.training.lightning.progress import EpochSummary, QuietProgressBar
from coconut.training.lightning.stage_callback import CurriculumCallback
from coconut.training.run.checkpoints import AtomicCheckpointIO, FinalStageBest, LastCheckpoint
from coconut.training.run.divergence import DivergenceGuard
from coconut.training.run.identity import IdentityCallback


def run_callbacks(
    cfg: DictConfig,
    curriculum: CurriculumCallback,
    identity: dict[str, Any],
    extra: list[Callback],
) -> list[Callback]:
    """The callbacks that follow checkpointing and plotting: the divergence guard, the
    identity of every checkpoint, the epoch summary and ``extra`` (the caller's)."""
    callbacks: list[Callback] = [IdentityCallback(identity), EpochSummary(curriculum), *extra]
    if cfg.get("divergence", {}).get("check", True):
        callbacks.insert(0, DivergenceGuard())
    return callbacks


def build_trainer(
    cfg: DictConfig,
    curriculum: CurriculumCallback,
    run_dir: Path,
    identity: dict[str, Any],
    extra: list[Callback],
) -> tuple[L.Trainer, FinalStageBest, LastCheckpoint]:
    """The run's trainer, its best-checkpoint callback and its ``last.ckpt`` callback.

    Args:
        cfg: the composed ``train`` config.
        curriculum: the run's curriculum callback.
        run_dir: the run directory (checkpoints, curves and logs go there).
        identity: the run identity (:func:`coconut.training.run.identity.run_identity`).
        extra: the caller's callbacks, run after the run's own.
    """
    ckpt_dir = RunDir(run_dir).checkpoints
    best = FinalStageBest(curriculum, dirpath=ckpt_dir, save_top_k=cfg.checkpoint.save_top_k)
    last = LastCheckpoint(ckpt_dir, cfg.checkpoint.every_n_train_steps)
    # last.ckpt after the epoch's best (both are Checkpoint callbacks, run last in order)
    callbacks: list[Callback] = [curriculum, best, last, PlotCurves(run_dir, curriculum)]
    callbacks += run_callbacks(cfg, curriculum, identity, extra)
    loggers = build_loggers(
        cfg.get("logger"), OmegaConf.to_container(cfg, resolve=True), run_id=identity["run_id"]
    )
    if loggers:
        callbacks.append(LearningRateMonitor(logging_interval="step"))
    if cfg.trainer.get("enable_progress_bar", True):
        callbacks.append(QuietProgressBar())
    trainer = hydra.utils.instantiate(
        cfg.trainer,
        default_root_dir=str(run_dir),
        logger=loggers or False,
        callbacks=callbacks,
        plugins=[AtomicCheckpointIO()],
        accumulate_grad_batches=accumulate_grad_batches(cfg),
        use_distributed_sampler=False,
    )
    return trainer, best, last
