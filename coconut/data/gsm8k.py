"""GSM8K loaders: the hub release, local jsonl files in its format, and the iCoT text format.

A GSM8K solution is prose with calculator annotations and a final ``#### answer`` line:
"Natalia sold 48/2 = <<48/2=24>>24 clips ... #### 72". Like the Coconut paper (after
iCoT), the steps are the annotations themselves (``"<<48/2=24>>"``) and the answer is the
normalised number after ``####``. The iCoT files hold one problem per line as
``question||<<a=b>> <<c=d>> #### answer``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import datasets
from datasets import Dataset

from coconut.data.answers import normalize_answer
from coconut.data.calculator import annotation_steps, strip_annotations
from coconut.data.io import cached_dataset, read_records
from coconut.data.schema import (
    ANSWER,
    BASE_FEATURES,
    QUESTION,
    STEPS,
    DataValidationError,
    Problem,
    json_type,
)
from coconut.data.validation import validate_examples

HUB_NAME, HUB_CONFIG = "openai/gsm8k", "main"
ANSWER_MARK = "####"
ICOT_SEPARATOR = "||"


def _split_answer(text: str) -> tuple[str, str] | None:
    """``(reasoning, normalised answer)``, or None without a non-empty ``#### answer``."""
    reasoning, mark, answer = text.rpartition(ANSWER_MARK)
    if not mark or not answer.strip():
        return None
    return reasoning, normalize_answer(answer)


def gsm8k_example(row: Mapping[str, Any]) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """Turn a GSM8K row ``{"question", "answer"}`` into our schema.

    Returns:
        The example (None if the row is unusable) and (field, message) problems.
    """
    question, solution = row.get(QUESTION), row.get(ANSWER)
    problems = [
        (field, f"expected a string, got {json_type(value)}")
        for field, value in ((QUESTION, question), (ANSWER, solution))
        if not isinstance(value, str)
    ]
    if problems:
        return None, problems
    split = _split_answer(solution)
    if split is None:
        return None, [(ANSWER, f"has no '{ANSWER_MARK} <answer>' line")]
    reasoning, answer = split
    return {QUESTION: question.strip(), STEPS: annotation_steps(reasoning), ANSWER: answer}, []


def _row_example(row: Any) -> tuple[dict[str, Any] | None, list[tuple[str | None, str]]]:
    if not isinstance(row, dict):
        return None, [(None, f"expected an object, got {json_type(row)}")]
    return gsm8k_example(row)


def _convert(items: list[Any], convert, source: str) -> list[dict[str, Any]]:
    """Converts every item with ``convert`` (-> record, [(field, message)]) and validates.

    Raises:
        DataValidationError: listing every item's problems, by index and field.
    """
    records, problems = [], []
    for index, item in enumerate(items):
        record, found = convert(item)
        problems += [Problem(index, field, message, source) for field, message in found]
        if record is not None:
            records.append(record)
    problems += validate_examples(records, source=source) if not problems else []
    if problems:
        raise DataValidationError(problems)
    return records


def _convert_rows(rows: list[Any], source: str) -> list[dict[str, Any]]:
    return _convert(rows, _row_example, source)


def read_gsm8k_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read a GSM8K-format ``.jsonl`` file into examples of our schema.

    Raises:
        DataValidationError: naming the file, line (example index) and field.
    """
    return _convert_rows(read_records(path), str(path))


def _icot_line(line: str) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    question, separator, rest = line.partition(ICOT_SEPARATOR)
    if not separator:
        return None, [(STEPS, f"no '{ICOT_SEPARATOR}' between the question and the steps")]
    split = _split_answer(rest)
    if split is None:
        return None, [(ANSWER, f"has no '{ANSWER_MARK} <answer>' at the end")]
    reasoning, answer = split
    if leftover := strip_annotations(reasoning).strip():
        return None, [(STEPS, f"text outside the <<...>> annotations: {leftover!r}")]
    return {QUESTION: question.strip(), STEPS: annotation_steps(reasoning), ANSWER: answer}, []


def read_icot(path: Path) -> list[dict[str, Any]]:
    """Read an iCoT-format text file (``question||<<a=b>> ... #### answer`` per line).

    Raises:
        DataValidationError: naming the file, example index (with its line) and field.
    """
    lines = [line for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return _convert(lines, _icot_line, str(path))


def _hub_row(row: dict[str, Any], index: int, split: str) -> dict[str, Any]:
    record, found = gsm8k_example(row)
    if record is None:
        source = f"{HUB_NAME}:{split}"
        raise DataValidationError([Problem(index, f, m, source) for f, m in found])
    return record


def load_gsm8k(
    source: str | Path = "hub", split: str = "train", *, cache_dir: str | None = None
) -> Dataset:
    """Load GSM8K in our schema.

    Args:
        source: ``"hub"`` for ``openai/gsm8k`` (config ``main``) through ``datasets``; a
            ``.jsonl`` file in the GSM8K format; or a folder holding ``{split}.jsonl``.
        split: the split to load from the hub or from a folder ("train" or "test").
        cache_dir: ``datasets`` cache folder (its default cache when None).

    Returns:
        Columns ``question``, ``steps`` (the ``<<a=b>>`` annotations) and ``answer``.

    Raises:
        DataValidationError: for a malformed row, naming the file, index and field.
    """
    if str(source) == "hub":
        raw = datasets.load_dataset(HUB_NAME, HUB_CONFIG, split=split, cache_dir=cache_dir)
        return raw.map(
            _hub_row,
            with_indices=True,
            fn_kwargs={"split": split},
            remove_columns=raw.column_names,
            features=BASE_FEATURES,
        )
    path = Path(source)
    if path.is_dir():
        path = path / f"{split}.jsonl"
    records = read_gsm8k_jsonl(path)
    return cached_dataset(read_gsm8k_jsonl, path, records, cache_dir=cache_dir)


def load_icot(path: str | Path, *, cache_dir: str | None = None) -> Dataset:
    """Load an iCoT-format GSM8K file (``question||<<a=b>> <<c=d>> #### answer``).

    Raises:
        DataValidationError: naming the file, example index and field.
    """
    path = Path(path)
    return cached_dataset(read_icot, path, read_icot(path), cache_dir=cache_dir)
