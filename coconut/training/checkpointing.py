"""Checkpoints: written atomically, ``last.ckpt`` for resuming, the best by ``val/acc``.

Lightning writes local checkpoints through fsspec, whose local "transaction" copies a
temporary file from the system temp dir, which may be another filesystem; a crash can
then leave a truncated ``.ckpt``. :class:`AtomicCheckpointIO` writes beside the target,
flushes it to disk and renames it over the target with ``os.replace``, so a reader sees
either the old checkpoint or the new one.

:class:`LastCheckpoint` keeps ``last.ckpt`` current at every epoch end and every
``every_n_train_steps`` optimizer steps; :class:`FinalStageBest` keeps the best
checkpoints by ``val/acc`` among the epochs the curriculum callback says train the
method's final stage (an early chain-of-thought epoch is not a model of the method being
trained).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import lightning as L
import torch
from lightning.fabric.utilities.types import _PATH
from lightning.pytorch.callbacks import Callback, ModelCheckpoint
from lightning.pytorch.plugins.io import TorchCheckpointIO

from coconut.atomic import atomic_torch_save
from coconut.training.curriculum import CurriculumCallback

log = logging.getLogger(__name__)

LAST = "last.ckpt"


class CheckpointMismatchError(ValueError):
    """A checkpoint's weights do not fit the model being trained."""


class AtomicCheckpointIO(TorchCheckpointIO):
    """``TorchCheckpointIO`` that never leaves a half-written local checkpoint."""

    def save_checkpoint(
        self, checkpoint: dict[str, Any], path: _PATH, storage_options: Any | None = None
    ) -> None:
        if not _is_local(path):
            super().save_checkpoint(checkpoint, path, storage_options)
            return
        if storage_options is not None:
            raise TypeError("AtomicCheckpointIO does not take storage_options")
        atomic_torch_save(checkpoint, Path(path))


def _is_local(path: _PATH) -> bool:
    text = str(path)
    return "://" not in text or text.startswith("file://")


class LastCheckpoint(Callback):
    """Writes ``<dirpath>/last.ckpt`` at each epoch end and every n optimizer steps.

    Mid-epoch saves are skipped on an epoch's last batch (the epoch-end save follows),
    so a resumed run never starts inside an epoch that has already ended.

    Args:
        dirpath: checkpoint directory.
        every_n_train_steps: optimizer steps between mid-epoch saves; 0 disables them.
    """

    def __init__(self, dirpath: str | Path, every_n_train_steps: int = 0) -> None:
        if every_n_train_steps < 0:
            raise ValueError(f"every_n_train_steps must be >= 0, got {every_n_train_steps}")
        self.path = Path(dirpath) / LAST
        self.every_n_train_steps = every_n_train_steps
        self._saved_step = -1

    def on_train_batch_end(self, trainer: L.Trainer, *args: Any) -> None:
        n, step = self.every_n_train_steps, trainer.global_step
        if n == 0 or step == 0 or step % n or step == self._saved_step or trainer.sanity_checking:
            return
        if trainer.fit_loop.epoch_loop.batch_progress.is_last_batch:
            return
        self._save(trainer)

    def on_train_epoch_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        self._save(trainer)

    def _save(self, trainer: L.Trainer) -> None:
        if trainer.fast_dev_run:
            return
        trainer.save_checkpoint(self.path, weights_only=False)
        self._saved_step = trainer.global_step
        log.debug("saved %s at step %d", self.path, trainer.global_step)


class FinalStageBest(ModelCheckpoint):
    """``ModelCheckpoint`` on ``val/acc`` (max) that only considers final-stage epochs.

    Args:
        curriculum: the run's curriculum callback, which says which epochs are final-stage.
        **kwargs: passed to ``ModelCheckpoint`` (``dirpath``, ``save_top_k``, ...).
    """

    def __init__(self, curriculum: CurriculumCallback, **kwargs: Any) -> None:
        kwargs.setdefault("monitor", "val/acc")
        kwargs.setdefault("mode", "max")
        kwargs.setdefault("filename", "best-epoch{epoch:03d}-acc{val/acc:.4f}")
        kwargs.setdefault("auto_insert_metric_name", False)
        kwargs.setdefault("save_last", False)
        super().__init__(**kwargs)
        self.curriculum = curriculum

    def _should_skip_saving_checkpoint(self, trainer: L.Trainer) -> bool:
        if not self.curriculum.is_final_stage(trainer.current_epoch):
            return True
        return super()._should_skip_saving_checkpoint(trainer)


def find_resume_checkpoint(resume: str | bool | None, ckpt_dir: Path) -> Path | None:
    """The checkpoint a run continues from, or ``None`` to start fresh.

    Args:
        resume: ``"auto"`` (``last.ckpt`` in ``ckpt_dir`` if present), ``"never"``/``False``
            (fresh; fails if ``ckpt_dir`` already has ``last.ckpt``) or a checkpoint path.
        ckpt_dir: the run's checkpoint directory.

    Raises:
        ValueError: if asked to start fresh over an existing run, or the path is missing.
    """
    last = ckpt_dir / LAST
    if resume in (None, False, "never", "false"):
        if last.exists():
            raise ValueError(
                f"{last} exists: resume=auto continues that run; pick another run_name= or "
                "paths.output_dir= (or delete the directory) to start afresh"
            )
        return None
    if resume in (True, "auto"):
        return last if last.exists() else None
    path = Path(str(resume))
    if not path.is_file():
        raise ValueError(f"resume={resume!r}: no such checkpoint file")
    return path


def check_weights_match(
    expected: dict[str, torch.Tensor], found: dict[str, torch.Tensor], source: str
) -> None:
    """Raises :class:`CheckpointMismatchError` unless keys and shapes agree exactly.

    Args:
        expected: the model's state dict.
        found: the checkpoint's state dict (same key naming).
        source: where ``found`` came from, for the message.
    """
    missing = sorted(set(expected) - set(found))
    unexpected = sorted(set(found) - set(expected))
    shapes = [
        f"{k}: checkpoint {tuple(found[k].shape)} vs model {tuple(expected[k].shape)}"
        for k in sorted(set(expected) & set(found))
        if tuple(found[k].shape) != tuple(expected[k].shape)
    ]
    if not (missing or unexpected or shapes):
        return
    parts = []
    if missing:
        parts.append(f"{len(missing)} missing keys (e.g. {missing[:3]})")
    if unexpected:
        parts.append(f"{len(unexpected)} unexpected keys (e.g. {unexpected[:3]})")
    if shapes:
        parts.append(f"{len(shapes)} shape mismatches (e.g. {shapes[:3]})")
    raise CheckpointMismatchError(
        f"checkpoint {source} does not match the model: " + "; ".join(parts)
    )


def lightning_state_dict(path: Path) -> dict[str, torch.Tensor]:
    """The ``state_dict`` of a Lightning checkpoint, loaded with ``weights_only=True``."""
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:
        raise CheckpointMismatchError(f"cannot read checkpoint {path}: {err}") from err
    if "state_dict" not in checkpoint:
        raise CheckpointMismatchError(f"{path} is not a Lightning checkpoint (no 'state_dict')")
    return checkpoint["state_dict"]
