"""Validation accuracy against optimizer steps for the renamed-node runs of
experiments/renamed.md, with the coin flip marked.

    python experiments/renamed_curves.py OUT_PNG RUN_DIR [RUN_DIR ...]

Each run's ``csv/version_0/metrics.csv`` (``logger=csv``), or the ``metrics.csv`` a run
record in ``experiments/renamed/runs/`` keeps, gives its ``val/acc`` rows; the legend is
the run folder's name.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from coconut.plotting import figure, save


def val_curve(run: Path) -> tuple[list[int], list[float]]:
    """``(steps, val/acc)`` of one run, in logged order."""
    steps, accs = [], []
    metrics = run / "csv" / "version_0" / "metrics.csv"
    with (metrics if metrics.is_file() else run / "metrics.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("val/acc"):
                steps.append(int(row["step"]))
                accs.append(float(row["val/acc"]))
    return steps, accs


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    fig = figure(7, 3.6)
    axis = fig.add_subplot(1, 1, 1)
    for run in map(Path, argv[1:]):
        steps, accs = val_curve(run)
        axis.plot(steps, accs, marker=".", label=run.name)
    axis.axhline(0.5, color="grey", linestyle="--", label="coin flip")
    axis.set_xlabel("optimizer step")
    axis.set_ylabel("val accuracy")
    axis.set_ylim(0, 1)
    axis.legend(fontsize=7)
    print(save(fig, argv[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
