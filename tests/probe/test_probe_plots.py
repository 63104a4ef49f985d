"""The probing figures: written for the analyses a report has, skipped for the others."""

from __future__ import annotations

from coconut.probe.classify import CATEGORIES
from coconut.probe.plots import plot_report


def test_every_figure_from_a_synthetic_report(tmp_path):
    shares = {k: dict.fromkeys(CATEGORIES, 1 / 6) for k in (0, 1)}
    by_k = {k: {"cumulative_top": [0.5, 0.7, 0.8], "non_frontier_mass": 0.1} for k in ("0", "1")}
    report = {
        "categories_by_k": shares,
        "frontier": {"by_k": by_k, "value_height": [[1, 0, 0.5], [1, 2, 0.1], [2, None, 0.3]]},
        "gsm8k": {
            "hit_rate_by_thought": [
                {"index": 1, "hits": 1, "total": 2, "rate": 0.5},
                {"index": 2, "hits": 0, "total": 0, "rate": None},
            ]
        },
    }
    written = plot_report(report, tmp_path)
    assert sorted(p.name for p in written) == [
        "categories.png",
        "cumulative_topk.png",
        "gsm8k_hits.png",
        "value_height.png",
    ]
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in written)


def test_a_report_without_analyses_has_no_figures(tmp_path):
    assert plot_report({"task": "generic"}, tmp_path) == []
    assert list(tmp_path.iterdir()) == []
