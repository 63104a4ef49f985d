"""The files and folders of a run directory, named in one place.

A ``coconut-train`` run lives in one directory (``outputs/<run_name>`` by default)::

    config.yaml      the composed config of the run (resolved)
    identity.json    what makes two launches the same run (coconut.training.run.identity)
    tokenizer/       the tokenizer a scratch model built (tokenizer.json inside)
    checkpoints/     last.ckpt (for resuming) and the best checkpoints by val/acc
    model/           the evaluated weights and tokenizer (Coconut.save_pretrained)
    results.json     the final evaluation, written last: its presence means finished
    failed.json      a diverged run's reason, instead of results.json
    train.log        the log of every launch
    csv/             per-launch metrics (csv/version_<n>/metrics.csv)
    curves.png       validation accuracy and training loss per epoch
    eval/            coconut-eval's results (<name>-<sha256[:12]>-stage<k>.json, eval.log)
    probe/           coconut-probe's reports, by convention (``--out <run>/probe``)

Search and Q-value runs (:mod:`coconut.search`) use the same ``config.yaml``,
``results.json`` and ``model/`` names. :class:`RunDir` names each of them; it creates
nothing and reads only when asked (:meth:`RunDir.read_config`, :meth:`RunDir.read_results`).
:func:`new_run_id` draws the id a new run records, for every console script that makes runs.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from coconut.trust import check_run_targets

CONFIG = "config.yaml"
IDENTITY = "identity.json"
RESULTS = "results.json"
FAILED = "failed.json"
CHECKPOINTS = "checkpoints"
LAST_CHECKPOINT = "last.ckpt"
MODEL = "model"
TOKENIZER = "tokenizer"
TOKENIZER_FILE = "tokenizer.json"
TRAIN_LOG = "train.log"
CSV = "csv"
CURVES = "curves.png"
EVAL = "eval"
EVAL_LOG = "eval.log"
PROBE = "probe"
PREDICTIONS = "predictions.json"

FRESH_STATE = (TOKENIZER, IDENTITY, CONFIG)
"""What a fresh launch writes into the run directory before its first checkpoint."""

OUTPUTS = (CHECKPOINTS, MODEL, TOKENIZER, CSV, EVAL, RESULTS, IDENTITY, CURVES, FAILED)
"""What training writes, and what ``finished=redo`` deletes to train a run again (logs,
``config.yaml`` and generated data stay)."""


def new_run_id() -> str:
    """A fresh random run id (also the W&B run id), recorded in ``identity.json``."""
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class RunDir:
    """A run directory and the path of each of its files.

    Attributes:
        path: the directory (it need not exist).
    """

    path: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))

    @property
    def config(self) -> Path:
        """``config.yaml``: the run's composed config."""
        return self.path / CONFIG

    @property
    def identity(self) -> Path:
        """``identity.json``: the run id and the settings a resumed run must share."""
        return self.path / IDENTITY

    @property
    def results(self) -> Path:
        """``results.json``: the final evaluation of a finished run."""
        return self.path / RESULTS

    @property
    def failed(self) -> Path:
        """``failed.json``: why a diverged run stopped."""
        return self.path / FAILED

    @property
    def checkpoints(self) -> Path:
        """``checkpoints/``: ``last.ckpt`` and the best checkpoints."""
        return self.path / CHECKPOINTS

    @property
    def last_checkpoint(self) -> Path:
        """``checkpoints/last.ckpt``: what a resumed run continues from."""
        return self.checkpoints / LAST_CHECKPOINT

    @property
    def model(self) -> Path:
        """``model/``: the evaluated weights and tokenizer (``save_pretrained``)."""
        return self.path / MODEL

    @property
    def tokenizer(self) -> Path:
        """``tokenizer/``: the tokenizer a scratch model built or adopted."""
        return self.path / TOKENIZER

    @property
    def tokenizer_file(self) -> Path:
        """``tokenizer/tokenizer.json``."""
        return self.tokenizer / TOKENIZER_FILE

    @property
    def train_log(self) -> Path:
        """``train.log``: the log of every launch (written by Hydra's job logging)."""
        return self.path / TRAIN_LOG

    @property
    def csv(self) -> Path:
        """``csv/``: the CSV logger's folder (``version_<n>/metrics.csv`` per launch)."""
        return self.path / CSV

    @property
    def curves(self) -> Path:
        """``curves.png``: validation accuracy and training loss per epoch."""
        return self.path / CURVES

    @property
    def eval_dir(self) -> Path:
        """``eval/``: the results of ``coconut-eval``."""
        return self.path / EVAL

    @property
    def eval_log(self) -> Path:
        """``eval/eval.log``."""
        return self.eval_dir / EVAL_LOG

    def eval_output(self, name: str, sha256: str, stage: int) -> Path:
        """``eval/<name>-<sha256[:12]>-stage<stage>.json``: keyed by the evaluated file's
        name, its content and the stage, so that no other file's results replace it.

        Args:
            name: the split, or the stem of the evaluated file.
            sha256: the hex SHA-256 of the evaluated file.
            stage: the curriculum stage evaluated.
        """
        return self.eval_dir / f"{name}-{sha256[:12]}-stage{stage}.json"

    @property
    def probe(self) -> Path:
        """``probe/``: where ``coconut-probe`` reports go by convention."""
        return self.path / PROBE

    @property
    def predictions(self) -> Path:
        """``predictions.json``: every example's answer (search runs)."""
        return self.path / PREDICTIONS

    @property
    def fresh_state(self) -> tuple[Path, ...]:
        """The paths of :data:`FRESH_STATE`."""
        return tuple(self.path / name for name in FRESH_STATE)

    @property
    def outputs(self) -> tuple[Path, ...]:
        """The paths of :data:`OUTPUTS`."""
        return tuple(self.path / name for name in OUTPUTS)

    def is_run(self) -> bool:
        """Whether the directory holds a run (its ``config.yaml``)."""
        return self.config.is_file()

    def is_finished(self) -> bool:
        """Whether the run has its ``results.json``."""
        return self.results.is_file()

    def read_config(self, check_targets: bool = True) -> DictConfig:
        """``config.yaml``, unresolved.

        A run folder is untrusted input: unless ``check_targets`` is false (a training
        launch comparing its own run), a config naming a ``_target_`` outside the
        allow-list of :mod:`coconut.trust` is refused before anything is built from it.

        Raises:
            UntrustedConfigError: naming the file, the key and the value.
        """
        config = OmegaConf.load(self.config)
        if check_targets:
            check_run_targets(config, self.config)
        return config

    def read_results(self) -> dict[str, Any]:
        """``results.json`` as a dict."""
        return json.loads(self.results.read_text(encoding="utf-8"))

    def recorded_sha256(self, split: str) -> str | None:
        """The SHA-256 ``identity.json`` records for the data of ``split`` (``None`` if
        the run has no identity or no hash for it)."""
        if not self.identity.is_file():
            return None
        identity = json.loads(self.identity.read_text(encoding="utf-8"))
        return ((identity.get("data") or {}).get("sha256") or {}).get(split)

    def relative(self, path: str | Path) -> str:
        """``path`` relative to the run directory when inside it (a moved run stays
        valid), else as given."""
        try:
            return str(Path(path).resolve().relative_to(self.path.resolve()))
        except ValueError:
            return str(path)


def remove_paths(paths: Iterable[Path]) -> list[Path]:
    """Deletes each file or folder of ``paths`` that exists; returns those deleted.

    Raises:
        ValueError: naming the first of ``paths`` that is a symbolic link to a folder (one
            the package did not make), before anything is deleted. A link to a file is
            removed, not its target.
    """
    paths = list(paths)
    for path in paths:
        if path.is_symlink() and path.is_dir():
            raise ValueError(
                f"{path} is a symbolic link (to {os.readlink(path)}); coconut deletes a run's "
                "outputs only inside its folder, never through a link: empty or remove it "
                "yourself, then repeat the command. Nothing was deleted"
            )
    removed = []
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        else:
            continue
        removed.append(path)
    return removed


def check_run_name(value: object) -> None:
    """Refuses a ``run_name`` that is not one path component.

    Raises:
        ValueError: naming the value, for ``""``, ``.``, ``..`` or a name holding ``/``.
    """
    name = str(value)
    if name in ("", ".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise ValueError(
            f"run_name={name!r}: must be one folder name (no '/', not '.' or '..'), since "
            "the run folder is paths.log_dir/run_name; to put a run elsewhere, set "
            "paths.output_dir=<folder>"
        )
