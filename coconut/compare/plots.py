"""Figures of a comparison: accuracy against generated tokens, and curves by method
(:mod:`coconut.plotting`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from coconut.compare.records import RunRecord
from coconut.compare.table import Cell
from coconut.methods import row_name
from coconut.plotting import figure, palette, save

MARKERS = "osD^vP*X"


def plot_acc_vs_tokens(cells: Sequence[Cell], path: str | Path) -> Path:
    """Accuracy (%) against mean generated tokens, one colour per method, one marker per
    dataset, error bars over seeds."""
    path = Path(path)
    datasets = sorted({c.dataset for c in cells})
    methods = list(dict.fromkeys(c.method for c in cells))
    colors = palette("tab10")
    fig = figure(6, 4)
    ax = fig.subplots()
    for c in cells:
        if c.gen_tokens is None:
            continue
        ax.errorbar(
            c.gen_tokens[0],
            c.acc[0] * 100,
            xerr=c.gen_tokens[1] or 0,
            yerr=(c.acc[1] or 0) * 100,
            marker=MARKERS[datasets.index(c.dataset) % len(MARKERS)],
            color=colors(methods.index(c.method) % 10),
            linestyle="none",
            capsize=3,
        )
    for m in methods:
        ax.plot(
            [],
            [],
            color=colors(methods.index(m) % 10),
            marker="o",
            linestyle="none",
            label=row_name(m),
        )
    for d in datasets:
        ax.plot(
            [],
            [],
            color="black",
            marker=MARKERS[datasets.index(d) % len(MARKERS)],
            linestyle="none",
            label=d,
        )
    ax.set_xlabel("generated tokens per example (latent thoughts counted)")
    ax.set_ylabel("accuracy (%)")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    ax.set_title("Accuracy vs generated tokens")
    return save(fig, path)


def metric_curve(run: RunRecord, metric: str = "val/acc") -> tuple[list[float], list[float]]:
    """``(epochs, values)`` of ``metric`` in a run's W&B history (empty if not logged)."""
    xs, ys = [], []
    for step in run.history:
        if metric in step and step[metric] is not None:
            xs.append(float(step.get("epoch", len(xs))))
            ys.append(float(step[metric]))
    return xs, ys


def plot_curves(runs: Sequence[RunRecord], path: str | Path, metric: str = "val/acc") -> Path:
    """``metric`` against epoch for every run with a history, coloured by method."""
    path = Path(path)
    methods = list(dict.fromkeys(r.method for r in runs))
    colors = palette("tab10")
    fig = figure(6, 4)
    ax = fig.subplots()
    for run in runs:
        xs, ys = metric_curve(run, metric)
        if xs:
            ax.plot(
                xs,
                ys,
                color=colors(methods.index(run.method) % 10),
                alpha=0.8,
                label=f"{row_name(run.method)} ({run.dataset}, seed {run.seed})",
            )
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.legend(fontsize=7)
    return save(fig, path)
