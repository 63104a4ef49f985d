"""Training curves of a run as a PNG: validation accuracy and training loss per epoch, with
the curriculum stages shaded, read from the run's CSV logs.

:class:`PlotCurves` draws them when training ends, on rank zero, the way every figure of
the package is drawn (:mod:`coconut.plotting`: no ``pyplot``, so importing or running the
trainer leaves a notebook's backend alone).
"""

from __future__ import annotations

import csv
import logging
from collections import defaultdict
from pathlib import Path
from typing import Any

import lightning as L
from lightning.pytorch.callbacks import Callback

from coconut.plotting import figure, integer_ticks, save
from coconut.rundir import RunDir

log = logging.getLogger(__name__)

Series = dict[str, dict[int, float]]  # metric -> {epoch: value}


def read_epoch_metrics(run_dir: str | Path) -> Series:
    """Per-epoch values of every metric in ``<run_dir>/csv/version_*/metrics.csv``.

    Later versions (a resumed run) override earlier ones; step-level rows of a metric
    are averaged over their epoch.
    """
    sums: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    files = sorted(RunDir(run_dir).csv.glob("version_*/metrics.csv"), key=_version)
    for path in files:
        seen: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
        with path.open(newline="") as handle:
            for row in csv.DictReader(handle):
                if not row.get("epoch"):
                    continue
                for name, value in row.items():
                    if name not in ("epoch", "step") and value:
                        seen[name][int(float(row["epoch"]))].append(float(value))
        for name, epochs in seen.items():
            sums[name].update(epochs)
    return {name: {e: sum(v) / len(v) for e, v in epochs.items()} for name, epochs in sums.items()}


def _version(path: Path) -> int:
    return int(path.parent.name.removeprefix("version_") or 0)


def plot_run(run_dir: str | Path, stages: dict[int, int] | None = None) -> Path | None:
    """Writes ``<run_dir>/curves.png``; returns ``None`` (and logs) if there are no CSV logs.

    Args:
        run_dir: the run directory.
        stages: the stage of each epoch from the schedule; without it, the stages logged
            in the CSV (which miss an epoch that a kill interrupted before its end).
    """
    series = read_epoch_metrics(run_dir)
    if stages:
        series["curriculum/stage"] = {e: float(s) for e, s in stages.items()}
    loss = series.get("train/loss_epoch") or series.get("train/loss")
    if not series.get("val/acc") and not loss:
        log.info("no CSV metrics in %s: no curves plotted", run_dir)
        return None
    stages = series.get("curriculum/stage", {})
    if stages:  # leave out the evaluation logged after the last training epoch
        last = max(stages)
        series = {k: {e: v for e, v in vals.items() if e <= last} for k, vals in series.items()}
        loss = series.get("train/loss_epoch") or series.get("train/loss")
    fig = figure(7, 5)
    top, bottom = fig.subplots(2, 1, sharex=True)
    for axis, values, label in (
        (top, series.get("val/acc"), "val/acc"),
        (bottom, loss, "train/loss"),
    ):
        if values:
            epochs = sorted(values)
            axis.plot(epochs, [values[e] for e in epochs], marker="o", label=label)
        axis.set_ylabel(label)
        _shade_stages(axis, stages)
    top.set_ylim(-0.02, 1.02)
    bottom.set_xlabel("epoch")
    top.set_title(Path(run_dir).name)
    fig.tight_layout()
    integer_ticks(bottom)
    return save(fig, RunDir(run_dir).curves, dpi=100)


def _shade_stages(axis, stages: dict[int, float]) -> None:
    """Alternating bands, one per curriculum stage, labelled at the top axis."""
    epochs = sorted(stages)
    starts = [e for i, e in enumerate(epochs) if i == 0 or stages[e] != stages[epochs[i - 1]]]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else epochs[-1] + 1
        axis.axvspan(start - 0.5, end - 0.5, color="grey", alpha=0.12 if i % 2 else 0.04)
        axis.annotate(
            f"stage {int(stages[start])}", (start - 0.4, 1), xycoords=("data", "axes fraction"),
            va="top", fontsize=7,
        )  # fmt: skip


class PlotCurves(Callback):
    """Writes ``<run_dir>/curves.png`` at the end of training, on rank zero only.

    Args:
        run_dir: the run directory, whose ``csv/version_*/metrics.csv`` are read.
        curriculum: the run's curriculum callback; when given, each epoch's stage band
            comes from the schedule (the CSV misses an epoch a kill interrupted).
    """

    def __init__(self, run_dir: str | Path, curriculum: Any | None = None) -> None:
        self.run_dir = Path(run_dir)
        self.curriculum = curriculum

    def on_fit_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if not trainer.is_global_zero:
            return
        for logger in trainer.loggers:
            logger.save()  # flush the CSV rows of the last epoch
        stages = None
        if self.curriculum is not None:
            epochs = range(max(trainer.current_epoch, 1))
            stages = {epoch: self.curriculum.stage_at(epoch) for epoch in epochs}
        plot_run(self.run_dir, stages)
