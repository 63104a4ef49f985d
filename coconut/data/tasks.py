"""Which task a data file holds, recognised from its records, and which task a run learned.

The study tools (``coconut-eval``, ``coconut-probe``, ``coconut-search``,
``coconut-qvalue``) accept any file in our schema, so nothing stopped a GSM8K file from
being scored on a ProntoQA run. This module is the one place that tells the tasks apart:

- ``prosqa_symbolic``: the question has the symbolic form, ``"... [Q] a b [R] root"``
  (:func:`coconut.data.facts.question_form`);
- ``prosqa``: a ProsQA question (``"Is Tom a wumpus or yumpus?"``) or graph fields;
- ``prontoqa``: a ProntoQA question (``"... True or false: ..."``);
- ``gsm8k``: calculator steps ``<<a*b=c>>``, or no steps and a numeric answer;
- ``memory_reason``: steps tagged memory/reason (a ``step_kinds`` field).

A file's task is the most common task of its first :data:`SAMPLE` records (``None`` when
none is recognised: nothing is refused then). A run's task (:func:`data_task`) comes from
its data config's name, else from its training (or validation) file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from coconut.data.calculator import looks_like_annotation
from coconut.data.facts import question_form
from coconut.data.schema import STEP_KINDS

TASKS = ("prosqa_symbolic", "prosqa", "prontoqa", "gsm8k", "memory_reason")
MEMORY_REASON_SETS = ("strategyqa", "truthfulqa", "commonsenseqa")
SAMPLE = 32
"""Records read to recognise a file's task."""
_NUMBER = re.compile(r"^-?[\d,]*\.?\d+$")


class TaskMismatchError(ValueError):
    """A data file holds another task than the run it is used with."""


def record_task(record: Mapping[str, Any]) -> str | None:
    """The task of one record (one of :data:`TASKS`), or ``None``."""
    question = str(record.get("question") or "")
    form = question_form(question)
    if form is not None:
        return form
    if record.get("edges") is not None and record.get("idx_to_symbol") is not None:
        return "prosqa"
    if record.get(STEP_KINDS):
        return "memory_reason"
    steps = [str(s).strip() for s in record.get("steps") or []]
    if steps and all(looks_like_annotation(s) for s in steps):
        return "gsm8k"
    if not steps and _NUMBER.match(str(record.get("answer") or "").strip()):
        return "gsm8k"
    return None


def recognise_task(records: Sequence[Mapping[str, Any]]) -> str | None:
    """The most common task of the first :data:`SAMPLE` records, or ``None``."""
    found = Counter(
        task for i in range(min(SAMPLE, len(records))) if (task := record_task(records[i]))
    )
    if not found:
        return None
    return max(found, key=lambda task: (found[task], -TASKS.index(task)))


def name_task(name: str | None) -> str | None:
    """The task a data config's name stands for (``prosqa_small`` -> ``prosqa``), if known."""
    name = str(name or "")
    if name in MEMORY_REASON_SETS:
        return "memory_reason"
    for task in TASKS:
        if name == task or name.startswith(task + "_"):
            return task
    return None


def data_task(data: Mapping[str, Any]) -> str | None:
    """The task of a run's data config: by its name, else by its train (or val) file."""
    task = name_task(data.get("name"))
    if task is not None:
        return task
    splits = data.get("splits") or {}
    for split in ("train", "val"):
        path = splits.get(split)
        if path and Path(str(path)).is_file():
            from coconut.data.io import read_records  # a file only when the name says nothing

            return recognise_task(read_records(path))
    return None


def check_task(
    records: Sequence[Mapping[str, Any]], source: str, expected: str | None, owner: str
) -> None:
    """Refuses records of another task than ``expected`` (unknown tasks pass).

    Args:
        records: the file's records.
        source: how the file was given, e.g. ``"split_path=/data/test.json"``.
        expected: the run's task (``None``: unknown, nothing is checked).
        owner: what learned ``expected``, e.g. ``"run outputs/x (data prosqa)"``.

    Raises:
        TaskMismatchError: naming the file's task and the run's.
    """
    found = recognise_task(records)
    if expected is None or found is None or found == expected:
        return
    raise TaskMismatchError(
        f"{source}: a {found} file, but {owner} learned {expected}; give a {expected} file "
        "of the same form (coconut-data symbolize converts ProsQA to the symbolic form)"
    )
