"""The ``coconut-train`` and ``coconut-eval`` console scripts, with lazy imports.

This module imports only Hydra and OmegaConf: ``--help``, a config error or a type error
(checked by :func:`~coconut.training.config.values.check_types`) come back in about a
second, before PyTorch, Lightning and Transformers are imported. Errors we raise for bad
input print as one line with a hint (:mod:`coconut.console`); third-party noise that says
nothing about the run is silenced here (:func:`quiet_third_parties`). A training run
stopped by SIGTERM or Ctrl-C exits 143 or 130 and resumes when the command is repeated
(:mod:`coconut.training.run.stopping`).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import warnings

from omegaconf import DictConfig, OmegaConf

from coconut.console import Interrupted, raise_on_sigterm, run_reporting_errors
from coconut.hydra_app import hydra_entry
from coconut.training.config.values import check_types

_NOISE = ("litlogger", "litmodels", "💡 Tip")


class _DropNoise(logging.Filter):
    """Drops Lightning's advertising tips."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(part in message for part in _NOISE)


def quiet_third_parties() -> None:
    """Silences messages that say nothing about the run (tips, deprecations, bars in logs)."""
    warnings.filterwarnings("ignore", message=".*LeafSpec.*")
    warnings.filterwarnings("ignore", message=".*anonymous.*")
    warnings.filterwarnings("ignore", message=".*Checkpoint directory .* exists and is not empty")
    warnings.filterwarnings("ignore", message=".*smaller than the logging interval.*")
    os.environ.setdefault("WANDB_SILENT", "true")
    for name in ("lightning.pytorch.utilities.rank_zero", "lightning.fabric.utilities.rank_zero"):
        logging.getLogger(name).addFilter(_DropNoise())
    import lightning  # noqa: F401  (its import adds a stderr handler that doubles every line)

    for handler in list(logging.getLogger("lightning").handlers):
        if isinstance(handler, logging.StreamHandler) and logging.getLogger().handlers:
            logging.getLogger("lightning").removeHandler(handler)  # Hydra's handlers print it
    if not sys.stdout.isatty():  # bars become one huge line in a log file
        import datasets
        import transformers

        datasets.disable_progress_bars()
        transformers.utils.logging.disable_progress_bar()


def _train(cfg: DictConfig) -> float | None:
    check_types(cfg)
    quiet_third_parties()
    from coconut.training.run.stopping import RESUME_HINT
    from coconut.training.train import train

    raise_on_sigterm(RESUME_HINT)  # exit 143, after the lock and cleanup are released
    try:
        results = train(cfg)
    except KeyboardInterrupt:
        raise Interrupted(signal.SIGINT, RESUME_HINT) from None
    return results.get("val", {}).get("acc")


def _evaluate(cfg: DictConfig) -> float:
    if OmegaConf.is_missing(cfg, "run_dir"):
        raise ValueError(
            "run_dir: missing. Usage: coconut-eval run_dir=<a coconut-train run directory> "
            "[split=test | split_path=<file>] [stage=k | latents=n] [checkpoint=model|last]"
        )
    quiet_third_parties()
    from coconut.training.evaluate import evaluate
    from coconut.training.run.stopping import EVAL_HINT

    raise_on_sigterm(EVAL_HINT)  # exit 143 outside Lightning's loop too
    try:
        return evaluate(cfg)["acc"]
    except KeyboardInterrupt:
        raise Interrupted(signal.SIGINT, EVAL_HINT) from None


def _train_task(cfg: DictConfig) -> float | None:
    """``coconut-train [overrides]``; returns val/acc for sweepers."""
    return run_reporting_errors(_train, cfg)


def _eval_task(cfg: DictConfig) -> float:
    """``coconut-eval run_dir=<run> [split=test] [stage=k | latents=n]``."""
    return run_reporting_errors(_evaluate, cfg)


train_main = hydra_entry(_train_task, "train")
"""Console entry point: ``coconut-train [overrides]`` (configs from ``pkg://coconut.conf``)."""

eval_main = hydra_entry(_eval_task, "eval")
"""Console entry point: ``coconut-eval run_dir=<run> [split=test] [stage=k | latents=n]``."""
