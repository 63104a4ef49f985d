"""What a launch finds in its run directory: a finished run, or a run to continue.

A run directory with ``results.json`` holds a finished run: :func:`finished_run` returns
its results (``finished=skip``), lets training go on (``extend``, refused when the limits
leave no step to train) or deletes the outputs first (``redo``). An unfinished run with a
``last.ckpt`` is resumed: :func:`check_resumable` refuses a changed config in a run written
before ``identity.json`` existed, and :func:`load_weights` checks that the checkpoint is this
run's and fits the model (or loads ``init_from`` in a fresh run).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from coconut.model import Coconut
from coconut.rundir import RunDir, remove_paths
from coconut.training.run.checkpoints import check_weights_match, read_checkpoint
from coconut.training.run.identity import CHECKPOINT_KEY, check_identity
from coconut.training.setup.model import init_weights

log = logging.getLogger(__name__)

FROZEN_ON_RESUME = ("data", "model", "method", "adapter", "optimizer", "scheduler", "seed")
"""Config sections that must not change when a run is resumed."""


def finished_run(cfg: DictConfig, run_dir: Path) -> dict[str, Any] | None:
    """The saved results of a finished run that is to stay as it is, else ``None``.

    ``finished=redo`` deletes the run's outputs first; ``extend`` lets training continue.

    Raises:
        ValueError: for ``eval_only=true`` in a trained run, or an ``extend`` that would
            train zero steps.
    """
    run = RunDir(run_dir)
    if not run.is_finished():
        return None
    saved = run.read_results()
    if cfg.get("eval_only", False) and not saved.get("eval_only"):
        raise trained_run_error(run_dir, f"{run.results} holds the results of training")
    if saved.get("eval_only") and not cfg.get("eval_only", False):
        log.info("%s holds an evaluation-only result: removing it and training the run", run_dir)
        remove_outputs(run_dir)
        return None
    policy = cfg.get("finished", "skip")
    if policy == "extend":
        _check_extends(cfg, saved, run_dir)
    if policy == "skip":
        log.info(
            "run %s has already finished: its results are in %s (nothing changed). Pass "
            "finished=extend (e.g. with a larger trainer.max_epochs) to train it further, or "
            "finished=redo to train it again from scratch",
            run_dir,
            run.results,
        )
        return saved
    if policy == "redo":
        log.info("finished=redo: deleting the outputs of %s and training it again", run_dir)
        remove_outputs(run_dir)
    return None


def trained_run_error(run_dir: Path, found: str) -> ValueError:
    """The refusal of ``eval_only=true`` in a run directory that has trained."""
    return ValueError(
        f"eval_only=true: {found}; score the run with coconut-eval run_dir={run_dir}, or "
        "evaluate other weights under another run_name= (with init_from=<weights>)"
    )


def remove_outputs(run_dir: Path) -> None:
    """Deletes what a run wrote (:data:`coconut.rundir.OUTPUTS`), so that it starts afresh."""
    remove_paths(RunDir(run_dir).outputs)


def _check_extends(cfg: DictConfig, saved: dict[str, Any], run_dir: Path) -> None:
    """Refuses ``finished=extend`` when the limits leave no step to train."""
    limits = (
        ("trainer.max_epochs", cfg.trainer.get("max_epochs"), saved.get("epochs"), "epoch(s)"),
        ("trainer.max_steps", cfg.trainer.get("max_steps"), saved.get("global_step"), "step(s)"),
    )
    for key, limit, done, what in limits:
        if limit is not None and limit >= 0 and done is not None and done >= limit:
            raise ValueError(
                f"{key}={limit}: run {run_dir} has already trained {done} {what}, so "
                f"finished=extend would train zero steps; raise {key} above {done}"
            )


def check_resumable(cfg: DictConfig, run_dir: Path) -> None:
    """Refuses to resume a run whose saved config differs in a frozen section.

    Raises:
        ValueError: naming the sections of :data:`FROZEN_ON_RESUME` that changed.
    """
    run = RunDir(run_dir)
    if not run.is_run():
        return
    now = OmegaConf.to_container(cfg, resolve=True)
    before = OmegaConf.to_container(run.read_config(check_targets=False), resolve=True)
    changed = [key for key in FROZEN_ON_RESUME if now.get(key) != before.get(key)]
    if changed:
        raise ValueError(
            f"resume: {run.config} differs from this config in {changed}; resuming would mix "
            "two runs. Use resume=never with another run_name= to start a new run"
        )


def load_weights(
    cfg: DictConfig, model: Coconut, resume_from: Path | None, identity: dict[str, Any]
) -> None:
    """Checks a resume checkpoint is this run's and fits the model, or runs ``init_from``.

    Raises:
        IdentityMismatchError: if the checkpoint records another run's identity.
        CheckpointMismatchError: if its weights do not fit the model.
    """
    if resume_from is not None:
        checkpoint = read_checkpoint(resume_from)
        recorded = checkpoint.get(CHECKPOINT_KEY)
        if recorded is None:
            log.warning("%s records no run identity (an older version wrote it)", resume_from)
        else:
            check_identity(identity, recorded, f"checkpoint {resume_from}")
        state = checkpoint["state_dict"]
        # the model's weights; a method's training-only modules (``extras.*``) load
        # with the LightningModule
        found = {k.removeprefix("model."): v for k, v in state.items() if k.startswith("model.")}
        check_weights_match(model.state_dict(), found, str(resume_from))
    elif cfg.init_from:
        init_weights(model, cfg.init_from)
