"""End-to-end runs through ``train(cfg)`` on a tiny model and toy data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import torch
from kill_harness import Crash
from safetensors.torch import load_file

from coconut.curriculum import TokenizedExample, build_method
from coconut.methods import TABLE1_METHODS
from coconut.training.data.tokenizing import ContextLengthError
from coconut.training.run.checkpoints import CheckpointMismatchError
from coconut.training.train import train, warn_short_curriculum


@pytest.mark.parametrize("method", TABLE1_METHODS)
def test_fast_dev_run_of_every_method(tiny_cfg, method):
    results = train(tiny_cfg(f"method={method}", "debug=fast_dev_run"))
    assert results["method"] == method and results["global_step"] == 1
    assert 0.0 <= results["val"]["acc"] <= 1.0 and results["val"]["num_examples"] == 8


def _metric_rows(run_dir: Path) -> list[dict]:
    (path,) = run_dir.glob("csv/version_0/metrics.csv")
    return list(csv.DictReader(path.open()))


@pytest.mark.slow
def test_staged_run_writes_results_config_checkpoints_and_metrics(tiny_cfg, tmp_path):
    cfg = tiny_cfg("logger=csv", "trainer.max_epochs=4", "optimizer.lr=3e-3")
    results = train(cfg)
    run = tmp_path / "run"
    assert json.loads((run / "results.json").read_text()) == results
    assert (run / "config.yaml").is_file() and (run / "model" / "coconut.json").is_file()
    assert (run / "checkpoints" / "last.ckpt").is_file()
    assert (run / "curves.png").is_file()
    assert results["epochs"] == 4 and results["eval_stage"] == 3  # passed every stage
    if results["best_val_acc"] == 0:  # no better than any other epoch: the last weights
        assert results["val_acc_always_zero"] and results["checkpoint"] == "last weights"
    else:
        assert "best-epoch003" in results["checkpoint"]  # the only final-stage epoch
    rows = _metric_rows(run)
    stages = {int(r["epoch"]): float(r["curriculum/stage"]) for r in rows if r["curriculum/stage"]}
    assert stages == {0: 0.0, 1: 1.0, 2: 2.0, 3: 3.0}
    assert any(r["train/loss"] for r in rows) and any(r["val/acc"] for r in rows)
    # final stage: 2 latent thoughts counted with the generated tokens, so >= 3
    assert results["test"]["gen_tokens"] >= 3 and results["test"]["num_examples"] == 8
    assert results["test"]["forward_passes"] >= results["test"]["gen_tokens"] - 2


RESUME = (
    "trainer.max_epochs=4",
    "method.epochs_per_stage=2",
    "method.uniform_prob=0.3",
    "checkpoint.every_n_train_steps=3",
    "model.arch.resid_pdrop=0.1",
    "optimizer.lr=3e-3",
    "eval.max_new_tokens=8",
)


def _final_state(run: Path) -> dict:
    return torch.load(run / "checkpoints" / "last.ckpt", weights_only=True)


# 4 batches (steps) an epoch, last.ckpt every 3 steps: the crash at step 7 resumes from step 6
# (mid epoch 1, stage 0), the one at step 10 from step 9 (mid epoch 2, just after the
# optimizer reset of stage 1).
@pytest.mark.slow
@pytest.mark.parametrize(("crash_step", "saved_step"), [(7, 6), (10, 9)])
def test_killed_run_resumes_to_the_same_weights(tiny_cfg, tmp_path, crash_step, saved_step):
    reference = train(tiny_cfg(*RESUME, f"paths.output_dir={tmp_path / 'ref'}"))
    cfg = tiny_cfg(*RESUME)
    with pytest.raises(RuntimeError, match="simulated crash"):
        train(cfg, callbacks=[Crash(crash_step)])
    killed = torch.load(tmp_path / "run/checkpoints/last.ckpt", weights_only=True)
    assert killed["global_step"] == saved_step
    assert killed["loops"]["fit_loop"]["epoch_loop.batch_progress"]["current"]["ready"] > 0
    resumed = train(cfg)  # the documented command: the same one again (resume=auto)
    assert resumed["resumed_from"].endswith("last.ckpt")
    assert resumed["global_step"] == reference["global_step"] == 16
    ref, res = _final_state(tmp_path / "ref"), _final_state(tmp_path / "run")
    for key, value in ref["state_dict"].items():
        torch.testing.assert_close(res["state_dict"][key], value, rtol=0, atol=0)
    ref_opt, res_opt = ref["optimizer_states"][0]["state"], res["optimizer_states"][0]["state"]
    for index, state in ref_opt.items():
        torch.testing.assert_close(res_opt[index]["exp_avg"], state["exp_avg"], rtol=0, atol=0)
        assert res_opt[index]["step"] == state["step"]
    assert resumed["test"] == {
        **reference["test"],
        "sec_per_example": resumed["test"]["sec_per_example"],
    }


@pytest.mark.slow
def test_resume_refuses_a_changed_config(tiny_cfg):
    with pytest.raises(RuntimeError, match="simulated crash"):
        train(tiny_cfg(*RESUME), callbacks=[Crash(5)])
    with pytest.raises(ValueError, match=r"belongs to another run: changed optimizer\.lr"):
        train(tiny_cfg(*RESUME[:-2], "optimizer.lr=1e-3", "eval.max_new_tokens=8"))
    with pytest.raises(ValueError, match="resume=auto continues that run"):
        train(tiny_cfg(*RESUME, "resume=never"))


def test_sequences_longer_than_the_context_fail_early(tiny_cfg):
    with pytest.raises(ContextLengthError, match=r"split 'train', example 0: training sequence"):
        train(tiny_cfg("model.arch.n_positions=48"))


@pytest.mark.slow
def test_init_from_a_checkpoint_and_a_mismatched_one(tiny_cfg, tmp_path):
    first = tmp_path / "first"
    train(tiny_cfg("debug=fast_dev_run", f"paths.output_dir={first}"))
    weights = (
        torch.load(first / "model" / "model.safetensors", weights_only=True) if False else None
    )
    del weights
    second = tmp_path / "second"
    results = train(
        tiny_cfg("trainer.max_epochs=0", "eval_only=true", f"init_from={first / 'model'}",
                 f"paths.output_dir={second}")
    )  # fmt: skip
    assert results["global_step"] == 0
    a, b = (
        load_file(first / "model/model.safetensors"),
        load_file(second / "model/model.safetensors"),
    )
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    with pytest.raises(CheckpointMismatchError, match="shape mismatches"):
        train(tiny_cfg("model.arch.n_embd=64", f"init_from={first / 'model'}",
                       f"paths.output_dir={tmp_path / 'third'}"))  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(
    ("method", "reset", "adam_steps"),
    [("coconut", "true", 4), ("coconut", "false", 16), ("cot", "true", 16)],
)
def test_optimizer_is_reset_only_at_stage_switches(tiny_cfg, tmp_path, method, reset, adam_steps):
    # 4 epochs of 4 steps; coconut changes stage every epoch, cot never does.
    cfg = tiny_cfg(f"method={method}", f"method.reset_optimizer_on_stage={reset}",
                   "trainer.max_epochs=4", "eval.max_new_tokens=4")  # fmt: skip
    train(cfg)
    ckpt = torch.load(tmp_path / "run/checkpoints/last.ckpt", weights_only=True)
    steps = {int(s["step"]) for s in ckpt["optimizer_states"][0]["state"].values()}
    assert ckpt["global_step"] == 16 and steps == {adam_steps}


def test_short_curriculum_is_warned(caplog):
    steps = [[1], [2], [3], [4]]
    examples = [TokenizedExample(question=[5], steps=steps[:n], answer=[6]) for n in (3, 4)]
    short = build_method(name="coconut", max_latent_stage=2)
    assert warn_short_curriculum(short, examples)
    assert "up to 4 steps" in caplog.text and "keep 2 step(s)" in caplog.text
    assert not warn_short_curriculum(build_method(name="coconut", max_latent_stage=4), examples)
    assert not warn_short_curriculum(build_method(name="cot"), examples)


def test_val_acc_zero_at_every_epoch_falls_back_to_the_last_weights(tiny_cfg, tmp_path, caplog):
    """lr=0 keeps the random init: val/acc is 0 at every epoch, so no 'best' is trusted."""
    results = train(tiny_cfg("trainer.max_epochs=4", "optimizer.lr=0.0"))
    assert results["best_val_acc"] == 0.0 and results["val_acc_always_zero"]
    assert results["checkpoint"] == "last weights" and results["eval_stage"] == 3
    assert "val/acc was 0 at every final-stage epoch" in caplog.text
    last = torch.load(tmp_path / "run" / "checkpoints" / "last.ckpt", weights_only=True)
    exported = load_file(tmp_path / "run" / "model" / "model.safetensors")
    name = next(iter(exported))
    assert torch.equal(exported[name], last["state_dict"][f"model.base_causallm.{name}"])
