"""Collecting finished runs from run directories, ``results.json`` files and W&B.

A *run* here is one trained model's final evaluation: method, dataset, model, seed and
the metrics of the paper's Table 1 (accuracy, generated tokens with latent thoughts
counted, forward passes, seconds per example). Sources:

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coconut.compare.wandb_offline import read_offline_run

log = logging.getLogger(__name__)

METRICS = ("acc", "gen_tokens", "forward_passes", "sec_per_example")
WANDB_PREFIX = "wandb:"
MAX_DEPTH = 4


@dataclass
class RunRecord:
    """One run's identity and final metrics.

    Attributes:
        name: the run's name.
        method: training method (``coconut``, ``cot``, ...).
        dataset: the data config's name.
        model: the model config's name.
        seed: the training seed.
        split: the split the metrics are from (``test`` when there is one, else ``val``).
        metrics: ``acc``, ``gen_tokens``, ``forward_passes``, ``sec_per_example``
            (those the source has).
        source: where the run was read from.
        history: logged metrics over training (W&B sources), for curves.
        run_id: the run id of ``coconut-train`` (also its W&B id); ``None`` for runs
            written before run ids existed.
        label: set when another run has the same name: ``"run <run id>"``, so that the
            two get rows of their own.
    """

    name: str
    method: str
    dataset: str
    model: str
    seed: int | None
    split: str
    metrics: dict[str, float]
    source: str
    history: list[dict[str, Any]] = field(default_factory=list, repr=False)
    run_id: str | None = None
    label: str = ""

    @property
    def variant(self) -> str:
        """What tells this run's configuration apart beyond method, data, model and seed:
        the parts of its name other than those (``prosqa-coconut-gpt2-lr3-seed0`` gives
        ``lr3``; the default names give ``""``), and its label if it has one."""
        known = {self.method, self.dataset, self.model, f"seed{self.seed}"}
        parts = [p for p in self.name.split("-") if p and p not in known]
        return " ".join(filter(None, ["-".join(parts), self.label]))

    @property
    def identity(self) -> tuple:
        """What makes two records the same run: the run id, else name and settings."""
        if self.run_id:
            return ("run_id", self.run_id)
        return ("name", self.name, self.method, self.model, self.dataset, self.seed)


UNREADABLE, DUPLICATE, SAME_NAME = "unreadable", "duplicate", "same name"


@dataclass
class Unreadable:
    """A path that was asked for but gave no run, and why; or (``kind``) a run read twice
    (``duplicate``: counted once) or sharing its name with another run (``same name``)."""

    source: str
    reason: str
    kind: str = UNREADABLE


class CompareError(ValueError):
    """Raised when nothing at all can be compared (every path failed or held no run)."""


def _split_metrics(flat: Mapping[str, Any], split: str | None) -> tuple[str, dict[str, float]]:
    """Picks ``test`` (else ``val``) metrics out of ``{"test/acc": ...}``-style keys."""
    splits = [split] if split else ["test", "val"]
    for name in splits:
        found = {m: float(flat[f"{name}/{m}"]) for m in METRICS if f"{name}/{m}" in flat}
        if "acc" in found:
            return name, found
    raise ValueError(f"no {' or '.join(s + '/acc' for s in splits)} metric")


def from_results(results: Mapping[str, Any], source: str, split: str | None = None) -> RunRecord:
    """A run from the content of a ``results.json``.

    Raises:
        ValueError: naming the missing key.
    """
    for key in ("method", "data", "model"):
        if key not in results:
            raise ValueError(f"no {key!r} key")
    flat = {
        f"{s}/{k}": v
        for s in ("test", "val")
        if isinstance(results.get(s), Mapping)
        for k, v in results[s].items()
    }
    chosen, metrics = _split_metrics(flat, split)
    return RunRecord(
        name=str(results.get("run_name") or Path(source).parent.name),
        method=str(results["method"]),
        dataset=str(results["data"]),
        model=str(results["model"]),
        seed=results.get("seed"),
        split=chosen,
        metrics=metrics,
        source=source,
        run_id=results.get("run_id") or None,
    )


def from_wandb(
    config: Mapping[str, Any],
    summary: Mapping[str, Any],
    name: str,
    source: str,
    split: str | None = None,
    history: list[dict[str, Any]] | None = None,
    run_id: str | None = None,
) -> RunRecord:
    """A run from W&B's config and summary (as our W&B logger writes them; the W&B run id
    is the run's id).

    Raises:
        ValueError: naming what is missing.
    """
    method, data, model = (config.get(k) for k in ("method", "data", "model"))
    if not isinstance(method, Mapping) or not isinstance(data, Mapping):
        raise ValueError("config has no method/data sections (not a coconut-train run)")
    chosen, metrics = _split_metrics(summary, split)
    return RunRecord(
        name=name or str(config.get("run_name", "")),
        method=str(method.get("name")),
        dataset=str(data.get("name")),
        model=str((model or {}).get("name")),
        seed=config.get("seed"),
        split=chosen,
        metrics=metrics,
        source=source,
        history=list(history or []),
        run_id=run_id or None,
    )


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
    if (path / "results.json").is_file() or _is_offline_folder(path):
        yield path
        return
    if (path / "config.yaml").is_file():  # a run directory without results yet
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
    if (path / "results.json").is_file():
        record = read_results_file(path / "results.json", split)
        if offline:
            try:
                record.history = read_offline_run(offline[-1]).history
            except (ValueError, OSError) as err:
                log.warning("%s: no curves from %s: %s", path, offline[-1], err)
        return record
    if offline:
        return read_offline_folder(offline[-1], split)
    raise ValueError("a run directory without results.json or a W&B run (unfinished?)")


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
    return (not record.source.endswith("results.json"), record.source)


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
