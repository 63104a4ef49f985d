"""The example schema shared by every task, and the errors raised for bad examples.

An example is a JSON object with ``question`` (str), ``steps`` (list of str, the reasoning
chain) and ``answer`` (str). ProsQA examples add the graph fields of the published ProsQA
files: ``idx_to_symbol`` (list of str), ``edges`` (list of ``[parent, child]`` index
pairs), ``root``, ``target`` and ``neg_target`` (node indices). Any example may carry
``step_kinds``, one of ``"memory"`` / ``"reason"`` per step (the memory/reason methods,
arXiv 2411.13504; see :mod:`coconut.data.memory_reason` and :mod:`coconut.data.tagging`).

This module holds the one record validator: :func:`shape_problems` checks the *shape* of
one record (fields, types, empty strings) and :func:`check_record` raises on the first
problem that would stop a record from being tokenized. Whether a ProsQA graph supports
its question, steps and answer is checked in :mod:`coconut.data.prosqa_verify`;
:mod:`coconut.data.validation` runs both over a file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from datasets import Features, List, Value

QUESTION, STEPS, ANSWER = "question", "steps", "answer"
BASE_FIELDS: tuple[str, ...] = (QUESTION, STEPS, ANSWER)
GRAPH_FIELDS: tuple[str, ...] = ("idx_to_symbol", "edges", "root", "target", "neg_target")
NODE_FIELDS: tuple[str, ...] = ("root", "target", "neg_target")
STEP_KINDS = "step_kinds"
KINDS: tuple[str, ...] = ("memory", "reason")
"""The values of ``step_kinds``: a recalled fact or an inference."""
KNOWN_FIELDS: tuple[str, ...] = BASE_FIELDS + GRAPH_FIELDS + (STEP_KINDS,)

BASE_FEATURES = Features(
    {QUESTION: Value("string"), STEPS: List(Value("string")), ANSWER: Value("string")}
)
GRAPH_FEATURES = Features(
    {
        **BASE_FEATURES,
        "idx_to_symbol": List(Value("string")),
        "edges": List(List(Value("int64"))),
        "root": Value("int64"),
        "target": Value("int64"),
        "neg_target": Value("int64"),
    }
)


class _Texts(TypedDict):
    question: str
    steps: list[str]
    answer: str


class Record(_Texts, total=False):
    """One example as every reader sees it once :func:`check_record` (or
    :func:`coconut.data.io.load_examples`, through the ``datasets`` features above) has
    passed it; ``step_kinds`` is optional."""

    step_kinds: list[str]


class GraphRecord(Record):
    """A ProsQA example with its graph fields (published, generated or symbolic)."""

    idx_to_symbol: list[str]
    edges: list[list[int]]
    root: int
    target: int
    neg_target: int


FieldProblem = tuple[str | None, str]
"""A problem inside one record: (field or None for the whole record, message)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file.

    Attributes:
        index: index of the example in the file (None for a problem with the whole file).
        field: the offending field, e.g. ``"answer"`` or ``"edges[3]"`` (None if the
            problem is with the example as a whole).
        message: what is wrong.
        source: the file (or ``"<memory>"``).
    """

    index: int | None
    field: str | None
    message: str
    source: str = "<memory>"

    def __str__(self) -> str:
        where = [self.source]
        if self.index is not None:
            where.append(f"example {self.index}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}"


class DataValidationError(ValueError):
    """Raised when a data file or records do not fit the schema.

    Attributes:
        problems: every problem found (not only the first).
    """

    MAX_LISTED = 20

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        sources = sorted({p.source for p in self.problems})
        lines = [str(p) for p in self.problems[: self.MAX_LISTED]]
        if len(self.problems) > self.MAX_LISTED:
            lines.append(f"... and {len(self.problems) - self.MAX_LISTED} more")
        header = f"{len(self.problems)} problem(s) in {', '.join(sources)}:"
        super().__init__("\n".join([header, *lines]))


def json_type(value: Any) -> str:
    """The JSON name of a Python value's type ("string", "list", ...), for messages."""
    names = {bool: "boolean", int: "integer", float: "number", str: "string"}
    names |= {list: "list", dict: "object", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def has_graph_fields(record: Mapping[str, Any]) -> bool:
    """Whether a record carries any ProsQA graph field."""
    return any(field in record for field in GRAPH_FIELDS)


def features_for(records: Sequence[Mapping[str, Any]]) -> Features:
    """The ``datasets`` features of valid records: graph and step-kind columns when present."""
    features = GRAPH_FEATURES if records and has_graph_fields(records[0]) else BASE_FEATURES
    if records and STEP_KINDS in records[0]:
        features = Features({**features, STEP_KINDS: List(Value("string"))})
    return features


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text_problems(record: Mapping[str, Any], field: str) -> list[FieldProblem]:
    value = record[field]
    if not isinstance(value, str):
        return [(field, f"expected a string, got {json_type(value)}")]
    if not value.strip():
        return [(field, "is empty")]
    return []


def _steps_problems(steps: Any) -> list[FieldProblem]:
    if not isinstance(steps, list):
        return [(STEPS, f"expected a list of strings, got {json_type(steps)}")]
    problems: list[FieldProblem] = []
    for i, step in enumerate(steps):
        if not isinstance(step, str):
            problems.append((f"{STEPS}[{i}]", f"expected a string, got {json_type(step)}"))
        elif not step.strip():
            problems.append((f"{STEPS}[{i}]", "is an empty step"))
    return problems


def _kinds_problems(record: Mapping[str, Any]) -> list[FieldProblem]:
    kinds, steps = record[STEP_KINDS], record.get(STEPS)
    if not isinstance(kinds, list):
        return [(STEP_KINDS, f"expected a list of {KINDS}, got {json_type(kinds)}")]
    problems: list[FieldProblem] = [
        (f"{STEP_KINDS}[{i}]", f"expected one of {KINDS}, got {kind!r}")
        for i, kind in enumerate(kinds)
        if kind not in KINDS
    ]
    if isinstance(steps, list) and len(kinds) != len(steps):
        problems.append((STEP_KINDS, f"has {len(kinds)} kinds for {len(steps)} steps"))
    return problems


def _symbols_problems(symbols: Any) -> list[FieldProblem]:
    if not isinstance(symbols, list):
        return [("idx_to_symbol", f"expected a list of strings, got {json_type(symbols)}")]
    problems: list[FieldProblem] = []
    for i, symbol in enumerate(symbols):
        if not isinstance(symbol, str) or not symbol.strip():
            problems.append((f"idx_to_symbol[{i}]", f"expected a name, got {symbol!r}"))
    names = [s for s in symbols if isinstance(s, str)]
    duplicates = sorted({s for s in names if names.count(s) > 1})
    if duplicates:
        problems.append(("idx_to_symbol", f"names used for more than one node: {duplicates}"))
    return problems


def _edges_problems(edges: Any) -> list[FieldProblem]:
    if not isinstance(edges, list):
        return [("edges", f"expected a list of [parent, child] pairs, got {json_type(edges)}")]
    return [
        (f"edges[{i}]", f"expected a [parent, child] pair of node indices, got {edge!r}")
        for i, edge in enumerate(edges)
        if not (isinstance(edge, list) and len(edge) == 2 and all(map(_is_int, edge)))
    ]


def _graph_shape_problems(record: Mapping[str, Any]) -> list[FieldProblem]:
    missing = [f for f in GRAPH_FIELDS if f not in record]
    if missing:
        return [(f, "missing (the other ProsQA graph fields are present)") for f in missing]
    problems = _symbols_problems(record["idx_to_symbol"]) + _edges_problems(record["edges"])
    for field in NODE_FIELDS:
        if not _is_int(record[field]):
            problems.append((field, f"expected a node index, got {json_type(record[field])}"))
    return problems


def shape_problems(record: Any) -> list[FieldProblem]:
    """Check the fields and types of one record.

    Args:
        record: a decoded JSON value that should be an example.

    Returns:
        (field, message) pairs; empty if the record has the right shape.
    """
    if not isinstance(record, dict):
        return [(None, f"expected a JSON object, got {json_type(record)}")]
    problems: list[FieldProblem] = [
        (key, f"unknown field (known fields: {', '.join(KNOWN_FIELDS)})")
        for key in record
        if key not in KNOWN_FIELDS
    ]
    for field in BASE_FIELDS:
        if field not in record:
            problems.append((field, "missing"))
    for field in (QUESTION, ANSWER):
        if field in record:
            problems += _text_problems(record, field)
    if STEPS in record:
        problems += _steps_problems(record[STEPS])
    if STEP_KINDS in record:
        problems += _kinds_problems(record)
    if has_graph_fields(record):
        problems += _graph_shape_problems(record)
    return problems


def _type_problems(record: Any) -> list[FieldProblem]:
    """The problems of :func:`shape_problems` that make ``record`` impossible to tokenize.

    Unknown fields, empty texts and graph fields are left to file validation: a record
    handed over in memory (a ``datasets`` row, a hand-made example) may carry them.
    """
    if not isinstance(record, Mapping):
        return [(None, f"expected a mapping, got {type(record).__name__}")]
    problems = shape_problems(dict(record))
    base = {QUESTION, STEPS, ANSWER}
    return [
        (field, message)
        for field, message in problems
        if field is not None
        and field.split("[")[0] in base
        and message not in ("is empty", "is an empty step")
    ]


def check_record(record: Any, index: int | None = None, source: str | None = None) -> None:
    """Raises ``ValueError`` naming the source, index and field if ``record`` cannot be
    tokenized: not a mapping, or ``question``/``answer`` not str, or ``steps`` not a list
    of str.

    Args:
        record: the example.
        index: its position in its file, for the message.
        source: the file it came from, for the message.
    """
    problems = _type_problems(record)
    if not problems:
        return
    where = ", ".join([source or "record", *([f"example {index}"] if index is not None else [])])
    field, message = problems[0]
    if field is None:
        raise ValueError(f"{where}: {message}")
    if message == "missing":
        raise ValueError(f"{where}: missing field {field!r}")
    if field.startswith(STEPS):
        raise ValueError(f"{where}: field 'steps' must be a list of str ({field}: {message})")
    raise ValueError(f"{where}: field {field!r} must be a str ({message})")
