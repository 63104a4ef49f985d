"""Experiment loggers from the ``logger`` config group.

Each entry of the group is a Lightning logger config with ``_target_``. W&B runs offline
when ``offline: auto`` and no ``WANDB_API_KEY`` is set (unless ``WANDB_MODE=online``), so
a machine without an account or network still logs everything to the run directory.

Every launch of a run writes into the same history: W&B resumes the run whose id is the
run id (``resume="allow"``), and :class:`RunCSVLogger` appends to the run's one
``metrics.csv`` where Lightning's ``CSVLogger`` would delete it.
"""

from __future__ import annotations

import csv
import logging
import os
from collections.abc import Mapping
from typing import Any

import hydra
from lightning.pytorch.loggers import CSVLogger, Logger
from lightning.pytorch.loggers.csv_logs import ExperimentWriter
from lightning.pytorch.loggers.logger import rank_zero_experiment
from omegaconf import DictConfig, OmegaConf

log = logging.getLogger(__name__)


def wandb_offline() -> bool:
    """Whether W&B should log offline: no API key, or ``WANDB_MODE`` says offline."""
    mode = os.environ.get("WANDB_MODE", "").lower()
    if mode in ("offline", "disabled", "dryrun"):
        return True
    if mode == "online":
        return False
    return not os.environ.get("WANDB_API_KEY")


def build_loggers(
    logger_cfg: DictConfig | None, config: Mapping[str, Any], run_id: str | None = None
) -> list[Logger]:
    """Instantiates every logger of the group and records ``config`` with each.

    Args:
        logger_cfg: the ``logger`` config node (``None`` or empty: no loggers).
        config: the resolved run config, stored as hyperparameters.
        run_id: the run's id: W&B logs every launch of the run into the W&B run of this
            id (``resume="allow"``), so a resumed run keeps one history.
    """
    loggers: list[Logger] = []
    for name, entry in (logger_cfg or {}).items():
        if not isinstance(entry, Mapping) or "_target_" not in entry:
            raise ValueError(f"logger.{name}: expected a config with _target_, got {entry!r}")
        entry = OmegaConf.to_container(entry, resolve=True)
        if "wandb" in entry["_target_"].lower() and entry.get("offline") == "auto":
            entry["offline"] = wandb_offline()
            log.info("W&B logs %s", "offline" if entry["offline"] else "online")
        if "wandb" in entry["_target_"].lower() and run_id is not None:
            entry.setdefault("id", run_id)
            entry.setdefault("resume", "allow")
        logger = hydra.utils.instantiate(entry)
        if isinstance(getattr(logger, "_wandb_init", None), dict):
            # Lightning always passes `anonymous`, which W&B warns is ignored.
            logger._wandb_init.pop("anonymous", None)
        logger.log_hyperparams(dict(config))
        loggers.append(logger)
    return loggers


def finish_loggers(loggers: list[Logger]) -> None:
    """Closes the W&B runs that ``loggers`` started.

    Lightning leaves a W&B run open when training ends; the next run in the same process (a
    multirun sweep, a notebook, a test session) would then log into it instead of its own.
    """
    for logger in loggers:
        run = getattr(logger, "_experiment", None)
        if run is not None and type(logger).__name__ == "WandbLogger":
            run.finish()
            logger._experiment = None


class _AppendingWriter(ExperimentWriter):
    """Lightning's CSV writer, keeping an existing ``metrics.csv`` and its columns."""

    def _check_log_dir_exists(self) -> None:
        if self._fs.isfile(self.metrics_file_path):
            with self._fs.open(self.metrics_file_path, "r", newline="") as handle:
                self.metrics_keys = next(csv.reader(handle), [])


class RunCSVLogger(CSVLogger):
    """``CSVLogger`` that appends every launch of a run to one ``metrics.csv``.

    With a fixed ``version`` a resumed run continues the file of the launches before it
    (replayed steps after a kill log the same values again, so per-epoch means are kept).
    """

    @property
    @rank_zero_experiment
    def experiment(self) -> ExperimentWriter:
        if self._experiment is not None:
            return self._experiment
        self._fs.makedirs(self.root_dir, exist_ok=True)
        self._experiment = _AppendingWriter(log_dir=self.log_dir)
        return self._experiment
