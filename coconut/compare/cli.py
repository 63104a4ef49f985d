"""``coconut-compare PATH... --out DIR``: Table 1 from run folders, results and W&B.

Writes ``DIR/table.md`` (the table, what its ± is, then the runs that could not be read
and why, those read twice, and those sharing a name), ``DIR/table.csv`` and
``DIR/acc_vs_tokens.png``. Exits 2 with a message when no run at all can be read, 1 with
one line when the output cannot be written (``--debug`` shows the traceback).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from coconut.atomic import atomic_write_text
from coconut.compare.plots import plot_acc_vs_tokens
from coconut.compare.records import UNREADABLE, CompareError, RunRecord, Unreadable
from coconut.compare.runs import collect_runs
from coconut.compare.table import (
    STD_NOTE,
    aggregate,
    csv_table,
    markdown_table,
    unreadable_section,
)
from coconut.console import run_cli
from coconut.outputs import check_outputs

log = logging.getLogger(__name__)


def write_comparison(
    records: Sequence[RunRecord],
    bad: Sequence[Unreadable],
    out: str | Path,
    datasets: Sequence[str] | None = None,
    rows: Sequence[tuple[str, str]] | None = None,
) -> str:
    """Writes ``table.md``, ``table.csv`` and the plot into ``out``; returns the markdown."""
    out = Path(out)
    cells = aggregate(records)
    text = markdown_table(cells, datasets, rows) + STD_NOTE + unreadable_section(bad)
    atomic_write_text(out / "table.md", text)
    atomic_write_text(out / "table.csv", csv_table(cells))
    plot_acc_vs_tokens(cells, out / "acc_vs_tokens.png")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coconut-compare",
        description="Lay finished runs out as the Coconut paper's Table 1.",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        help="run dirs, folders of runs, offline W&B "
        "run folders, results.json files or wandb:ENTITY/PROJECT",
    )
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument(
        "--split",
        choices=("test", "val"),
        default=None,
        help="metrics of this split (default: test, else val)",
    )
    parser.add_argument("--datasets", nargs="+", default=None, help="columns, in order")
    parser.add_argument(
        "--force", action="store_true", help="replace existing files in --out (never an input)"
    )
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point."""
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        records, bad = collect_runs(args.paths, args.split)
    except CompareError as err:
        parser.exit(2, f"coconut-compare: error: {err}\n")
    for b in bad:
        if b.kind == UNREADABLE:
            log.warning("could not read %s: %s", b.source, b.reason)
        else:
            log.warning("%s: %s", b.source, b.reason)
    code = run_cli(parser.prog, args.debug, _write, records, bad, args)
    if code:
        raise SystemExit(code)
    unreadable = sum(b.kind == UNREADABLE for b in bad)
    log.info("%d run(s) in %s (%d unreadable)", len(records), args.out / "table.md", unreadable)
    return 0


OUTPUTS = ("table.md", "table.csv", "acc_vs_tokens.png")


def check_out(out: Path, paths: Sequence[str], force: bool) -> None:
    """The output rule of every console script (:mod:`coconut.outputs`) for the files of
    ``--out``: never an input; an existing file replaced only if an earlier comparison
    wrote it (its ``table.md`` says what its ± is), or with ``--force``."""
    table = out / OUTPUTS[0]

    def ours(path: Path) -> bool:
        try:
            return STD_NOTE.strip() in table.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return False

    inputs = {f"PATH {p}": p for p in paths if not str(p).startswith("wandb:")}
    check_outputs([out / name for name in OUTPUTS], inputs, overwrite=force, force="--force",
                  ours=ours)  # fmt: skip


def _write(records: Sequence[RunRecord], bad: Sequence[Unreadable], args) -> None:
    check_out(args.out, args.paths, args.force)
    sys.stdout.write(write_comparison(records, bad, args.out, args.datasets))


if __name__ == "__main__":
    raise SystemExit(main())
