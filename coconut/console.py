"""How the console scripts report errors: one readable line and a hint, not a traceback.

Errors we raise ourselves for bad input (``ValueError`` and its subclasses, a locked run
directory, a diverged run) and operating-system errors (missing files, a full disk, no
permission) are printed as ``error: <message>`` plus a hint, and the script exits with
status 1; a :class:`UsageError` (a required argument left out) exits with status 2.
``HYDRA_FULL_ERROR=1`` re-raises them, so the full traceback is still there for anyone who
needs it. Anything else is a bug and keeps its traceback. The argparse tools
(``coconut-probe``, ``coconut-compare``) report the same way through :func:`run_cli`,
with ``--debug`` in place of ``HYDRA_FULL_ERROR=1``.

Exit status: 0 success, 1 error, 2 usage (an unknown flag, or a :class:`UsageError`),
and, as shells expect, 128 + the signal's number for a process stopped by a signal: 130
for Ctrl-C (SIGINT, ``KeyboardInterrupt``), 143 for SIGTERM (:class:`Interrupted`,
:func:`raise_on_sigterm`). A script stopped before it finished never exits 0.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

T = TypeVar("T")

HINT = "(set HYDRA_FULL_ERROR=1 to see the full traceback)"


DEBUG_HINT = "(pass --debug to see the full traceback)"
USAGE = 2
"""Exit status of a usage error (argparse's too); other errors exit with 1."""


class CoconutError(Exception):
    """Base of our errors that are not ``ValueError``s but are the user's to fix."""


class UsageError(CoconutError):
    """The command line itself is wrong (a required argument is missing): exit status 2."""


class Interrupted(BaseException):
    """The process was asked to stop by a signal; the script exits with 128 + its number.

    A ``BaseException``, like ``KeyboardInterrupt``: ``except Exception`` does not swallow it,
    while ``finally`` blocks (locks, cleanup) still run.

    Args:
        signum: the signal, e.g. ``signal.SIGTERM``.
        hint: what to do next, e.g. how to resume.
    """

    def __init__(self, signum: int, hint: str = "") -> None:
        self.signum = int(signum)
        self.hint = hint
        name = signal.Signals(self.signum).name
        super().__init__(f"stopped by {name}" + (f"; {hint}" if hint else ""))

    @property
    def exit_status(self) -> int:
        """128 + the signal number (143 for SIGTERM, 130 for SIGINT)."""
        return 128 + self.signum


def raise_on_sigterm(hint: str = "") -> None:
    """Makes SIGTERM raise :class:`Interrupted` (with ``hint``) in the main thread.

    Python's default ends the process at once, skipping ``finally`` blocks. Code that
    stops cleanly by itself may install its own handler and call this one from it (as
    Lightning does while it trains): this handler then does nothing, and that code
    reports the stop.
    """

    def handler(signum: int, frame: Any) -> None:
        if signal.getsignal(signal.SIGTERM) is handler:
            raise Interrupted(signum, hint)

    signal.signal(signal.SIGTERM, handler)


_REPORTED = (ValueError, OSError, CoconutError)

_OS_REASONS = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "read-only file system",
}


def describe(err: BaseException) -> str:
    """One line for ``err``: for disk-full and permission errors, the reason and the path."""
    for link in _chain(err):
        if isinstance(link, OSError) and link.errno in _OS_REASONS:
            where = link.filename or _path_in(err)
            target = f" while writing {where}" if where else ""
            lost = getattr(link, "nothing_lost", None)  # coconut.atomic.WriteError's
            return f"{_OS_REASONS[link.errno]}{target}" + (f"; {lost}" if lost else "")
    if isinstance(err, FileNotFoundError) and err.filename and not err.args[1:]:
        return f"no such file or directory: {err.filename}"
    text = str(err).strip() or type(err).__name__
    if isinstance(err, OSError) and err.filename and str(err.filename) not in text:
        text = f"{text}: {err.filename}"
    return text


def run_reporting_errors(function: Callable[..., T], *args: Any) -> T:
    """Calls ``function(*args)``; our errors become one line on stderr and exit status 1
    (2 for a :class:`UsageError`).

    A stop by a signal (:class:`Interrupted`, or Ctrl-C's ``KeyboardInterrupt``) prints one
    line and exits with 128 + the signal's number.
    """
    try:
        return function(*args)
    except KeyboardInterrupt:
        _exit_stopped(Interrupted(signal.SIGINT))
    except Interrupted as stop:
        _exit_stopped(stop)
    except _REPORTED as err:
        if os.environ.get("HYDRA_FULL_ERROR") == "1":
            raise
        print(f"error: {describe(err)}\n{HINT}", file=sys.stderr)
        raise SystemExit(exit_status(err)) from None


def run_cli(prog: str, debug: bool, function: Callable[..., Any], *args: Any) -> int:
    """For argparse tools: calls ``function(*args)`` and returns 0; our errors become
    ``<prog>: error: <one line>`` and the ``--debug`` hint on stderr, and status 1 (2 for
    a :class:`UsageError`). With ``debug`` they are raised with their traceback."""
    try:
        function(*args)
    except _REPORTED as err:
        if debug:
            raise
        print(f"{prog}: error: {describe(err)}\n{DEBUG_HINT}", file=sys.stderr)
        return exit_status(err)
    return 0


def exit_status(err: BaseException) -> int:
    """2 for a usage error, else 1."""
    return USAGE if isinstance(err, UsageError) else 1


def _exit_stopped(stop: Interrupted) -> NoReturn:
    print(f"interrupted: {stop}", file=sys.stderr)
    raise SystemExit(stop.exit_status) from None


def _chain(err: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    link: BaseException | None = err
    while link is not None and link not in seen:
        seen.append(link)
        link = link.__cause__ or link.__context__
    return seen


def _path_in(err: BaseException) -> str | None:
    for link in _chain(err):
        filename = getattr(link, "filename", None)
        if filename:
            return str(filename)
    return None
