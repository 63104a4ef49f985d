"""End to end on a tiny model: a CoT run, a Q-value run, then coconut-search on both."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

from coconut.hydra_app import CONFIG_DIR
from coconut.search.cli import run_search
from coconut.search.config import SearchConfigError
from coconut.search.qvalue_train import train_qvalue
from coconut.training.train import train

REPO = Path(__file__).resolve().parents[2]


def _compose(name: str, overrides: list[str]):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose(name, overrides=overrides)


@pytest.fixture(scope="module")
def policy_run(tmp_path_factory, prosqa_records, compose_cfg, tiny_args):
    root = tmp_path_factory.mktemp("e2e")
    data = root / "data"
    data.mkdir()
    for split, (lo, hi) in {"train": (0, 40), "val": (40, 48), "test": (48, 56)}.items():
        (data / f"{split}.json").write_text(json.dumps(prosqa_records[lo:hi]))
    overrides = [*tiny_args(data, root / "cot"), "method=cot", "debug=fast_dev_run"]
    overrides += ["model.arch.n_positions=1024", "model.tokenizer_vocab_size=600"]
    train(compose_cfg(overrides))
    return root / "cot"


@pytest.mark.slow
def test_oracle_astar_writes_a_results_json_like_training_runs(policy_run, tmp_path):
    out = tmp_path / "astar"
    cfg = _compose(
        "search",
        [f"policy={policy_run}", "search=astar", "search.value=oracle",
         "search.proposer=enumerate", "limit=4", f"paths.output_dir={out}"],
    )  # fmt: skip
    results = run_search(cfg)
    assert json.loads((out / "results.json").read_text()) == results
    assert results["method"] == "search-astar" and results["data"] == "toy"
    assert results["model"] == "tiny" and results["seed"] == 0
    assert results["test"]["acc"] == 1.0 and results["test"]["num_examples"] == 4
    assert results["test"]["gen_tokens"] == 0  # the enumerate proposer never asks the policy
    predictions = json.loads((out / "predictions.json").read_text())
    assert [p["correct"] for p in predictions] == [True] * 4


@pytest.mark.slow
def test_a_second_policy_with_the_same_settings_keeps_the_first_results(policy_run, tmp_path):
    second = shutil.copytree(policy_run, tmp_path / "second")
    identity = json.loads((second / "identity.json").read_text())
    (second / "identity.json").write_text(json.dumps({**identity, "run_id": "second000000"}))
    log_dir = tmp_path / "searches"
    for policy in (policy_run, second):
        cfg = _compose(
            "search",
            [f"policy={policy}", "search=astar", "search.value=oracle",
             "search.proposer=enumerate", "limit=2", f"paths.log_dir={log_dir}"],
        )  # fmt: skip
        run_search(cfg)
    found = sorted(log_dir.glob("*/results.json"))
    assert len(found) == 2  # two policies' searches write two runs, neither overwritten
    ids = {json.loads(p.read_text())["policy_run_id"] for p in found}
    assert ids == {identity["run_id"], "second000000"}
    assert all((p.parent / "search.log").is_file() for p in found)
    assert not list(log_dir.rglob(".hydra"))


@pytest.mark.slow
def test_qvalue_training_then_learned_astar_and_baselines(policy_run, tmp_path):
    qrun = tmp_path / "qvalue"
    qcfg = _compose(
        "qvalue",
        [f"policy={policy_run}", "data.limit=6", "labels.rollouts=2", "labels.trajectories=1",
         "labels.max_new_tokens=16", "trainer.max_epochs=1", f"paths.output_dir={qrun}"],
    )  # fmt: skip
    results = train_qvalue(qcfg)
    assert len(results["run_id"]) == 12 and results["policy_run_id"]
    lines = (qrun / "labels.jsonl").read_text().splitlines()
    assert (
        len(lines) == results["labels"]["states"] == results["train_states"] + results["val_states"]
    )
    assert results["labels"]["policy_tokens"] > 0 and 0 <= results["val"]["acc"] <= 1
    assert results["labels"]["seconds"] > 0
    assert (qrun / "model" / "value_head.safetensors").is_file()
    for search in ("astar", "beam", "best_of_n", "greedy"):
        out = tmp_path / search
        cfg = _compose(
            "search",
            [f"policy={policy_run}", f"value={qrun}", f"search={search}", "search_preset=prosqa",
             "limit=2", "search.max_expansions=2", "search.max_step_tokens=6",
             "search.max_new_tokens=12", "search.n=2", "search.width=2", "search.top_k=2",
             "search.max_depth=2", f"paths.output_dir={out}"],
        )  # fmt: skip
        metrics = run_search(cfg)["test"]
        assert metrics["num_examples"] == 2 and metrics["gen_tokens"] > 0
        # one value call per expansion that found candidates; one per best-of-N batch
        expected_value_passes = {"greedy": 0.0, "best_of_n": 1.0}
        if search in expected_value_passes:
            assert metrics["value_forward_passes"] == expected_value_passes[search]
        else:
            assert metrics["value_forward_passes"] <= metrics["expansions"]


@pytest.mark.slow
def test_learned_value_without_a_value_run_is_a_config_error(policy_run, tmp_path):
    cfg = _compose("search", [f"policy={policy_run}", "search=beam"])
    with pytest.raises(SearchConfigError, match="value="):
        run_search(cfg)


@pytest.mark.slow
def test_console_app_reports_invalid_lambda_by_key(policy_run, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "HYDRA_FULL_ERROR": "1"}
    args = [sys.executable, "-m", "coconut.search.cli", f"policy={policy_run}",
            "search.value=oracle", "search.lam=-1", f"paths.output_dir={tmp_path}"]  # fmt: skip
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode != 0 and "search.lam must be a number >= 0" in done.stderr
