"""Resume checks identity: foreign checkpoints refused, changed keys named, moved runs work."""

from __future__ import annotations

import json
import shutil

import pytest
import torch
from kill_harness import Crash, rising_val_acc

from coconut.training.run.identity import IdentityMismatchError, changed_keys, read_identity
from coconut.training.train import train

RUN = ("trainer.max_epochs=4", "checkpoint.every_n_train_steps=2", "eval.max_new_tokens=4")


def _crashed_run(tiny_cfg, *overrides: str) -> None:
    with pytest.raises(RuntimeError, match="simulated crash"):
        train(tiny_cfg(*RUN, *overrides), callbacks=[Crash(6)])


def test_changed_keys_are_dotted_and_complete():
    before = {"seed": 0, "data": {"sha256": {"train": "a", "val": "b"}}, "init_from": None}
    now = {"seed": 1, "data": {"sha256": {"train": "c", "val": "b"}}, "init_from": "x.ckpt"}
    assert changed_keys(before, now) == ["data.sha256.train", "init_from", "seed"]


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("seed=1", "seed"),
        ("method.c_thought=2", "method.c_thought"),
        ("model.tokenizer_vocab_size=300", "model.tokenizer_vocab_size"),
        ("data.batch_size=4", "effective_batch"),
        ("init_from=elsewhere.ckpt", "init_from"),
    ],
)
def test_a_changed_frozen_key_is_named_and_config_yaml_is_kept(tiny_cfg, tmp_path, override, key):
    _crashed_run(tiny_cfg)
    config = (tmp_path / "run" / "config.yaml").read_text()
    with pytest.raises(IdentityMismatchError, match=rf"changed .*{key}"):
        train(tiny_cfg(*RUN, override))
    assert (tmp_path / "run" / "config.yaml").read_text() == config  # no false claim


def test_changed_data_content_is_named(tiny_cfg, tmp_path, toy_data_dir, make_records):
    _crashed_run(tiny_cfg)
    train_file = toy_data_dir / "train.json"
    train_file.write_text(json.dumps(make_records(32, seed=9)))
    with pytest.raises(IdentityMismatchError, match=r"changed data\.sha256\.train"):
        train(tiny_cfg(*RUN))


def test_another_runs_checkpoint_is_refused_unless_used_to_initialise(tiny_cfg, tmp_path):
    _crashed_run(tiny_cfg)
    foreign = tmp_path / "run" / "checkpoints" / "last.ckpt"
    other = f"paths.output_dir={tmp_path / 'other'}"
    with pytest.raises(IdentityMismatchError, match=r"changed .*run_id.*init_from=") as err:
        train(tiny_cfg(*RUN, other, f"resume={foreign}", "method=cot", "seed=5"))
    assert "method.name" in str(err.value) and "seed" in str(err.value)
    assert not (tmp_path / "other" / "results.json").exists()
    assert not (tmp_path / "other" / "config.yaml").exists()
    results = train(tiny_cfg(*RUN, other, f"init_from={foreign}", "trainer.max_epochs=1"))
    assert results["global_step"] == 4 and results["resumed_from"] is None


def test_a_moved_run_directory_resumes_from_its_own_checkpoints(tiny_cfg, tmp_path, monkeypatch):
    rising_val_acc(monkeypatch.setattr)  # a real best (the tiny model scores 0 throughout)
    train(tiny_cfg(*RUN, "trainer.max_epochs=4"))  # finished, with a best checkpoint
    moved = tmp_path / "moved"
    shutil.copytree(tmp_path / "run", moved)
    shutil.rmtree(tmp_path / "run")  # nothing left at the old place
    (moved / "results.json").unlink()  # as if killed after fit
    state = torch.load(moved / "checkpoints" / "last.ckpt", weights_only=True)
    (best_state,) = [v for k, v in state["callbacks"].items() if k.startswith("FinalStageBest")]
    assert best_state["best_model_path"].startswith("best-epoch003")  # relative to the dir
    results = train(tiny_cfg(*RUN, f"paths.output_dir={moved}"))
    assert results["checkpoint"].startswith("checkpoints/best-epoch003")
    assert (moved / results["checkpoint"]).is_file()
    assert read_identity(moved)["run_id"] == results["run_id"]
