"""One run's final evaluation as compared (:class:`RunRecord`), and what could not be read.

A record is built from the content of a ``results.json`` (:func:`from_results`) or from a
W&B run's config and summary (:func:`from_wandb`); it carries the metrics of the paper's
Table 1 for one split (``test`` when there is one, else ``val``). :class:`Unreadable`
holds a source that gave no run, or a note on a run read twice or sharing a name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

METRICS = ("acc", "gen_tokens", "forward_passes", "sec_per_example")


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
