"""Atomic writes of files and directories: a reader, or a crash, sees the old content or
the new one, never half of it. The one place the package writes atomically.

Files go through a temporary file in the destination's folder (so ``os.replace`` stays on
one filesystem), flushed and fsynced before it replaces the destination.

Directories (:func:`atomic_directory`) are written into a staging directory beside the
destination, which then takes the destination's place. On Linux the two are exchanged in
one ``renameat2(RENAME_EXCHANGE)`` call, so there is no moment without the directory;
elsewhere the old one is first renamed aside, and :func:`recover_directory` (called by
every later write and by readers that want it) puts it back if a crash fell in between.
:func:`atomic_files_into` moves a set of files into a directory that holds other files
too, one atomic rename per file, the marker file last.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import torch

WRITE_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EACCES, errno.EPERM, errno.EROFS}
)
"""The errors of a write that the disk or its permissions refused (others pass as they are)."""


class WriteError(OSError):
    """An operating-system error (a full disk, no permission) while writing ``filename``
    atomically: nothing was lost, since the destination was never half-written.

    Attributes:
        nothing_lost: the sentence that says so, for :func:`coconut.console.describe`.
    """

    def __init__(self, errno_: int, strerror: str, path: Path) -> None:
        super().__init__(errno_, strerror, str(path))
        kept = "keeps its previous content" if path.exists() else "was not created"
        self.nothing_lost = f"nothing was lost: {path.name} {kept} and no partial file remains"


def write_error(err: BaseException, path: Path) -> WriteError | None:
    """The :class:`WriteError` for ``path`` behind ``err``, if an ``OSError`` caused it.

    Writers that call Python's file methods from C (``torch.save``) report a full disk as
    their own ``RuntimeError`` ("unexpected pos ..."), with the ``OSError`` as its context.
    """
    link: BaseException | None = err
    seen: list[BaseException] = []
    while link is not None and link not in seen:
        if isinstance(link, WriteError):
            return None  # named already, by an inner write
        if isinstance(link, OSError) and link.errno in WRITE_ERRNOS:
            return WriteError(link.errno, link.strerror or str(link), path)
        seen.append(link)
        link = link.__cause__ or link.__context__
    return None


def atomic_write(path: str | os.PathLike, write: Callable[[IO], None], binary: bool) -> Path:
    """Calls ``write(handle)`` on a temporary file, then moves it onto ``path``.

    Raises:
        WriteError: for an ``OSError`` at any step (also behind another error), naming
            ``path`` and saying that nothing was lost.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        if err.errno not in WRITE_ERRNOS:
            raise
        raise WriteError(err.errno, err.strerror or str(err), path) from err
    try:
        os.chmod(tmp, 0o666 & ~_current_umask())  # mkstemp makes it owner-only
        with os.fdopen(
            fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})
        ) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        named = write_error(err, path)
        if named is not None:
            raise named from err
        raise
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Writes ``text`` (UTF-8) to ``path`` atomically."""
    return atomic_write(path, lambda f: f.write(text), binary=False)


def atomic_write_json(path: str | os.PathLike, obj: Any) -> Path:
    """Writes ``obj`` as indented JSON, atomically."""
    return atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=True) + "\n")


def atomic_torch_save(obj: Any, path: str | os.PathLike) -> Path:
    """``torch.save`` to ``path`` atomically."""
    return atomic_write(path, lambda f: torch.save(obj, f), binary=True)


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike) -> Iterator[Path]:
    """Yields an empty staging directory that replaces ``path`` when the block ends.

    If the block raises, ``path`` is left as it was and the staging directory removed.

    Example::

        with atomic_directory(run_dir / "model") as tmp:
            model.save_pretrained(tmp)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    recover_directory(path)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    except OSError as err:
        if err.errno not in WRITE_ERRNOS:
            raise
        raise WriteError(err.errno, err.strerror or str(err), path) from err
    os.chmod(staging, 0o777 & ~_current_umask())  # mkdtemp makes it owner-only
    try:
        yield staging
        _fsync_tree(staging)
        _swap_in(staging, path)
    except Exception as err:
        named = write_error(err, path)
        if named is not None:
            raise named from err
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def recover_directory(path: str | os.PathLike) -> bool:
    """Puts back ``path`` from its aside copy if a crash interrupted a swap; True if it did."""
    path = Path(path)
    aside = _aside(path)
    if path.exists() or not aside.exists():
        return False
    os.replace(aside, path)
    return True


@contextlib.contextmanager
def atomic_files_into(directory: str | os.PathLike, last: str | None = None) -> Iterator[Path]:
    """Yields a staging directory whose files move into ``directory`` when the block ends.

    Each file replaces its namesake atomically; ``last`` (a file whose presence marks the
    set as complete) moves after the others. Other files of ``directory`` stay.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory, prefix=".staging-") as tmp:
        yield Path(tmp)
        _fsync_tree(Path(tmp))
        for name in sorted(os.listdir(tmp), key=lambda name: name == last):
            os.replace(Path(tmp) / name, directory / name)


def _aside(path: Path) -> Path:
    return path.with_name(f".{path.name}.old")


def _swap_in(staging: Path, path: Path) -> None:
    """Makes ``staging`` be ``path``; the old ``path`` (if any) is deleted afterwards."""
    if not path.exists():
        os.replace(staging, path)
        return
    if _exchange(staging, path):  # staging now holds the old content
        shutil.rmtree(staging, ignore_errors=True)
        return
    aside = _aside(path)
    shutil.rmtree(aside, ignore_errors=True)
    os.replace(path, aside)
    os.replace(staging, path)
    shutil.rmtree(aside, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swaps two paths in one system call (Linux ``renameat2``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]  # fmt: skip
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _fsync_tree(root: Path) -> None:
    """Flushes every file under ``root`` to disk before it is renamed into place."""
    for folder, _, names in os.walk(root):
        for name in names:
            fd = os.open(Path(folder) / name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
