"""A launch that stops before training leaves nothing that changes the next launch.

A fresh launch (no ``identity.json`` and no ``last.ckpt`` to resume from) builds the run's
tokenizer and writes ``identity.json`` and ``config.yaml`` before its first checkpoint. If it
stops there (a model config that transformers refuses, a bad trainer argument, SIGTERM), a
corrected command in the same run directory must not inherit them: it would load a
tokenizer built for another ``model.tokenizer_vocab_size`` while ``identity.json`` records
the new value, and train another model than asked, without a word.

So :func:`undo_on_failure` removes what a fresh launch made when it fails before its first
checkpoint, and :func:`clear_leftovers` removes what a launch killed there (``kill -9`` runs
no cleanup) left behind, at the start of the next fresh launch. Logs, ``.hydra/`` and
generated data files stay: they do not change what the next launch trains.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from coconut.rundir import FRESH_STATE, RunDir, remove_paths

log = logging.getLogger(__name__)

__all__ = ["FRESH_STATE", "clear_leftovers", "remove_fresh_state", "undo_on_failure"]


def remove_fresh_state(run_dir: Path) -> list[str]:
    """Deletes :data:`~coconut.rundir.FRESH_STATE` from ``run_dir``; returns the names
    that were there."""
    return [path.name for path in remove_paths(RunDir(run_dir).fresh_state)]


def clear_leftovers(run_dir: Path) -> list[str]:
    """Before a fresh launch: removes what an earlier launch killed before training left.

    Call it only when ``run_dir`` has neither ``identity.json`` nor ``last.ckpt`` (nothing
    there belongs to a run that started training). Returns the names removed.
    """
    removed = remove_fresh_state(run_dir)
    if removed:
        log.info(
            "%s: removed %s left by a launch that stopped before training; this launch "
            "builds them from its own config",
            run_dir,
            ", ".join(removed),
        )
    return removed


@contextmanager
def undo_on_failure(run_dir: Path, fresh: bool) -> Iterator[None]:
    """Removes :data:`~coconut.rundir.FRESH_STATE` if the block fails before ``last.ckpt`` exists.

    Args:
        run_dir: the run directory.
        fresh: whether this launch started the run (no identity, no checkpoint); a
            launch continuing a run never removes anything.
    """
    try:
        yield
    except BaseException:
        if fresh and not RunDir(run_dir).last_checkpoint.exists():
            removed = remove_fresh_state(run_dir)
            if removed:
                log.info(
                    "the launch stopped before its first checkpoint: removed %s from %s, so "
                    "the next launch starts the run afresh",
                    ", ".join(removed),
                    run_dir,
                )
        raise
