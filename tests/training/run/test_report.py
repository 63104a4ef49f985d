"""The embedded default, shortened (a few steps, tiny width), end to end: training, the
final test, and the report of ``report.superposition`` (the renamed copy, the probe, the
yardsticks, the summary)."""

from __future__ import annotations

import json
import logging

import pytest

from coconut.data.io import read_records
from coconut.training.run.report import INNER_GROUPS, REPORT_KEYS, YARDSTICK_KEYS
from coconut.training.train import train

SHORT = [
    "logger=none", "trainer.enable_progress_bar=false", "trainer.enable_model_summary=false",
    "model.arch.n_embd=32", "model.arch.n_head=2", "data.sizes.train=32", "data.sizes.val=8",
    "data.sizes.test=12", "data.batch_size=16", "method.epochs_per_stage=1",
    "trainer.max_epochs=5",
]  # fmt: skip


@pytest.mark.slow
def test_the_shortened_default_writes_the_probe_figure_and_the_summary(
    tmp_path, compose_cfg, caplog
):
    run = tmp_path / "run"
    cfg = compose_cfg([*SHORT, f"paths.output_dir={run}", f"paths.data_dir={tmp_path / 'data'}"])
    assert cfg.data.name == "prosqa_symbolic_default" and cfg.report.superposition
    with caplog.at_level(logging.INFO, logger="coconut.training.train"):
        results = train(cfg)
    report = results["report"]
    assert set(report) == set(REPORT_KEYS)
    assert set(report["yardsticks"]) == set(YARDSTICK_KEYS)
    for value in (report["renamed_acc"], report["test_acc"], *report["yardsticks"].values()):
        assert isinstance(value, float) and 0.0 <= value <= 1.0
    assert report["test_acc"] == results["test"]["acc"] and report["examples"] == 12
    test = read_records(cfg.data.splits.test)
    longest = max(len(record["steps"]) for record in test)  # 1-3 step paths
    assert list(report["inner_product"]) == [str(k) for k in range(1, longest + 1)]
    for groups in report["inner_product"].values():
        assert set(groups) == set(INNER_GROUPS)
    assert json.loads((run / "results.json").read_text())["report"] == report

    renamed = read_records(run / report["renamed_split"])
    assert report["renamed_split"] == "eval/test_renamed.json"
    assert len(renamed) == len(test) and renamed != test
    assert [r["edges"] != t["edges"] for r, t in zip(renamed, test, strict=True)].count(True) > 0
    scored = [p for p in (run / "eval").glob("test_renamed-*-stage*.json")]
    assert len(scored) == 1 and json.loads(scored[0].read_text())["acc"] == report["renamed_acc"]

    assert (report["probe"], report["figure"]) == (
        "probe/superposition.json", "probe/superposition.png"
    )  # fmt: skip
    assert (run / "probe" / "superposition.png").stat().st_size > 0
    probe = json.loads((run / "probe" / "superposition.json").read_text())
    assert probe["num_examples"] == 12 and probe["mode"] == "bare"
    assert "test accuracy" in caplog.text and "edge-walker" in caplog.text
    assert "thought 1:" in caplog.text and "renamed" in caplog.text
