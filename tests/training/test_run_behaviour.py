"""Runs behave as a user expects: a finished run is left alone unless asked, a resumed run
keeps its W&B run, and every epoch's metrics reach the log."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import pytest
import torch
from omegaconf import OmegaConf
from transformers import AutoModelForCausalLM

from coconut.training.lightning.loggers import build_loggers
from coconut.training.train import train


def _epochs_in_csv(run: Path) -> list[int]:
    (path,) = run.glob("csv/version_*/metrics.csv")
    rows = csv.DictReader(path.open())
    return sorted({int(r["epoch"]) for r in rows if r.get("curriculum/stage")})


def test_repeating_a_finished_run_changes_nothing_unless_asked(tiny_cfg, tmp_path, caplog):
    first = train(tiny_cfg("trainer.max_epochs=2", "eval.max_new_tokens=4", "logger=csv"))
    results = tmp_path / "run" / "results.json"
    saved, mtime = results.read_bytes(), results.stat().st_mtime_ns
    with caplog.at_level(logging.INFO):
        again = train(tiny_cfg("trainer.max_epochs=2", "eval.max_new_tokens=4", "logger=csv"))
    assert again == first and results.read_bytes() == saved and results.stat().st_mtime_ns == mtime
    assert "has already finished" in caplog.text and str(results) in caplog.text

    extended = train(
        tiny_cfg("trainer.max_epochs=3", "eval.max_new_tokens=4", "finished=extend", "logger=csv")
    )  # fmt: skip
    assert extended["global_step"] == 12 and extended["run_id"] == first["run_id"]
    assert _epochs_in_csv(tmp_path / "run") == [0, 1, 2]  # one history over both launches
    assert extended["train_seconds"] > first["train_seconds"]  # every launch counted

    redone = train(tiny_cfg("trainer.max_epochs=2", "eval.max_new_tokens=4", "finished=redo"))
    assert redone["global_step"] == 8 and redone["run_id"] != first["run_id"]
    assert redone["val"]["acc"] == first["val"]["acc"]


def test_every_epoch_is_logged_with_its_stage_and_metrics(tiny_cfg, caplog):
    progress = "coconut.training.lightning.progress"
    with caplog.at_level(logging.INFO, logger=progress):
        train(tiny_cfg("trainer.max_epochs=3", "eval.max_new_tokens=4"))
    lines = [r.getMessage() for r in caplog.records if r.name == progress]
    assert [line.split(":")[0] for line in lines] == [
        "epoch 0 (stage 0, step 4)", "epoch 1 (stage 1, step 8)", "epoch 2 (stage 2, step 12)",
    ]  # fmt: skip
    assert all("train/loss" in line and "val/acc" in line for line in lines)


def test_wandb_continues_the_run_of_the_same_id(tmp_path, monkeypatch):
    monkeypatch.setenv("WANDB_MODE", "offline")
    target = "lightning.pytorch.loggers.WandbLogger"
    entry = {"_target_": target, "project": "t", "save_dir": str(tmp_path), "offline": "auto"}
    cfg = OmegaConf.create({"wandb": entry})
    (logger,) = build_loggers(cfg, {"seed": 0}, run_id="abc123def456")
    assert logger.experiment.id == "abc123def456"
    assert logger._wandb_init["resume"] == "allow"
    logger.experiment.finish()


def test_runs_in_one_process_each_log_to_their_own_wandb_run(tiny_cfg, tmp_path, monkeypatch):
    """A multirun sweep or a notebook trains several runs in one process."""
    import wandb

    monkeypatch.setenv("WANDB_MODE", "offline")
    run_ids = []
    for seed in (0, 1):
        out = tmp_path / f"seed{seed}"
        results = train(
            tiny_cfg("trainer.max_epochs=1", "eval.max_new_tokens=4", "logger=wandb",
                     f"seed={seed}", f"paths.output_dir={out}")
        )  # fmt: skip
        assert wandb.run is None  # closed when the run ended
        (folder,) = (out / "wandb").glob("offline-run-*")
        assert folder.name.endswith(results["run_id"])
        run_ids.append(results["run_id"])
    assert run_ids[0] != run_ids[1]


def test_eval_only_evaluates_the_initial_weights_and_training_then_replaces_it(tiny_cfg, tmp_path):
    quick = ("eval.max_new_tokens=4", "eval.final_split=val")
    trained = train(tiny_cfg("trainer.max_epochs=1", *quick))
    assert trained["eval_stage"] == 0 and not trained["eval_only"]
    with pytest.raises(ValueError, match=r"eval_only=true: .*results.json holds the results of"):
        train(tiny_cfg("trainer.max_epochs=0", "eval_only=true", *quick))
    (tmp_path / "run" / "results.json").unlink()  # as if killed before the final evaluation
    with pytest.raises(ValueError, match=r"eval_only=true: .*last.ckpt is a training checkpoint"):
        train(tiny_cfg("eval_only=true", *quick))

    other = tmp_path / "evaluated"
    source = tmp_path / "run" / "model"
    scored = train(tiny_cfg(f"paths.output_dir={other}", f"init_from={source}", "eval.stage=0",
                            "eval_only=true", *quick))  # fmt: skip
    assert (scored["global_step"], scored["epochs"], scored["eval_only"]) == (0, 0, True)
    assert scored["checkpoint"] == "initial weights"
    assert scored["val"]["acc"] == trained["val"]["acc"]  # the init_from weights, unchanged
    assert not (other / "checkpoints" / "last.ckpt").exists()
    saved = AutoModelForCausalLM.from_pretrained(other / "model").state_dict()
    for key, value in AutoModelForCausalLM.from_pretrained(source).state_dict().items():
        torch.testing.assert_close(saved[key], value)

    again = train(tiny_cfg(f"paths.output_dir={other}", f"init_from={source}", "eval.stage=0",
                           "trainer.max_epochs=1", *quick))  # fmt: skip
    assert again["global_step"] == 4 and not again["eval_only"]  # not "already finished"


def test_extending_a_finished_run_by_zero_epochs_is_refused(tiny_cfg):
    train(tiny_cfg("trainer.max_epochs=1", "eval.max_new_tokens=4", "eval.final_split=val"))
    refused = r"trainer.max_epochs=1: run .* has already trained 1 epoch\(s\)"
    with pytest.raises(ValueError, match=refused):
        train(tiny_cfg("trainer.max_epochs=1", "finished=extend"))
