"""Experiment loggers from the ``logger`` config group.

Each entry of the group is a Lightning logger config with ``_target_``. W&B runs offline
when ``offline: auto`` and no ``WANDB_API_KEY`` is set (unless ``WANDB_MODE=online``), so
a machine without an account or network still logs everything to the run directory.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

import hydra
from lightning.pytorch.loggers import Logger
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
        logger.log_hyperparams(dict(config))
        loggers.append(logger)
    return loggers
