"""Figures of a probing report (:mod:`coconut.plotting`, written as PNG).

- ``value_height.png``: mean frontier-node value against node height, one line per ``k``;
- ``cumulative_topk.png``: cumulative value of the top-1/2/3 frontier nodes against ``k``;
- ``categories.png``: shares of the six output classes against ``k`` (stacked bars);
- ``gsm8k_hits.png``: the step-result hit rate by thought index.

Each function takes the report dict of :func:`coconut.probe.analysis.probe_dataset`
and returns the path written, or ``None`` when the report lacks that analysis.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from coconut.plotting import figure, integer_ticks, save
from coconut.probe.classify import CATEGORIES

COLORS = {
    "Correct Path": "#2e7d32",
    "Longer Path": "#81c784",
    "Hallucination": "#c62828",
    "Wrong Target": "#ef6c00",
    "Correct Label": "#1565c0",
    "Incorrect Label": "#90a4ae",
}


def _key(k) -> int:
    return int(k)


def plot_value_height(report: dict[str, Any], path: Path) -> Path | None:
    """Mean frontier value by node height, one line per number of thoughts."""
    points = (report.get("frontier") or {}).get("value_height")
    if not points:
        return None
    grouped: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for k, height, value in points:
        if height is not None:
            grouped[_key(k)][int(height)].append(float(value))
    fig = figure(5, 3.5)
    ax = fig.subplots()
    for k in sorted(grouped):
        hs = sorted(grouped[k])
        means = [sum(grouped[k][h]) / len(grouped[k][h]) for h in hs]
        ax.plot(hs, means, marker="o", label=f"k={k}")
    integer_ticks(ax)
    ax.set_xlabel("height of frontier node (hops to a leaf)")
    ax.set_ylabel("mean value")
    ax.set_title("Frontier node value vs height")
    ax.legend(fontsize=8)
    return save(fig, path)


def plot_cumulative_topk(report: dict[str, Any], path: Path) -> Path | None:
    """Cumulative value of the top-1/2/3 frontier nodes against the number of thoughts."""
    by_k = (report.get("frontier") or {}).get("by_k")
    if not by_k:
        return None
    ks = sorted(by_k, key=_key)
    fig = figure(5, 3.5)
    ax = fig.subplots()
    for j in range(3):
        ys = [by_k[k]["cumulative_top"][j] for k in ks]
        ax.plot(
            [_key(k) for k in ks],
            [y if y is not None else float("nan") for y in ys],
            marker="o",
            label=f"top-{j + 1}",
        )
    others = [by_k[k]["non_frontier_mass"] for k in ks]
    ax.plot(
        [_key(k) for k in ks],
        [y if y is not None else float("nan") for y in others],
        linestyle="--",
        color="gray",
        label="all non-frontier",
    )
    integer_ticks(ax)
    ax.set_xlabel("continuous thoughts k")
    ax.set_ylabel("cumulative value")
    ax.set_title("Top frontier values")
    ax.legend(fontsize=8)
    return save(fig, path)


def plot_categories(report: dict[str, Any], path: Path) -> Path | None:
    """Stacked shares of the six output classes against the number of thoughts."""
    shares = report.get("categories_by_k")
    if not shares:
        return None
    ks = sorted(shares, key=_key)
    fig = figure(5.5, 3.5)
    ax = fig.subplots()
    bottom = [0.0] * len(ks)
    for category in CATEGORIES:
        ys = [shares[k][category] for k in ks]
        ax.bar([_key(k) for k in ks], ys, bottom=bottom, color=COLORS[category], label=category)
        bottom = [b + y for b, y in zip(bottom, ys, strict=True)]
    integer_ticks(ax)
    ax.set_xlabel("continuous thoughts k")
    ax.set_ylabel("share of outputs")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    ax.set_title("Outputs by class")
    return save(fig, path)


def plot_gsm8k_hits(report: dict[str, Any], path: Path) -> Path | None:
    """Hit rate of the step result in each thought's top tokens."""
    rates = (report.get("gsm8k") or {}).get("hit_rate_by_thought")
    if not rates:
        return None
    fig = figure(5, 3.5)
    ax = fig.subplots()
    xs = [r["index"] for r in rates]
    ax.bar(xs, [r["rate"] if r["rate"] is not None else 0.0 for r in rates])
    integer_ticks(ax)
    ax.set_xlabel("thought")
    ax.set_ylabel("hit rate")
    ax.set_ylim(0, 1)
    ax.set_title("Step result in the thought's top tokens")
    return save(fig, path)


FIGURES = ("value_height.png", "cumulative_topk.png", "categories.png", "gsm8k_hits.png")
"""The names of the figures :func:`plot_report` may write."""


def plot_report(report: dict[str, Any], out_dir: str | Path) -> list[Path]:
    """Every figure the report supports, in ``out_dir``; returns the paths written."""
    out_dir = Path(out_dir)
    makers = (plot_value_height, plot_cumulative_topk, plot_categories, plot_gsm8k_hits)
    written = [maker(report, out_dir / name) for name, maker in zip(FIGURES, makers, strict=True)]
    return [p for p in written if p is not None]
