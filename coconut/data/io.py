"""Read and write example files: JSON lists or JSON lines, loaded as ``datasets.Dataset``.

Files are parsed here (so that a malformed example is named by its index), validated with
:func:`~coconut.data.validation.validate_examples`, then turned into a ``datasets.Dataset``
through ``Dataset.from_generator``, which caches the Arrow table under ``cache_dir`` keyed
by the file's content. Writes are atomic: a temporary file in the same folder, then
``os.replace``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from datasets import Dataset

from coconut.atomic import atomic_write_text
from coconut.data.schema import DataValidationError, Problem, features_for, json_type
from coconut.data.validation import validate_examples

log = logging.getLogger(__name__)

Reader = Callable[[Path], list[Any]]


def _json_problem(source: str, index: int | None, err: json.JSONDecodeError) -> Problem:
    message = f"malformed JSON at line {err.lineno} column {err.colno}: {err.msg}"
    return Problem(index, None, message, source)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _read_json_list(text: str, source: str) -> list[Any]:
    """Decode a JSON list element by element, so that a syntax error names its example."""
    decoder = json.JSONDecoder()
    pos = _skip_space(text, 0)
    if not text.startswith("[", pos):
        try:
            found = json_type(json.loads(text))
        except json.JSONDecodeError as err:
            raise DataValidationError([_json_problem(source, None, err)]) from err
        raise DataValidationError(
            [Problem(None, None, f"expected a JSON list, got {found}", source)]
        )
    records: list[Any] = []
    pos = _skip_space(text, pos + 1)
    while not text.startswith("]", pos):
        try:
            record, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as err:
            raise DataValidationError([_json_problem(source, len(records), err)]) from err
        records.append(record)
        pos = _skip_space(text, pos)
        if text.startswith(",", pos):
            pos = _skip_space(text, pos + 1)
        elif not text.startswith("]", pos):
            line = text.count("\n", 0, pos) + 1
            message = f"malformed JSON at line {line}: expected ',' or ']' after the example"
            raise DataValidationError([Problem(len(records) - 1, None, message, source)])
    if _skip_space(text, pos + 1) != len(text):
        message = "malformed JSON: extra data after the closing ']'"
        raise DataValidationError([Problem(None, None, message, source)])
    return records


def _read_json_lines(text: str, source: str) -> list[Any]:
    """Decode one record per non-empty line."""
    records, problems = [], []
    for line in (line for line in text.splitlines() if line.strip()):
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as err:
            problems.append(_json_problem(source, len(records), err))
            records.append(None)
    if problems:
        raise DataValidationError(problems)
    return records


def read_records(path: str | Path) -> list[Any]:
    """Decode a ``.json`` list or a ``.jsonl`` file, without checking the records.

    Raises:
        DataValidationError: for malformed JSON, naming the example it is in, or bytes
            that are not UTF-8, naming their offset.
        FileNotFoundError: if the file does not exist.
    """
    path = Path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        message = (
            f"not UTF-8 text: byte 0x{data[err.start]:02x} at byte offset {err.start} "
            f"(line {line}) cannot be decoded ({err.reason}); re-encode the file as UTF-8"
        )
        raise DataValidationError([Problem(None, None, message, str(path))]) from None
    if path.suffix == ".jsonl":
        return _read_json_lines(text, str(path))
    return _read_json_list(text, str(path))


def _generate(reader: Reader, path: str, digest: str, skip: tuple[int, ...]) -> Iterator[Any]:
    """Rows for ``Dataset.from_generator``; ``digest`` only keys the cache on the content."""
    skipped = set(skip)
    for index, record in enumerate(reader(Path(path))):
        if index not in skipped:
            yield record


def cached_dataset(
    reader: Reader,
    path: str | Path,
    records: Sequence[Mapping[str, Any]],
    *,
    skip: Iterable[int] = (),
    cache_dir: str | None = None,
) -> Dataset:
    """Build a ``Dataset`` from already-validated records, cached on the file's content.

    Args:
        reader: reads the file into records again when the cache is cold (module-level
            function, so that ``datasets`` can hash it).
        path: the file.
        records: the kept records (used for the features, and when there are none).
        skip: indices of the file's records to leave out.
        cache_dir: ``datasets`` cache folder (its default cache when None).
    """
    features = features_for(records)
    if not records:
        return Dataset.from_dict({name: [] for name in features}, features=features)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    kwargs = {"reader": reader, "path": str(path), "digest": digest, "skip": tuple(sorted(skip))}
    return Dataset.from_generator(
        _generate, features=features, cache_dir=cache_dir, gen_kwargs=kwargs
    )


def load_examples(
    path: str | Path, *, skip_invalid: bool = False, cache_dir: str | None = None
) -> Dataset:
    """Load and validate an example file (our schema, published ProsQA, ProntoQA).

    Args:
        path: a ``.json`` list of records or a ``.jsonl`` file of the same records.
        skip_invalid: leave out invalid examples (logging how many and which) instead of
            raising.
        cache_dir: ``datasets`` cache folder (its default cache when None).

    Returns:
        Columns ``question``, ``steps``, ``answer`` (and the graph fields when present).

    Raises:
        DataValidationError: naming the file, example index and field of every problem.
    """
    records = read_records(path)
    problems = validate_examples(records, source=str(path))
    bad = sorted({p.index for p in problems if p.index is not None})
    whole_file = any(p.index is None for p in problems)
    if problems and (whole_file or not skip_invalid):
        raise DataValidationError(problems)
    if bad:
        log.warning(
            "%s: skipped %d invalid example(s) of %d, indices %s; first problem: %s",
            path,
            len(bad),
            len(records),
            bad,
            problems[0],
        )
    bad_set = set(bad)
    kept = [r for i, r in enumerate(records) if i not in bad_set]
    if not kept:
        log.warning("%s: no examples to load", path)
    return cached_dataset(read_records, path, kept, skip=bad, cache_dir=cache_dir)


def write_examples(
    records: Iterable[Mapping[str, Any]], path: str | Path, *, validate: bool = True
) -> Path:
    """Write records atomically: a JSON list (one record per line) or, for ``.jsonl``, lines.

    Args:
        records: examples (dicts, or the rows of a ``Dataset``).
        path: destination; folders are created.
        validate: check the records first and refuse to write invalid ones.

    Returns:
        The path written.

    Raises:
        DataValidationError: if ``validate`` and a record is invalid.
    """
    rows = [dict(r) for r in records]
    if validate and (problems := validate_examples(rows, source=str(path))):
        raise DataValidationError(problems)
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    if Path(path).suffix == ".jsonl":
        text = "".join(f"{line}\n" for line in lines)
    else:
        text = "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"
    return atomic_write_text(path, text)
