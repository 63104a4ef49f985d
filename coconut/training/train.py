"""``coconut-train``: one staged training run from a Hydra config, end to end.

:func:`train` is a plain function of the composed config (tests call it directly;
``coconut-train`` wraps it, :mod:`coconut.training.cli`). A run lives in
``paths.output_dir`` (``outputs/<run_name>`` by default), laid out as
:mod:`coconut.rundir` describes: ``config.yaml``, ``checkpoints/`` (``last.ckpt`` and the
best by ``val/acc``), the tokenizer of scratch models, logs, ``model/`` (the evaluated
weights, ``Coconut.save_pretrained``), ``results.json`` and ``curves.png`` (validation
accuracy and training loss per epoch, stages shaded); with ``report.superposition`` also
``eval/test_renamed.json`` (and its score) and ``probe/superposition.{json,png}``.

A killed run continues where its last checkpoint left it (epoch, stage, batch, optimizer
and random state) by repeating the same command: ``resume=auto`` is the default. A launch
that stops before its first checkpoint leaves nothing that changes the next launch
(:mod:`coconut.training.run.failed_launch`).

The steps live beside it: what the run directory already holds
(:mod:`coconut.training.run.resume`), the data, model and Lightning parts
(:mod:`coconut.training.setup.inputs`), the trainer and its callbacks
(:mod:`coconut.training.lightning.trainer`), the final evaluation
(:mod:`coconut.training.run.results`) and, with ``report.superposition``, the report of
what a symbolic ProsQA run's thoughts hold (:mod:`coconut.training.run.report`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import lightning as L
from lightning.pytorch.callbacks import Callback
from omegaconf import DictConfig, OmegaConf
from safetensors.torch import save as safetensors_bytes

from coconut.atomic import atomic_write, atomic_write_json, atomic_write_text
from coconut.methods import Method
from coconut.rundir import RunDir, new_run_id
from coconut.training.config.checks import check_accelerator, check_config
from coconut.training.data.datamodule import CurriculumDataModule
from coconut.training.lightning.loggers import finish_loggers
from coconut.training.lightning.module import CoconutLitModule
from coconut.training.lightning.trainer import build_trainer
from coconut.training.run.checkpoints import find_resume_checkpoint
from coconut.training.run.divergence import DivergenceError
from coconut.training.run.failed_launch import clear_leftovers, undo_on_failure
from coconut.training.run.identity import (
    check_identity,
    read_identity,
    run_identity,
    write_identity,
)
from coconut.training.run.lock import RunLock, is_primary_process, remove_stale_temp_files
from coconut.training.run.ownership import check_run_folder
from coconut.training.run.report import format_report, superposition_report
from coconut.training.run.results import final_evaluation, run_results, summary
from coconut.training.run.resume import (
    check_resumable,
    finished_run,
    load_weights,
    trained_run_error,
)
from coconut.training.run.stopping import reporting_stops
from coconut.training.setup.inputs import (
    RunInputs,
    lightning_parts,
    prepare_inputs,
    warn_short_curriculum,
)

log = logging.getLogger(__name__)

TRAINING_MODULES_NAME = "training_modules.safetensors"
"""The method's training-only modules in ``model/`` (``export_training_modules=true``)."""


def train(cfg: DictConfig, callbacks: list[Callback] | None = None) -> dict[str, Any]:
    """Trains, evaluates and writes ``results.json`` for the run ``cfg`` describes.

    The run directory is locked for the whole call (:class:`RunLock`). A finished run
    (``results.json`` present) is left as it is unless ``finished=extend`` or ``redo``.

    Args:
        cfg: the composed ``train`` config.
        callbacks: extra Lightning callbacks (tests use them to interrupt a run).

    Returns:
        The content of ``results.json``.

    Raises:
        ValueError: for bad config values, data or checkpoints, before training starts.
        RunLockedError: if another process is using the run directory.
        DivergenceError: if the training loss becomes NaN or infinite.
    """
    method = check_config(cfg)
    check_accelerator(cfg)  # before any data work
    run_dir = Path(cfg.paths.output_dir)
    if is_primary_process() and not _has_run(run_dir):
        check_run_folder(run_dir)  # before the lock file: nothing written into a foreign folder
    with RunLock(run_dir):
        if is_primary_process():
            remove_stale_temp_files(run_dir)
        finished = finished_run(cfg, run_dir)
        if finished is not None:
            return finished
        return _train_locked(cfg, method, run_dir, callbacks or [])


def _has_run(run_dir: Path) -> bool:
    """Whether a run has trained in ``run_dir`` (its identity, a checkpoint or results)."""
    run = RunDir(run_dir)
    return any(p.exists() for p in (run.identity, run.last_checkpoint, run.results))


