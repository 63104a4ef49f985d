"""The paper's Table 1 layout: method x dataset, mean ± std over seeds.

Rows are (method, model) pairs in the order of the paper's Table 1
(:data:`coconut.methods.TABLE1_METHODS`; methods not in it come after, sorted), named by
:func:`coconut.methods.row_name`; each dataset contributes accuracy (%),
generated tokens (latent thoughts counted, as the paper counts them), forward passes
and seconds per example. Standard deviations are sample deviations over seeds (n - 1),
left out for a single seed; ``table.md`` says so under the table (:data:`STD_NOTE`).
"""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from coconut.compare.records import DUPLICATE, SAME_NAME, UNREADABLE, RunRecord, Unreadable
from coconut.methods import TABLE1_METHODS, row_name


@dataclass(frozen=True)
class Cell:
    """Aggregates of one (method, model, dataset) over its seeds."""

    method: str
    model: str
    dataset: str
    n: int
    acc: tuple[float, float | None]
    gen_tokens: tuple[float, float | None] | None
    forward_passes: float | None
    sec_per_example: float | None
    seeds: tuple


def mean_std(values: Sequence[float]) -> tuple[float, float | None]:
    """Mean and sample standard deviation (``None`` for one value).

    Raises:
        ValueError: for no values.
    """
    if not values:
        raise ValueError("no values")
    std = statistics.stdev(values) if len(values) > 1 else None
    return statistics.fmean(values), std


def aggregate(records: Sequence[RunRecord]) -> list[Cell]:
    """One cell per (method, model, dataset), over seeds.

    Runs whose names differ in more than method, data, model and seed (see
    ``RunRecord.variant``) are other configurations: their model reads ``"model [variant]"``
    and they get a row of their own instead of being averaged together.
    """
    groups: dict[tuple[str, str, str], list[RunRecord]] = {}
    for r in records:
        model = f"{r.model} [{r.variant}]" if r.variant else r.model
        groups.setdefault((r.method, model, r.dataset), []).append(r)
    cells = []
    for (method, model, dataset), runs in groups.items():
        tokens = [r.metrics["gen_tokens"] for r in runs if "gen_tokens" in r.metrics]
        passes = [r.metrics["forward_passes"] for r in runs if "forward_passes" in r.metrics]
        secs = [r.metrics["sec_per_example"] for r in runs if "sec_per_example" in r.metrics]
        cells.append(
            Cell(
                method,
                model,
                dataset,
                len(runs),
                mean_std([r.metrics["acc"] for r in runs]),
                mean_std(tokens) if tokens else None,
                statistics.fmean(passes) if passes else None,
                statistics.fmean(secs) if secs else None,
                tuple(r.seed for r in runs),
            )
        )
    return sorted(cells, key=lambda c: (method_rank(c.method), c.method, c.model, c.dataset))


def method_rank(method: str) -> int:
    """The row of ``method`` in the paper's Table 1 (after every such row if not in it)."""
    if method in TABLE1_METHODS:
        return TABLE1_METHODS.index(method)
    return len(TABLE1_METHODS)


def fmt(value: tuple[float, float | None] | float | None, scale: float = 1.0, digits=1) -> str:
    """``"85.0 ± 7.1"``, ``"85.0"`` or ``"–"``."""
    if value is None:
        return "–"
    if isinstance(value, tuple):
        mean, std = value
        if std is None:
            return f"{mean * scale:.{digits}f}"
        return f"{mean * scale:.{digits}f} ± {std * scale:.{digits}f}"
    return f"{value * scale:.{digits}f}"


def markdown_table(
    cells: Sequence[Cell],
    datasets: Sequence[str] | None = None,
    rows: Sequence[tuple[str, str]] | None = None,
    extra_columns: bool = True,
) -> str:
    """Table 1 as markdown.

    Args:
        cells: from :func:`aggregate`.
        datasets: column groups, in order (default: every dataset, sorted).
        rows: ``(method, model)`` rows, in order (default: those with runs); rows
            without runs show ``–``.
        extra_columns: add forward passes, seconds per example and seeds per dataset.
    """
    datasets = list(datasets or sorted({c.dataset for c in cells}))
    if rows is None:
        seen = []
        for c in cells:
            if (c.method, c.model) not in seen:
                seen.append((c.method, c.model))
        rows = seen
    index = {(c.method, c.model, c.dataset): c for c in cells}
    header = ["Method", "Model"]
    for d in datasets:
        header += [f"{d} Acc. (%)", f"{d} # Tokens"]
        if extra_columns:
            header += [f"{d} Passes", f"{d} s/example", f"{d} seeds"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for method, model in rows:
        line = [row_name(method), model]
        for d in datasets:
            c = index.get((method, model, d))
            line += [fmt(c.acc, 100) if c else "–", fmt(c.gen_tokens) if c else "–"]
            if extra_columns:
                line += [
                    fmt(c.forward_passes) if c else "–",
                    fmt(c.sec_per_example, digits=4) if c else "–",
                    str(c.n) if c else "0",
                ]
        lines.append("| " + " | ".join(line) + " |")
    return "\n".join(lines) + "\n"


STD_NOTE = (
    "\n± is the sample standard deviation over seeds (n − 1 in the denominator); a cell "
    "of one seed has none.\n"
)
"""The line under the table saying what ± is."""

SECTION_TITLES = {
    UNREADABLE: "Runs that could not be read",
    DUPLICATE: "Runs read more than once (counted once)",
    SAME_NAME: "Runs that share a name (kept apart by run id)",
}


def unreadable_section(bad: Sequence[Unreadable]) -> str:
    """Markdown lists of the runs that could not be read, of runs read twice and of runs
    sharing a name (empty if none)."""
    text = ""
    for kind, title in SECTION_TITLES.items():
        items = [f"- `{b.source}`: {b.reason}" for b in bad if b.kind == kind]
        if items:
            text += f"\n## {title} ({len(items)})\n\n" + "\n".join(items) + "\n"
    return text


CSV_FIELDS = (
    "method",
    "model",
    "dataset",
    "seeds",
    "acc_mean",
    "acc_std",
    "gen_tokens_mean",
    "gen_tokens_std",
    "forward_passes_mean",
    "sec_per_example_mean",
)


def csv_table(cells: Sequence[Cell]) -> str:
    """One CSV row per cell (accuracy as a fraction; empty where unknown)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for c in cells:
        tokens = c.gen_tokens or (None, None)
        writer.writerow(
            [
                c.method,
                c.model,
                c.dataset,
                c.n,
                c.acc[0],
                _blank(c.acc[1]),
                _blank(tokens[0]),
                _blank(tokens[1]),
                _blank(c.forward_passes),
                _blank(c.sec_per_example),
            ]
        )
    return buffer.getvalue()


def _blank(value: float | None) -> str | float:
    return "" if value is None else value
