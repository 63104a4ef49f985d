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

The two are kept consistent under a kill at any instant: ``last.ckpt`` is written *after*
the best checkpoint of the same epoch (both are ``Checkpoint`` callbacks, which Lightning
runs last and in list order), and a superseded best checkpoint is deleted only once a
``last.ckpt`` that no longer names it is on disk. So the best checkpoint that ``last.ckpt``
records always exists. Paths are stored relative to the checkpoint directory, so a moved or
copied run directory still finds its own checkpoints; best checkpoints that ``last.ckpt``
does not know (written just before a kill) are deleted when the run starts again.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import lightning as L
import torch
from lightning.fabric.utilities.types import _PATH
from lightning.pytorch.callbacks import Checkpoint, ModelCheckpoint
from lightning.pytorch.plugins.io import TorchCheckpointIO

from coconut.atomic import atomic_torch_save
from coconut.rundir import LAST_CHECKPOINT
from coconut.training.lightning.stage_callback import CurriculumCallback

log = logging.getLogger(__name__)

LAST = LAST_CHECKPOINT
BEST_GLOB = "best-*.ckpt"


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


class LastCheckpoint(Checkpoint):
    """Writes ``<dirpath>/last.ckpt`` at each epoch end and every n optimizer steps.

    Mid-epoch saves are skipped on an epoch's last batch (the epoch-end save follows),
    so a resumed run never starts inside an epoch that has already ended. Put it after
    :class:`FinalStageBest` in the callback list: it then saves after the best checkpoint
    of the epoch, and lets that callback delete the checkpoints it superseded.

    Its state also carries the training seconds of every launch so far, so that a
    resumed run reports the whole training time. The count stops when ``fit`` ends: the
    final evaluation restores the best checkpoint, and the seconds stored in it must not
    be added to (or replace) those of the run.

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
        self._seconds_before = 0.0
        self._started: float | None = None
        self._fit_ended = False

    @property
    def train_seconds(self) -> float:
        """Seconds spent in ``fit`` over every launch of the run (this one included)."""
        running = time.perf_counter() - self._started if self._started is not None else 0.0
        return self._seconds_before + running

    def on_fit_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        self._started = time.perf_counter()

    def on_fit_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        self._seconds_before, self._started = self.train_seconds, None
        self._fit_ended = True

    def state_dict(self) -> dict[str, Any]:
        return {"train_seconds": self.train_seconds}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        # Lightning restores callback states when fit resumes (before on_fit_start) and
        # when test/validate load a checkpoint after fit; only the first is a launch.
        if not self._fit_ended:
            self._seconds_before = float(state_dict.get("train_seconds", 0.0))

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
        for callback in trainer.checkpoint_callbacks:
            if isinstance(callback, FinalStageBest):
                callback.remove_superseded(trainer)
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
        self._superseded: list[str] = []

    def _should_skip_saving_checkpoint(self, trainer: L.Trainer) -> bool:
        if not self.curriculum.is_final_stage(trainer.current_epoch):
            return True
        return super()._should_skip_saving_checkpoint(trainer)

    # -- deletion waits for last.ckpt ------------------------------------------------
    def _remove_checkpoint(self, trainer: L.Trainer, filepath: str) -> None:
        self._superseded.append(filepath)

    def remove_superseded(self, trainer: L.Trainer) -> None:
        """Deletes the checkpoints superseded before the ``last.ckpt`` just written."""
        pending, self._superseded = self._superseded, []
        for filepath in pending:
            if filepath not in self.best_k_models:
                super()._remove_checkpoint(trainer, filepath)

    def on_fit_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        """Deletes best checkpoints that the restored state does not know (kill leftovers)."""
        if not trainer.is_global_zero or not self.dirpath or not Path(self.dirpath).is_dir():
            return
        known = {Path(p).name for p in self.best_k_models}
        for path in Path(self.dirpath).glob(BEST_GLOB):
            if path.name not in known:
                log.info("removing %s: written before a kill, not recorded in %s", path, LAST)
                path.unlink(missing_ok=True)

    # -- paths relative to the checkpoint directory ------------------------------------
    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state["dirpath"] = "."
        for key in ("best_model_path", "kth_best_model_path", "last_model_path"):
            state[key] = _relative(state.get(key) or "", self.dirpath)
        state["best_k_models"] = {
            _relative(p, self.dirpath): v for p, v in state.get("best_k_models", {}).items()
        }
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        old_dir = state.get("dirpath")
        if old_dir not in (".", None):  # a checkpoint written with absolute paths
            log.info("checkpoint paths recorded under %s; using %s", old_dir, self.dirpath)
        state["dirpath"] = self.dirpath
        for key in ("best_model_path", "kth_best_model_path", "last_model_path"):
            state[key] = _here(state.get(key) or "", self.dirpath)
        best_k = {_here(p, self.dirpath): v for p, v in state.get("best_k_models", {}).items()}
        missing = [p for p in best_k if not Path(p).is_file()]
        for path in missing:  # only checkpoints of older versions can lack their best file
            log.warning("best checkpoint %s recorded in %s is missing: forgetting it", path, LAST)
            del best_k[path]
        state["best_k_models"] = best_k
        if state["best_model_path"] in missing:
            state["best_model_path"] = _best_of(best_k, self.mode)
            state["best_model_score"] = best_k.get(state["best_model_path"])
        if state["kth_best_model_path"] in missing:
            state["kth_best_model_path"] = _best_of(best_k, "min" if self.mode == "max" else "max")
            state["kth_value"] = best_k.get(state["kth_best_model_path"], state.get("kth_value"))
        super().load_state_dict(state)


def _relative(path: str, dirpath: str | None) -> str:
    """``path`` relative to ``dirpath`` when it lies inside it."""
    if not path or not dirpath:
        return path
    try:
        return str(Path(path).resolve().relative_to(Path(dirpath).resolve()))
    except ValueError:
        return path


def _here(path: str, dirpath: str | None) -> str:
    """A recorded checkpoint path resolved in ``dirpath``: relative paths, and absolute ones
    from a directory that has since moved (same file name), land in ``dirpath``."""
    if not path or not dirpath:
        return path
    if not Path(path).is_absolute():
        return str(Path(dirpath) / path)
    if Path(path).parent.resolve() != Path(dirpath).resolve() and (
        (Path(dirpath) / Path(path).name).is_file() or not Path(path).is_file()
    ):
        return str(Path(dirpath) / Path(path).name)
    return path


def _best_of(scores: dict[str, Any], mode: str) -> str:
    if not scores:
        return ""
    pick = max if mode == "max" else min
    return pick(scores, key=lambda p: float(scores[p]))


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
    return read_checkpoint(path)["state_dict"]


def read_checkpoint(path: Path) -> dict[str, Any]:
    """A Lightning checkpoint, loaded with ``weights_only=True``.

    Raises:
        CheckpointMismatchError: if the file is empty, unreadable or not a Lightning
            checkpoint, with the reason.
    """
    if Path(path).is_file() and Path(path).stat().st_size == 0:
        raise CheckpointMismatchError(
            f"checkpoint {path} is empty (0 bytes), so it cannot be resumed from; delete it "
            "(and start afresh) or pass resume=<an intact checkpoint>"
        )
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else ""
        raise CheckpointMismatchError(
            f"cannot read checkpoint {path}: not a PyTorch checkpoint that torch.load reads "
            f"({type(err).__name__}{': ' + reason if reason else ''})"
        ) from err
    if "state_dict" not in checkpoint:
        raise CheckpointMismatchError(f"{path} is not a Lightning checkpoint (no 'state_dict')")
    return checkpoint
