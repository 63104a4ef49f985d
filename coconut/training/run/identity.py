"""Run identity: what makes two launches the same run, checked before a run continues.

A run's identity is its run id (random, drawn at the first launch) and every setting that
a resumed run must share with the launches before it: seed, method, model, tokenizer, data
(name, sizes, seeds, ``fresh_graphs`` and ``relabel_own_ids`` when on, and the SHA-256 of
each split file's content, not its path), the effective batch, optimizer, scheduler and
``init_from``. It is written to ``<run_dir>/identity.json`` at the first launch and into
every checkpoint (by :class:`IdentityCallback`). A later launch in the same directory, or
one resuming from a checkpoint, must match it exactly; :func:`check_identity` names every
key that differs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import lightning as L
from lightning.pytorch.callbacks import Callback
from omegaconf import DictConfig, OmegaConf

from coconut.atomic import atomic_write_json
from coconut.data.recipe import file_sha256
from coconut.rundir import RunDir
from coconut.training.config.checks import accumulate_grad_batches, world_size

log = logging.getLogger(__name__)

CHECKPOINT_KEY = "coconut_identity"
_DATA_KEYS = ("name", "sizes", "seeds", "generate", "batch_size")
_DATA_SWITCHES = ("fresh_graphs", "relabel_own_ids")
"""Per-epoch data switches recorded only when on, so runs made before them keep matching."""


class IdentityMismatchError(ValueError):
    """A run directory or checkpoint belongs to another run than the config describes."""


def run_identity(cfg: DictConfig, run_id: str, tokenizer_file: Path | None) -> dict[str, Any]:
    """The identity of the run ``cfg`` describes (plain JSON types).

    Args:
        cfg: the composed ``train`` config (its data files must exist).
        run_id: the run's id.
        tokenizer_file: the run's own tokenizer file (scratch models), hashed if present.
    """
    resolved = OmegaConf.to_container(cfg, resolve=True)
    data = {key: resolved["data"].get(key) for key in _DATA_KEYS}
    data |= {key: True for key in _DATA_SWITCHES if resolved["data"].get(key)}
    data["sha256"] = {
        split: file_sha256(path) if Path(path).is_file() else None
        for split, path in resolved["data"]["splits"].items()
    }
    if tokenizer_file is not None and tokenizer_file.is_file():
        tokenizer = file_sha256(tokenizer_file)
    else:
        tokenizer = cfg.model.get("pretrained")
    return {
        "run_id": run_id,
        "seed": resolved["seed"],
        "method": resolved["method"],
        "model": resolved["model"],
        "tokenizer": tokenizer,
        "data": data,
        "effective_batch": cfg.data.batch_size * accumulate_grad_batches(cfg) * world_size(cfg),
        "optimizer": resolved["optimizer"],
        "scheduler": resolved["scheduler"],
        "init_from": resolved.get("init_from"),
    }


def read_identity(run_dir: str | Path) -> dict[str, Any] | None:
    """``<run_dir>/identity.json``, or ``None`` if the directory has none."""
    path = RunDir(run_dir).identity
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as err:
        raise IdentityMismatchError(f"{path}: not valid JSON ({err}); was it edited?") from err


def write_identity(run_dir: str | Path, identity: Mapping[str, Any]) -> Path:
    """Writes ``<run_dir>/identity.json`` atomically."""
    return atomic_write_json(RunDir(run_dir).identity, dict(identity))


def changed_keys(before: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    """Dotted keys whose values differ between two nested mappings."""
    flat_before, flat_now = _flatten(before), _flatten(now)
    keys = sorted(set(flat_before) | set(flat_now))
    return [key for key in keys if flat_before.get(key) != flat_now.get(key)]


def check_identity(expected: Mapping[str, Any], found: Mapping[str, Any], source: str) -> None:
    """Raises :class:`IdentityMismatchError` naming each key where ``found`` differs.

    Args:
        expected: the identity of the run being launched.
        found: the identity recorded by ``source`` (a run directory or checkpoint).
        source: what recorded ``found``, for the message.
    """
    changed = changed_keys(found, expected)
    if not changed:
        return
    shown = ", ".join(
        f"{key} ({_short(_get(found, key))} -> {_short(_get(expected, key))})"
        for key in changed[:8]
    )
    more = f" and {len(changed) - 8} more" if len(changed) > 8 else ""
    if changed == ["run_id"] or "run_id" in changed:
        hint = (
            "it is another run's checkpoint; to start a new run from its weights pass "
            "init_from=<that checkpoint> (and resume=never)"
        )
    else:
        hint = (
            "continuing would mix two runs; restore those values, or start a new run with "
            "another run_name= (init_from=<checkpoint> starts from its weights)"
        )
    raise IdentityMismatchError(f"{source} belongs to another run: changed {shown}{more}; {hint}")


class IdentityCallback(Callback):
    """Stores the run identity in every checkpoint Lightning writes."""

    def __init__(self, identity: Mapping[str, Any]) -> None:
        self.identity = dict(identity)

    def on_save_checkpoint(
        self, trainer: L.Trainer, pl_module: L.LightningModule, checkpoint: dict[str, Any]
    ) -> None:
        checkpoint[CHECKPOINT_KEY] = json.loads(json.dumps(self.identity))


def _flatten(tree: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(tree, Mapping):
        return {prefix: tree}
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def _get(tree: Mapping[str, Any], dotted: str) -> Any:
    return _flatten(tree).get(dotted)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 24 else text[:21] + "..."
