"""Logging into a run's own file while a block runs (``eval/eval.log``, ``search.log``).

Tools whose Hydra config writes nothing by itself (``hydra.run.dir: .``, no ``.hydra/``,
log to stdout) open their log file only once their inputs are checked and the run
directory is known, so that a launch that fails on bad input leaves no file behind.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

FORMAT = "[%(asctime)s][%(name)s][%(levelname)s] %(message)s"


@contextlib.contextmanager
def log_to_file(path: Path) -> Iterator[None]:
    """Also logs to ``path`` (appending; its folder is made) while the block runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        handler.close()