def _train_locked(
    cfg: DictConfig, method: Method, run_dir: Path, callbacks: list[Callback]
) -> dict[str, Any]:
    """Resumes the run or starts it afresh (clearing a killed launch's leftovers)."""
    resume_from = find_resume_checkpoint(cfg.resume, RunDir(run_dir).checkpoints)
    saved_identity = read_identity(run_dir)
    if resume_from is not None and saved_identity is None:
        check_resumable(cfg, run_dir)  # a run from before identity.json existed
    if cfg.get("eval_only", False) and resume_from is not None:
        raise trained_run_error(run_dir, f"{resume_from} is a training checkpoint")
    fresh = resume_from is None and saved_identity is None and is_primary_process()
    if fresh:
        clear_leftovers(run_dir)
    with undo_on_failure(run_dir, fresh):
        return _launch(cfg, method, run_dir, callbacks, resume_from, saved_identity)


def _launch(
    cfg: DictConfig,
    method: Method,
    run_dir: Path,
    callbacks: list[Callback],
    resume_from: Path | None,
    saved_identity: dict[str, Any] | None,
) -> dict[str, Any]:
    """Builds the run, trains it (unless ``eval_only``), evaluates it and writes
    ``model/`` and ``results.json``."""
    L.seed_everything(cfg.seed, workers=True)
    run = RunDir(run_dir)
    inputs = prepare_inputs(cfg, method, run_dir)
    run_id = saved_identity["run_id"] if saved_identity else new_run_id()
    identity = run_identity(cfg, run_id, run.tokenizer_file)
    if saved_identity is not None:
        check_identity(identity, saved_identity, f"run directory {run_dir} ({run.identity.name})")
    load_weights(cfg, inputs.model, resume_from, identity)
    module, curriculum, datamodule = lightning_parts(cfg, method, inputs)
    trainer, best, last = build_trainer(cfg, curriculum, run_dir, identity, callbacks)
    if trainer.is_global_zero:
        _write_launch_files(cfg, run, identity if saved_identity is None else None)
    try:
        with reporting_stops(trainer):  # SIGTERM, Ctrl-C: exit 143, 130 (resumable)
            if not cfg.get("eval_only", False):
                _fit(trainer, module, datamodule, resume_from, run)
            evaluated = final_evaluation(
                cfg, trainer, module, datamodule, best, curriculum, run_dir
            )
        results = run_results(
            cfg, method, trainer, evaluated, run_id, last.train_seconds, resume_from, run_dir
        )
        if trainer.is_global_zero:
            _export(cfg, module, run, inputs)
            if cfg.get("report", {}).get("superposition", False):
                results["report"] = superposition_report(cfg, run_dir, results)
            atomic_write_json(run.results, results)
            log.info("results in %s: %s", run.results, summary(results))
            if "report" in results:
                log.info("%s", format_report(results["report"]))
        return results
    finally:
        finish_loggers(trainer.loggers)  # the next run in this process gets its own


def _export(cfg: DictConfig, module: CoconutLitModule, run: RunDir, inputs: RunInputs) -> None:
    """Writes ``model/``; with ``export_training_modules``, the method's training-only
    modules too (``model/training_modules.safetensors``, keys ``<name>.<parameter>``)."""
    module.model.save_pretrained(run.model, inputs.tokenizer)
    if cfg.get("export_training_modules", False) and len(module.extras):
        state = {k: v.detach().cpu().contiguous() for k, v in module.extras.state_dict().items()}
        data = safetensors_bytes(state)
        atomic_write(run.model / TRAINING_MODULES_NAME, lambda f: f.write(data), binary=True)


def _write_launch_files(cfg: DictConfig, run: RunDir, identity: dict[str, Any] | None) -> None:
    """Writes ``identity.json`` (the first launch only) and ``config.yaml``, and removes a
    ``failed.json`` an earlier launch left."""
    if identity is not None:
        write_identity(run.path, identity)
    atomic_write_text(run.config, OmegaConf.to_yaml(cfg, resolve=True))
    run.failed.unlink(missing_ok=True)


def _fit(
    trainer: L.Trainer,
    module: CoconutLitModule,
    datamodule: CurriculumDataModule,
    resume_from: Path | None,
    run: RunDir,
) -> None:
    """Trains; a diverged run leaves ``failed.json`` (not ``results.json``)."""
    try:
        trainer.fit(module, datamodule=datamodule, ckpt_path=resume_from, weights_only=True)
    except DivergenceError as err:
        if trainer.is_global_zero:
            atomic_write_json(run.failed, {"status": "failed", "reason": str(err)})
        raise


__all__ = ["train", "warn_short_curriculum"]
