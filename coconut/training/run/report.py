"""The report of a symbolic ProsQA run (``report.superposition=true``): does it read the graph?

After training and the final evaluation, :func:`superposition_report` asks of the run's
own test split what the embedded default is meant to show:

- **a renamed copy**: the test graphs with every node renamed by a random permutation of
  its own ids (:func:`coconut.data.symbolic.relabel_records`, seed 0), written to
  ``<run>/eval/test_renamed.json`` and scored by ``coconut-eval``'s code
  (:func:`coconut.training.evaluate.evaluate`, results in ``<run>/eval/``). A model that
  reads the graph scores the same on both; one that learned the generator's numbering
  does not;
- **the superposition probe** of the test split (:mod:`coconut.probe.superposition`):
  ``<run>/probe/superposition.json`` and ``superposition.png``, as ``coconut-probe <run>
  --superposition`` writes them;
- **the yardsticks** of the same graphs (:mod:`coconut.analysis.yardsticks`): the larger
  option index (on the test split and on the renamed copy), the edge-walker and its
  1-hop lookahead.

The report (:data:`REPORT_KEYS`) goes into ``results.json`` under ``report``, and
:func:`format_report` is the summary printed with it. For each thought ``k`` it gives
the mean inner product of the thought with the embeddings of the path's node, of the
other frontier nodes (``k`` hops from the root) and of the unreached nodes (neither on
the frontier nor reached in fewer hops: the probe's ``other`` group).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from coconut.analysis.yardsticks import larger_option_share, yardsticks
from coconut.atomic import atomic_write_json
from coconut.data.io import read_records
from coconut.data.symbolic import relabel_records
from coconut.hydra_app import CONFIG_DIR
from coconut.probe.loading import load_for_probing
from coconut.probe.superposition_report import FIGURE, JSON, write_superposition
from coconut.rundir import RunDir
from coconut.training.evaluate import evaluate

log = logging.getLogger(__name__)

REPORT_KEYS = (
    "examples", "test_acc", "renamed_acc", "renamed_split", "yardsticks", "inner_product",
    "probe", "figure",
)  # fmt: skip
"""The keys of :func:`superposition_report`."""
YARDSTICK_KEYS = (
    "larger_option", "larger_option_renamed", "edge_walker", "edge_walker_lookahead_1",
)  # fmt: skip
"""The keys of the report's ``yardsticks``."""
INNER_GROUPS = {"path": "path", "frontier": "frontier", "unreached": "other"}
"""The report's ``inner_product`` groups and the probe's node group each one reads."""
RENAMED = "test_renamed.json"
RENAME_SEED = 0


def superposition_report(
    cfg: DictConfig, run_dir: Path, evaluated: dict[str, Any]
) -> dict[str, Any]:
    """The report of the run in ``run_dir``, whose ``model/`` and ``config.yaml`` are
    written and whose final evaluation is ``evaluated``.

    Raises:
        ValueError: for a test split that is not symbolic ProsQA with graph fields.
    """
    run = RunDir(run_dir)
    test_file = Path(str(cfg.data.splits.test))
    records = read_records(test_file)
    renamed = relabel_records(records, seed=RENAME_SEED, source=str(test_file))
    renamed_file = atomic_write_json(run.eval_dir / RENAMED, renamed)
    scored = evaluate(_eval_config(cfg, run_dir, renamed_file, evaluated["eval_stage"]))
    device = "cpu" if str(cfg.trainer.get("accelerator", "cpu")) == "cpu" else "auto"
    probed = load_for_probing(run.path, device)
    probe = write_superposition(
        probed, records, run.probe, data=str(test_file),
        progress=bool(cfg.trainer.get("enable_progress_bar", False)),
    )  # fmt: skip
    sticks = yardsticks(records)
    return {
        "examples": len(records),
        "test_acc": float(evaluated["test"]["acc"]),
        "renamed_acc": float(scored["acc"]),
        "renamed_split": run.relative(renamed_file),
        "yardsticks": {
            "larger_option": sticks["larger_option"],
            "larger_option_renamed": larger_option_share(renamed),
            "edge_walker": sticks["edge_walker"],
            "edge_walker_lookahead_1": sticks["edge_walker_lookahead_1"],
        },
        "inner_product": {
            str(k): {name: groups.get(group) for name, group in INNER_GROUPS.items()}
            for k, groups in probe["inner"].items()
        },
        "probe": run.relative(run.probe / JSON),
        "figure": run.relative(run.probe / FIGURE),
    }


def _eval_config(cfg: DictConfig, run_dir: Path, split_path: Path, stage: int) -> DictConfig:
    """``coconut-eval``'s config (the values of ``eval.yaml``) for ``split_path`` at
    ``stage``, with the run's trainer on one device, logging nothing."""
    defaults = OmegaConf.load(Path(CONFIG_DIR) / "eval.yaml")
    for key in ("defaults", "hydra", "run_dir"):
        defaults.pop(key, None)
    trainer = OmegaConf.create(OmegaConf.to_container(cfg.trainer, resolve=True))
    trainer.merge_with(defaults.pop("trainer", None) or {})
    trainer.merge_with({"logger": False, "enable_checkpointing": False, "devices": 1,
                        "num_nodes": 1, "strategy": "auto"})  # fmt: skip
    return OmegaConf.merge(defaults, {
        "run_dir": str(run_dir), "split_path": str(split_path), "stage": stage,
        "seed": int(cfg.seed), "trainer": trainer,
    })  # fmt: skip


def format_report(report: dict[str, Any]) -> str:
    """The summary printed at the end of a run with a report: accuracies beside the
    yardsticks, then each thought's inner products."""
    sticks = report["yardsticks"]
    renamed, walker = report["renamed_acc"], sticks["edge_walker"]
    lines = [
        f"report on the {report['examples']} test graphs (a coin flip between the two "
        "options scores 0.500):",
        f"  test accuracy {report['test_acc']:.3f}; on the same graphs renamed "
        f"{renamed:.3f} ({report['renamed_split']})",
        f"  yardsticks: larger option index {sticks['larger_option']:.3f} (renamed copy "
        f"{sticks['larger_option_renamed']:.3f}), edge-walker {walker:.3f}, edge-walker "
        f"with 1-hop lookahead {sticks['edge_walker_lookahead_1']:.3f}",
        f"  renamed-graph accuracy is {'above' if renamed > walker else 'NOT above'} the "
        "edge-walker: "
        + ("the model reads some of the graph" if renamed > walker
           else "no sign yet that the model reads the graph rather than the numbering"),
        "  thought . node embedding (mean inner product; frontier: the other nodes k hops "
        "from the root):",
    ]  # fmt: skip
    for k, groups in report["inner_product"].items():
        cells = ", ".join(
            f"{name} {'-' if value is None else f'{value:.2f}'}" for name, value in groups.items()
        )
        lines.append(f"    thought {k}: {cells}")
    lines.append(f"  probe figure: {report['figure']}")
    return "\n".join(lines)
