"""Nothing overwrites what it did not create: the one rule every console script follows
before it writes a file the user named.

- An output path equal to any input (the same file, however spelled) is refused, even
  with ``overwrite``: the results would replace the data they came from.
- An existing file is replaced only if the same tool wrote it (``ours``: a check of its
  content, e.g. a ``coconut-eval`` results file) or the user said so (``overwrite=true``,
  ``--force``).
- A command that would write zero records fails instead (:func:`require_records`), naming
  the filter that removed them.

The errors are ``ValueError``s, so each console script prints them as one line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path


class OutputError(ValueError):
    """An output that would replace an input, or a file the tool did not write."""


def check_output(
    output: str | os.PathLike,
    inputs: Mapping[str, str | os.PathLike | None] | None = None,
    *,
    overwrite: bool,
    force: str,
    ours: Callable[[Path], bool] | None = None,
    key: str | None = None,
) -> Path:
    """Returns ``output`` if writing it replaces nothing it must not.

    Args:
        output: the file about to be written.
        inputs: what the command reads, by the name the user gave it (``split_path``,
            ``FILE``); ``None`` values are skipped.
        overwrite: the user asked to replace an existing file.
        force: how the user asks for that (``overwrite=true``, ``--force``), for the message.
        ours: whether an existing file was written by this tool (then it is replaced).
        key: how the user named the output (``output``, ``OUT``), for the message.

    Raises:
        OutputError: naming the output and the input it equals, or the existing file.
    """
    path = Path(output)
    named = f"{key}={path}" if key else str(path)
    for name, given in (inputs or {}).items():
        if given is not None and same_file(path, Path(given)):
            raise OutputError(
                f"{named} is also the input {name}={given}: writing it would replace the input; "
                "name another output file"
            )
    if path.is_dir():
        raise OutputError(f"{named} is a directory; name a file to write")
    if path.exists() and not overwrite and not (ours is not None and ours(path)):
        raise OutputError(
            f"{named} already exists and was not written by this tool; nothing was written. "
            f"Pass {force} to replace it, or name another file"
        )
    return path


def check_outputs(
    outputs: Iterable[str | os.PathLike],
    inputs: Mapping[str, str | os.PathLike | None] | None = None,
    **options,
) -> list[Path]:
    """:func:`check_output` for each of ``outputs``, all before any is written."""
    return [check_output(output, inputs, **options) for output in outputs]


def require_records(kept: int, total: int, removed_by: str, source: str | os.PathLike) -> None:
    """Refuses to write an empty file: ``kept`` records of ``total`` remain after a filter.

    Raises:
        OutputError: naming the filter (``removed_by``) and the source, when ``kept`` is 0.
    """
    if kept == 0:
        raise OutputError(
            f"{source}: no records to write: {removed_by} removed all {total}; nothing was written"
        )


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` name one file (links and ``..`` resolved)."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


def json_object_with(path: Path, keys: Iterable[str]) -> bool:
    """Whether ``path`` holds a JSON object with every one of ``keys`` (a tool's own
    output recognised by its fields)."""
    try:
        with open(path, encoding="utf-8") as f:
            content = json.load(f)
    except (OSError, ValueError):
        return False
    return isinstance(content, dict) and set(keys) <= set(content)
