"""Figures of the superposition probes (:mod:`coconut.probe.superposition`).

``superposition.png`` has three panels against the thought index ``k`` (integer axis):
the mean inner product of thought ``k`` with each node group's embeddings, the mean
logit-lens probability of each group's nodes, and the second layer's mean attention per
edge of each edge group. They follow :mod:`coconut.plotting`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coconut.plotting import figure, integer_ticks, save
from coconut.probe.superposition import EDGE_GROUPS, NODE_GROUPS

COLORS = {"path": "#2e7d32", "frontier": "#1565c0", "reachable": "#ef6c00",
          "other": "#90a4ae", "unreached": "#90a4ae"}  # fmt: skip
PANELS = (
    ("inner", NODE_GROUPS, "thought · node embedding"),
    ("prob", NODE_GROUPS, "logit-lens probability"),
    ("attention", EDGE_GROUPS, "layer-2 attention per edge"),
)


def plot_superposition(summary: dict[str, Any], path: Path, title: str = "") -> Path:
    """Draws the three panels of ``summary`` (from :func:`summarize`) into ``path``."""
    fig = figure(12, 3.6)
    for ax, (measure, groups, label) in zip(fig.subplots(1, 3), PANELS, strict=True):
        by_k = {int(k): values for k, values in summary[measure].items()}
        for group in groups:
            ks = [k for k in sorted(by_k) if group in by_k[k]]
            if ks:
                values = [by_k[k][group] for k in ks]
                ax.plot(ks, values, marker="o", label=group, color=COLORS[group])
        ax.set_xlabel("thought k")
        ax.set_ylabel(label)
        integer_ticks(ax)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return save(fig, path)
