"""Nothing deletes what it did not create: what in a run folder the package wrote.

Start-up clean-up (temporary files of killed writers, the leftovers of a launch killed
before training) deletes files. It may only touch what the package itself writes, so:

- ``run_name`` is one path component (:func:`coconut.rundir.check_run_name`): ``run_name=..`` or
  ``run_name=a/b`` would make another folder the run folder. ``paths.output_dir`` is taken
  as given.
- A folder without ``identity.json`` (no run has started training there) may hold only
  what a launch writes before its first checkpoint (:func:`foreign_entries`): otherwise it
  is someone else's folder and :func:`check_run_folder` refuses it, naming the files.
- Temporary files are recognised by name (:func:`stale_temp_files`): the atomic writer's
  ``.<name>.<token>.tmp`` where ``<name>`` is a file the package writes in that folder, and
  the tokenizer's ``.staging-<token>``; only in the run folder and its ``checkpoints/``,
  ``tokenizer/`` and ``eval/``, never below them, and never through a symbolic link.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from coconut.console import CoconutError
from coconut.rundir import (
    CHECKPOINTS,
    CONFIG,
    CSV,
    CURVES,
    EVAL,
    FAILED,
    IDENTITY,
    MODEL,
    PREDICTIONS,
    RESULTS,
    TOKENIZER,
    TRAIN_LOG,
)

LOCK_FILES = (".lock", ".lock.json")
BEFORE_TRAINING = frozenset(
    {CONFIG, TOKENIZER, TRAIN_LOG, CSV, CHECKPOINTS, ".hydra", "wandb", *LOCK_FILES}
)
"""What a launch may have written into a run folder before ``identity.json``."""

_TEMP = re.compile(r"\.(?P<name>.+)\.[A-Za-z0-9_]+\.tmp")
_STAGING = re.compile(r"\.staging-[A-Za-z0-9_]+")
_TOKENIZER_FILES = re.compile(
    r"tokenizer(_config)?\.json|special_tokens_map\.json|added_tokens\.json|vocab\.(json|txt)"
    r"|merges\.txt|chat_template\.jinja"
)
_WRITTEN_IN = {
    ".": {CONFIG, IDENTITY, RESULTS, FAILED, CURVES, MODEL, TOKENIZER, PREDICTIONS, "lock.json"},
    CHECKPOINTS: None,  # any "<name>.ckpt"
    EVAL: None,  # any "<name>.json"
}
_SUFFIX = {CHECKPOINTS: ".ckpt", EVAL: ".json"}


class ForeignFolderError(CoconutError, ValueError):
    """The run folder holds files the package did not write."""


def check_run_folder(run_dir: str | Path) -> None:
    """Refuses a folder without ``identity.json`` that holds files the package did not write.

    Raises:
        ForeignFolderError: naming the folder and (up to five of) those files.
    """
    run_dir = Path(run_dir)
    if (run_dir / IDENTITY).exists():
        return
    foreign = foreign_entries(run_dir)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" * (len(foreign) > 5))
        raise ForeignFolderError(
            f"run folder {run_dir} holds files coconut-train did not write ({shown}) and no "
            f"{IDENTITY}: it is not a run folder, and nothing in it was touched; pick another "
            "run_name= or paths.output_dir=, or move those files away"
        )


def foreign_entries(run_dir: Path) -> list[str]:
    """Names in ``run_dir`` that a launch before its first checkpoint does not write."""
    if not run_dir.is_dir():
        return []
    foreign = []
    for entry in sorted(run_dir.iterdir()):
        name = entry.name
        ours = name in BEFORE_TRAINING or (is_temp_name(name, ".") and not entry.is_symlink())
        if name == CONFIG and ours:
            ours = _is_train_config(entry)
        if name == TOKENIZER and ours:
            ours = entry.is_dir() and not entry.is_symlink() and _is_tokenizer_dir(entry)
        if not ours:
            foreign.append(name)
    return foreign


def is_temp_name(name: str, folder: str) -> bool:
    """Whether ``name`` is a temporary file the package's writers make in ``folder`` of a
    run (``"."``, ``checkpoints``, ``tokenizer`` or ``eval``)."""
    if folder == TOKENIZER:
        return _STAGING.fullmatch(name) is not None
    match = _TEMP.fullmatch(name)
    if match is None or folder not in _WRITTEN_IN:
        return False
    written = match["name"]
    if folder in _SUFFIX:
        return written.endswith(_SUFFIX[folder]) and "/" not in written
    return written in _WRITTEN_IN[folder]


def stale_temp_files(run_dir: str | Path) -> list[Path]:
    """The temporary files and staging folders killed writers left in ``run_dir``."""
    run_dir = Path(run_dir)
    found = []
    for folder in (".", CHECKPOINTS, TOKENIZER, EVAL):
        where = run_dir / folder
        if where.is_symlink() or not where.is_dir():
            continue
        for entry in sorted(where.iterdir()):
            if not entry.is_symlink() and is_temp_name(entry.name, folder):
                found.append(entry)
    return found


def _is_train_config(path: Path) -> bool:
    """Whether ``path`` is a ``config.yaml`` that ``coconut-train`` wrote."""
    if path.is_symlink() or not path.is_file():
        return False
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(config, dict) and {"run_name", "paths", "method", "data"} <= set(config)


def _is_tokenizer_dir(path: Path) -> bool:
    return all(
        _TOKENIZER_FILES.fullmatch(e.name) or _STAGING.fullmatch(e.name) for e in path.iterdir()
    )
