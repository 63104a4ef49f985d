"""Collecting finished runs from run directories, ``results.json`` files and W&B.

A *run* here is one trained model's final evaluation (a
:class:`~coconut.compare.records.RunRecord`): method, dataset, model, seed and the
metrics of the paper's Table 1 (accuracy, generated tokens with latent thoughts counted,
forward passes, seconds per example). Sources:

- a ``results.json`` written by ``coconut-train``, or the run directory holding it;
- an offline W&B run folder written by our W&B logger (``wandb/offline-run-*``), read
  with :mod:`coconut.compare.wandb_offline` (config for the run's identity, summary for
  the metrics);
- ``wandb:ENTITY/PROJECT``: every run of a W&B project, through ``wandb.Api()``;
- any other folder: every run found below it.

Whatever cannot be read is returned as an :class:`Unreadable` with the reason, never
dropped. A run is one run id: the same run read twice (a run directory and its W&B folder)
counts once and is listed as such; runs that share a name but not a run id (a re-run in
another folder) are both kept, each labelled with its run id, and listed. Runs without a
run id (written before run ids existed) are told apart by name, method, model, data and
seed. The outcome does not depend on the order of the paths.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

from coconut.compare.records import (
    DUPLICATE,
    METRICS,
    SAME_NAME,
    UNREADABLE,
    CompareError,
    RunRecord,
    Unreadable,
    from_results,
    from_wandb,
)
from coconut.compare.wandb_offline import read_offline_run
from coconut.rundir import RESULTS, RunDir

log = logging.getLogger(__name__)

__all__ = [
    "DUPLICATE", "METRICS", "SAME_NAME", "UNREADABLE", "CompareError", "RunRecord",
    "Unreadable", "collect_runs", "collect_wandb_project", "deduplicate", "from_results",
    "from_wandb", "read_offline_folder", "read_results_file",
]  # fmt: skip

WANDB_PREFIX = "wandb:"
MAX_DEPTH = 4


def read_results_file(path: Path, split: str | None = None) -> RunRecord:
    """A run from a ``results.json`` file."""
    try:
        results = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise ValueError(f"malformed JSON: {err}") from err
    if not isinstance(results, Mapping):
        raise ValueError("expected a JSON object")
    return from_results(results, str(path), split)


def read_offline_folder(path: Path, split: str | None = None) -> RunRecord:
    """A run from an offline W&B run folder."""
    run = read_offline_run(path)
    return from_wandb(run.config, run.summary, run.name, str(path), split, run.history, run.run_id)


def _is_offline_folder(path: Path) -> bool:
    return any(path.glob("run-*.wandb"))


def _walk(path: Path, depth: int) -> Iterable[Path]:
    """Run directories, ``results.json`` holders and offline W&B folders below ``path``."""
    run = RunDir(path)
    if run.is_finished() or _is_offline_folder(path):
        yield path
        return
    if run.is_run():  # a run directory without results yet
        yield path
        return
    if depth >= MAX_DEPTH:
        return
    for child in sorted(p for p in path.iterdir() if p.is_dir()):
        yield from _walk(child, depth + 1)


def _read_dir(path: Path, split: str | None) -> RunRecord:
    """A run directory's results (its W&B history attached), or a W&B folder's run."""
    if _is_offline_folder(path):
        return read_offline_folder(path, split)
    offline = sorted((path / "wandb").glob("offline-run-*")) if (path / "wandb").is_dir() else []
    run = RunDir(path)
    if run.is_run():
        run.read_config()  # a run folder is untrusted: refused if its config names code
    if run.is_finished():
        record = read_results_file(run.results, split)
        if offline:
            try:
                record.history = read_offline_run(offline[-1]).history
            except (ValueError, OSError) as err:
                log.warning("%s: no curves from %s: %s", path, offline[-1], err)
        return record
    unfinished = "a run directory without results.json or a W&B run (unfinished?)"
    if offline and run.is_run():  # a coconut-train run that has not finished yet
        try:
            return read_offline_folder(offline[-1], split)
        except ValueError as err:
            raise ValueError(
                f"{unfinished}: no {RESULTS} yet and its W&B run {offline[-1].name} cannot be "
                f"read ({err}); it is still training or stopped before its final evaluation"
            ) from err
    if offline:
        return read_offline_folder(offline[-1], split)
    raise ValueError(unfinished)


def collect_wandb_project(spec: str, split: str | None = None, api=None):
    """Runs of ``wandb:ENTITY/PROJECT`` through ``wandb.Api()``.

    Raises:
        CompareError: if the project cannot be reached.
    """
    project = spec[len(WANDB_PREFIX) :]
    if project.count("/") != 1 or not all(project.split("/")):
        raise CompareError(f"{spec}: expected wandb:ENTITY/PROJECT")
    try:
        if api is None:
            import wandb

            api = wandb.Api(timeout=20)
        runs = list(api.runs(project))
    except Exception as err:  # network, auth, missing project: all mean "cannot reach"
        raise CompareError(f"{spec}: cannot reach the W&B project: {err}") from err
    records, bad = [], []
    for run in runs:
        source = f"{spec}/{getattr(run, 'id', '?')}"
        try:
            config = {k: v for k, v in dict(run.config).items() if not k.startswith("_")}
            run_id = getattr(run, "id", None)
            records.append(
                from_wandb(config, dict(run.summary), run.name, source, split, run_id=run_id)
            )
        except (ValueError, TypeError, KeyError) as err:
            bad.append(Unreadable(source, str(err)))
    if not runs:
        bad.append(Unreadable(spec, "the project has no runs"))
    return records, bad


def collect_runs(
    paths: Iterable[str | Path], split: str | None = None
) -> tuple[list[RunRecord], list[Unreadable]]:
    """Every run under ``paths``, and every path or run that could not be read.

    Args:
        paths: run directories, folders of runs, offline W&B run folders,
            ``results.json`` files or ``wandb:ENTITY/PROJECT``.
        split: take metrics of this split only (default: ``test``, else ``val``).

    Raises:
        CompareError: if no run at all could be read (the message lists every reason).
    """
    records: list[RunRecord] = []
    bad: list[Unreadable] = []
    for item in paths:
        spec = str(item)
        if spec.startswith(WANDB_PREFIX):
            try:
                found, failed = collect_wandb_project(spec, split)
            except CompareError as err:
                bad.append(Unreadable(spec, str(err).split(": ", 1)[1]))
                continue
            records += found
            bad += failed
            continue
        path = Path(spec)
        if not path.exists():
            bad.append(Unreadable(spec, "no such file or directory"))
            continue
        if path.is_file():
            try:
                records.append(read_results_file(path, split))
            except (ValueError, OSError) as err:
                bad.append(Unreadable(spec, str(err)))
            continue
        found_any = False
        for run_dir in _walk(path, 0):
            found_any = True
            try:
                records.append(_read_dir(run_dir, split))
            except (ValueError, OSError) as err:
                bad.append(Unreadable(str(run_dir), str(err)))
        if not found_any:
            bad.append(Unreadable(spec, "no runs found (empty folder?)"))
    records, notes = deduplicate(records)
    if not records:
        reasons = "; ".join(f"{b.source}: {b.reason}" for b in bad) or "no paths given"
        raise CompareError(f"no runs to compare: {reasons}")
    return records, sorted(bad, key=lambda b: b.source) + notes


def _preferred(record: RunRecord) -> tuple:
    """Which of two readings of one run is kept: a ``results.json`` first, then by source."""
    return (not record.source.endswith(RESULTS), record.source)


def _order(record: RunRecord) -> tuple:
    """A total order of runs that does not depend on how they were found."""
    r = record
    seed = (r.seed is None, r.seed if r.seed is not None else 0)
    return (r.dataset, r.method, r.model, r.name, seed, r.run_id or "", r.source)


def deduplicate(records: list[RunRecord]) -> tuple[list[RunRecord], list[Unreadable]]:
    """One record per run (:attr:`RunRecord.identity`), whatever the order of ``records``.

    Returns:
        The kept records, sorted, and notes: each extra reading of a run (``duplicate``)
        and each run whose name another run id shares (``same name``; both are kept,
        labelled with their run ids).
    """
    kept: dict[tuple, RunRecord] = {}
    notes = []
    for r in sorted(records, key=_preferred):
        first = kept.setdefault(r.identity, r)
        if first is not r:
            reason = f"the same run as {first.source} (run id {r.run_id or '-'}); counted once"
            notes.append(Unreadable(r.source, reason, DUPLICATE))
    by_name: dict[tuple, list[RunRecord]] = {}
    for r in kept.values():
        by_name.setdefault((r.name, r.method, r.model, r.dataset, r.seed), []).append(r)
    for group in by_name.values():
        if len(group) < 2:
            continue
        ids = ", ".join(f"{r.run_id or '-'} ({r.source})" for r in group)
        for r in group:
            r.label = f"run {r.run_id or '-'}"
            reason = f"{len(group)} runs are named {r.name!r}: run ids {ids}; kept apart"
            notes.append(Unreadable(r.source, reason, SAME_NAME))
    return sorted(kept.values(), key=_order), notes
