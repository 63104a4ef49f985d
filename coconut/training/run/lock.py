"""One process per run directory: a lock file, its holder, and the clean-up it allows.

:class:`RunLock` takes ``<run_dir>/.lock`` with the ``filelock`` package (an OS-level lock
that the kernel drops when its process dies, however it dies) and records its holder (PID,
host, start time) in ``<run_dir>/.lock.json``. A second process on the same directory stops
at once with :class:`RunLockedError` naming the holder. A lock left by a killed process is
not held any more: the next run takes it over, logging whose it was.

While the lock is held no other writer can be at work in the directory, so
:func:`remove_stale_temp_files` can delete the temporary files that a killed atomic writer
left behind (``.<name>.<random>.tmp`` files and staging directories).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import time
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from coconut.console import CoconutError
from coconut.training.run.ownership import stale_temp_files

log = logging.getLogger(__name__)

LOCK_NAME = ".lock"
HOLDER_NAME = ".lock.json"


class RunLockedError(CoconutError, RuntimeError):
    """Another live process holds the run directory."""


class RunLock:
    """Exclusive use of a run directory for the lifetime of one process.

    Args:
        run_dir: the run directory (created if missing).
    """

    def __init__(self, run_dir: str | Path) -> None:
        self.run_dir = Path(run_dir)
        self._lock: FileLock | None = None

    def acquire(self) -> RunLock:
        """Takes the lock, or raises :class:`RunLockedError` naming the holder.

        The other ranks of a distributed launch (:func:`is_primary_process` false) run
        under the first rank's lock and take none.
        """
        self.run_dir.mkdir(parents=True, exist_ok=True)
        if not is_primary_process():
            return self
        lock = FileLock(str(self.run_dir / LOCK_NAME), timeout=0, mode=_file_mode())
        try:
            lock.acquire()
        except Timeout:
            raise RunLockedError(
                f"run directory {self.run_dir} is in use by {describe_holder(self.run_dir)}; "
                "wait for it to finish, or pick another run_name= / paths.output_dir="
            ) from None
        previous = read_holder(self.run_dir)
        if previous and not _is_self(previous):
            log.info("taking over the stale lock of %s", describe_holder(self.run_dir))
        self._lock = lock
        _write_holder(self.run_dir)
        return self

    def release(self) -> None:
        """Releases the lock (the holder record stays, for the next run's log)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _file_mode() -> int:
    """0o666 less the umask, as for any file the process creates (filelock would otherwise
    set 0o666 itself, making the lock world-writable)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def is_primary_process() -> bool:
    """Whether this is the first process of a (possibly distributed) launch.

    Processes that Lightning, torchrun or SLURM start for the other ranks share the run
    directory with the first one: they neither lock it nor clean it up.
    """
    for name in ("RANK", "LOCAL_RANK", "NODE_RANK", "SLURM_PROCID"):
        value = os.environ.get(name, "0")
        if value.isdigit() and int(value) != 0:
            return False
    return True


def read_holder(run_dir: str | Path) -> dict | None:
    """The last recorded holder of ``run_dir``'s lock, if any."""
    try:
        return json.loads((Path(run_dir) / HOLDER_NAME).read_text())
    except (OSError, ValueError):
        return None


def describe_holder(run_dir: str | Path) -> str:
    """``"PID 123 on host since 2026-01-01 10:00:00 UTC"`` for the recorded holder."""
    holder = read_holder(run_dir)
    if not holder:
        return "another process (no holder recorded)"
    return f"PID {holder.get('pid')} on {holder.get('host')} since {holder.get('started')}"


def _is_self(holder: dict) -> bool:
    return holder.get("pid") == os.getpid() and holder.get("host") == socket.gethostname()


def _write_holder(run_dir: Path) -> None:
    holder = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    }
    tmp = run_dir / f"{HOLDER_NAME}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(holder) + "\n")
    os.replace(tmp, run_dir / HOLDER_NAME)


def remove_stale_temp_files(run_dir: str | Path) -> list[Path]:
    """Deletes what killed atomic writers left in ``run_dir``; call it holding the lock.

    Only the package's own temporary names, in the run folder and its ``checkpoints/``,
    ``tokenizer/`` and ``eval/`` (:func:`~coconut.training.run.ownership.stale_temp_files`).
    ``.<dir>.old``, the aside copy of a directory swap, is left for
    :func:`coconut.atomic.recover_directory`.

    Returns:
        The paths removed.
    """
    removed = stale_temp_files(run_dir)
    for path in removed:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    if removed:
        log.info("removed %d temporary file(s) left by a killed run: %s", len(removed), removed)
    return removed
