"""Validate a list of decoded records: shape, ProsQA graphs and consistency across records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from coconut.data.prosqa_verify import graph_problems
from coconut.data.schema import (
    GRAPH_FIELDS,
    STEP_KINDS,
    Problem,
    has_graph_fields,
    shape_problems,
)


def _mixed_graph_problems(records: Sequence[Any], source: str) -> list[Problem]:
    """Every record of a file must agree on carrying the graph fields or not."""
    flags = {i: has_graph_fields(r) for i, r in enumerate(records) if isinstance(r, dict)}
    with_graph = sum(flags.values())
    if with_graph in (0, len(flags)):
        return []
    majority = with_graph * 2 > len(flags)
    message = (
        "missing, while most examples in this file carry ProsQA graph fields"
        if majority
        else "ProsQA graph fields are present, while most examples in this file have none"
    )
    return [Problem(i, GRAPH_FIELDS[0], message, source) for i, f in flags.items() if f != majority]


def _mixed_kinds_problems(records: Sequence[Any], source: str) -> list[Problem]:
    """``step_kinds`` is all or nothing within a file (one column of a dataset)."""
    flags = {i: STEP_KINDS in r for i, r in enumerate(records) if isinstance(r, dict)}
    if sum(flags.values()) in (0, len(flags)):
        return []
    message = "missing, while other examples in this file carry step_kinds"
    return [Problem(i, STEP_KINDS, message, source) for i, has in flags.items() if not has]


def validate_examples(records: Sequence[Any], *, source: str = "<memory>") -> list[Problem]:
    """Check every record against the schema, and ProsQA records against their graphs.

    Args:
        records: decoded records (normally dicts).
        source: the file the records come from, named in every problem.

    Returns:
        All problems found, in record order; empty if every record is valid.
    """
    problems: list[Problem] = []
    for index, record in enumerate(records):
        found = shape_problems(record)
        if not found and has_graph_fields(record):
            found = graph_problems(record)
        problems += [Problem(index, field, message, source) for field, message in found]
    problems += _mixed_graph_problems(records, source) + _mixed_kinds_problems(records, source)
    return sorted(problems, key=lambda p: -1 if p.index is None else p.index)
