"""Data configs of the memory/reason sets and rule tagging, through ``load_splits``."""

from __future__ import annotations

from pathlib import Path

import pytest

from coconut.training.data.sources import load_splits

FIXTURES = Path(__file__).parents[2] / "data" / "fixtures" / "memory_reason"
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "memory_reason"


def test_strategyqa_config_reads_the_published_format(compose_cfg):
    sample = FIXTURES / "strategyqa_sample.json"
    cfg = compose_cfg(
        ["data=strategyqa", f"data.splits.train={sample}", f"data.splits.val={sample}"]
    )
    splits = load_splits(cfg.data)
    assert splits["train"]["step_kinds"] == [["memory", "reason"], ["memory", "memory", "reason"]]
    assert splits["val"]["answer"] == ["False", "True"]


def test_malformed_tags_fail_unless_a_fallback_is_set(compose_cfg):
    bad = FIXTURES / "strategyqa_malformed.json"
    overrides = ["data=strategyqa", f"data.splits.train={bad}", f"data.splits.val={bad}"]
    with pytest.raises(ValueError, match=r"example 0, field 'cot_steps\[1\]'"):
        load_splits(compose_cfg(overrides).data)
    splits = load_splits(compose_cfg([*overrides, "data.loader.fallback=reason"]).data)
    assert splits["train"]["step_kinds"][1] == ["reason", "reason"]


def test_tagging_by_rule(compose_cfg, toy_data_dir: Path, tmp_path: Path):
    splits = {s: toy_data_dir / f"{s}.json" for s in ("train", "val")}
    cfg = compose_cfg(
        ["data.tagging=prontoqa", "data.generate=null", f"paths.data_dir={tmp_path}",
         *(f"data.splits.{s}={p}" for s, p in splits.items()), "~data.splits.test"]
    )  # fmt: skip
    train = load_splits(cfg.data)["train"]
    # toy steps are derived "Alex is a X." sentences: all reason
    assert set(k for kinds in train["step_kinds"] for k in kinds) == {"reason"}


@pytest.mark.parametrize("name", ["strategyqa", "truthfulqa"])
def test_shared_files_through_the_config(compose_cfg, name: str):
    if not SHARED.is_dir():
        pytest.skip(f"no shared data at {SHARED}")
    cfg = compose_cfg([f"data={name}", f"data.root={SHARED}"])
    splits = load_splits(cfg.data)
    assert len(splits["train"]) == {"strategyqa": 1603, "truthfulqa": 632}[name]
    assert len(splits["val"]) == {"strategyqa": 687, "truthfulqa": 164}[name]
