"""``superposition.json`` and ``superposition.png`` of a model on a set of records.

What ``coconut-probe MODEL --superposition`` writes, as a function of a loaded model, so
that a training run's report (``report.superposition``) writes the same two files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from coconut.atomic import atomic_write_json
from coconut.probe.loading import ProbedModel
from coconut.probe.superposition import mode_for_run, probe_superposition
from coconut.probe.superposition_plots import plot_superposition

JSON = "superposition.json"
FIGURE = "superposition.png"


def write_superposition(
    probed: ProbedModel,
    records: Sequence[Mapping[str, Any]],
    out: Path,
    *,
    mode: str = "auto",
    frontier: str = "distance",
    data: str | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Probes ``records`` (:func:`probe_superposition`) and writes ``out/superposition.json``
    and ``out/superposition.png``; returns the report.

    Args:
        probed: the model, its tokenizer and its run's config.
        records: symbolic ProsQA records.
        out: the folder written into (created if absent).
        mode: ``coconut``, ``bare``, ``cot``, or ``auto`` (from the run's method).
        frontier: the frontier definition (:data:`coconut.data.graph.FRONTIER_DEFINITIONS`).
        data: the file the records came from, recorded in the report.
        progress: show a progress bar.

    Raises:
        ValueError: for a run with no reasoning to probe, or records not in the symbolic form.
    """
    mode = mode_for_run(probed.run_config) if mode == "auto" else mode
    report = probe_superposition(
        probed.model, probed.tokenizer, records, mode=mode, definition=frontier,
        progress=progress,
    )  # fmt: skip
    report["data"] = data
    out.mkdir(parents=True, exist_ok=True)
    title = f"{probed.source.parent.name or probed.source.name} ({mode}, {frontier} frontier)"
    plot_superposition(report, out / FIGURE, title)
    atomic_write_json(out / JSON, report)
    return report
