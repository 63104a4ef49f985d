"""Errors a person can read: each names the key, file or path, and comes before any work."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from lightning.pytorch.callbacks import Callback

from coconut.console import describe
from coconut.data.cli import main as data_main
from coconut.data.io import load_examples
from coconut.data.schema import DataValidationError
from coconut.hydra_app import CONFIG_DIR
from coconut.training.data.sources import load_splits
from coconut.training.evaluate import evaluate
from coconut.training.run.checkpoints import CheckpointMismatchError
from coconut.training.train import train

ROOT = Path(__file__).resolve().parents[2]


def _compose(name: str, *overrides: str):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose(name, overrides=list(overrides))


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("seed=abc", r"seed: expected int, got 'abc'"),
        ("trainer.max_epochs=abc", r"trainer.max_epochs: expected int or null, got 'abc'"),
        ("optimizer.lr=fast", r"optimizer.lr: expected int or float, got 'fast'"),
        ("checkpoint.every_n_train_steps=1.5", r"checkpoint.every_n_train_steps: expected int"),
        ("finished=again", r"finished: must be one of"),
        ("trainer.accelerator=gpu", r"trainer.accelerator=gpu: no GPU on this machine"),
        ("trainer.max_epochs=0", r"trainer.max_epochs=0: this launch would train zero steps"),
        ("trainer.max_steps=0", r"trainer.max_steps=0: .* or pass eval_only=true"),
        ("trainer.limit_train_batches=0", r"trainer.limit_train_batches=0: .*zero steps"),
        ("eval_only=yes", r"eval_only: expected bool, got 'yes'"),
    ],
)
def test_config_errors_name_the_key_before_any_work(tiny_cfg, tmp_path, override, message):
    with pytest.raises(ValueError, match=message):
        train(tiny_cfg(override))
    assert not (tmp_path / "run").exists()  # not even the run directory


def _script(entry: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    code = f"from coconut.training.cli import {entry}; {entry}()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )  # fmt: skip


def test_console_scripts_print_one_line_and_a_hint(tmp_path):
    proc = _script("train_main", "seed=abc", f"paths.output_dir={tmp_path / 'run'}")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "error: seed: expected int, got 'abc' (str)",
        "(set HYDRA_FULL_ERROR=1 to see the full traceback)",
    ]
    full = _script("train_main", "seed=abc", f"paths.output_dir={tmp_path / 'run'}",
                   HYDRA_FULL_ERROR="1")  # fmt: skip
    assert (
        full.returncode == 1 and "Traceback" in full.stderr and "seed: expected int" in full.stderr
    )
    bare = _script("eval_main")
    assert bare.returncode == 1 and bare.stderr.startswith("error: run_dir: missing. Usage:")
    assert len(bare.stderr.splitlines()) == 2
    missing = _script("eval_main", f"run_dir={tmp_path / 'nowhere'}")
    assert missing.stderr.startswith(f"error: run_dir={tmp_path / 'nowhere'}: no such directory")
    assert not (tmp_path / "nowhere").exists()  # not created to hold a log


def test_disk_full_and_permission_errors_name_the_reason_and_path():
    full = OSError(errno.ENOSPC, "No space left on device", "/runs/a/checkpoints/.last.ckpt.x.tmp")
    try:
        try:
            raise full
        except OSError as err:
            raise RuntimeError("PytorchStreamWriter failed writing file data/0") from err
    except RuntimeError as wrapped:
        assert describe(wrapped) == (
            "no space left on device while writing /runs/a/checkpoints/.last.ckpt.x.tmp"
        )
    denied = PermissionError(errno.EACCES, "Permission denied", "/runs/ro/.lock")
    assert describe(denied) == "permission denied while writing /runs/ro/.lock"


def test_non_utf8_data_is_named_with_its_byte_offset(tmp_path, capsys):
    path = tmp_path / "latin1.json"
    path.write_bytes('[{"question": "caf\u00e9?", "steps": [], "answer": "x"}]'.encode("latin-1"))
    with pytest.raises(DataValidationError, match=r"latin1.json.*byte 0xe9 at byte offset 18"):
        load_examples(path)
    assert data_main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    assert "byte offset 18" in captured.out + captured.err


def test_zero_byte_last_checkpoint_is_named(tiny_cfg, tmp_path):
    class Crash(Callback):
        def on_train_batch_start(self, trainer, *args) -> None:
            if trainer.global_step == 3:
                raise RuntimeError("simulated crash")

    with pytest.raises(RuntimeError, match="simulated crash"):
        train(tiny_cfg("checkpoint.every_n_train_steps=2"), callbacks=[Crash()])
    last = tmp_path / "run" / "checkpoints" / "last.ckpt"
    last.write_bytes(b"")
    with pytest.raises(CheckpointMismatchError, match=r"last.ckpt is empty \(0 bytes\)"):
        train(tiny_cfg("checkpoint.every_n_train_steps=2"))


def _generated_data(tmp_path: Path, *overrides: str):
    cfg = _compose("train", "data=prontoqa_tiny", f"paths.data_dir={tmp_path / 'data'}",
                   "data.sizes.train=8", "data.sizes.val=4", "data.sizes.test=4",
                   *overrides)  # fmt: skip
    return cfg.data


def test_a_typod_split_path_is_an_error_not_a_new_dataset(tmp_path):
    typo = tmp_path / "dta" / "train.json"
    with pytest.raises(FileNotFoundError, match=rf"data.splits.train={typo}: no such file"):
        load_splits(_generated_data(tmp_path, f"data.splits.train={typo}"))
    assert not typo.exists()


@pytest.mark.parametrize("split", ["train", "val"])
def test_an_empty_split_file_is_named_not_the_tokenizer(tiny_cfg, tmp_path, split):
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    with pytest.raises(ValueError, match="holds no examples") as err:
        train(tiny_cfg(f"data.splits.{split}={empty}"))
    assert str(err.value).startswith(f"data.splits.{split}={empty}: ")
    assert "tokenizer" not in str(err.value)
    assert not (tmp_path / "run" / "tokenizer").exists()


def test_generated_files_of_another_size_or_seed_are_reported(tmp_path):
    load_splits(_generated_data(tmp_path))  # generates train/valid/test with .meta.json
    meta = json.loads((tmp_path / "data" / "prontoqa_tiny" / "train.meta.json").read_text())
    generate = {"_target_": "coconut.data.generate_prontoqa", "_partial_": True, "hops": 3,
                "distractors": False}  # fmt: skip
    assert meta == {"n": 8, "seed": 0, "split": "train", "generate": generate}
    with pytest.raises(ValueError, match=r"data.sizes.train=16, but .*train.json was generated"):
        load_splits(_generated_data(tmp_path, "data.sizes.train=16"))
    with pytest.raises(ValueError, match=r"data.seeds.val=5, but .*valid.json was generated"):
        load_splits(_generated_data(tmp_path, "data.seeds.val=5"))


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory, make_records, tiny_args, compose_cfg):
    root = tmp_path_factory.mktemp("finished")
    for split, (n, seed) in {"train": (16, 0), "val": (8, 1), "test": (8, 2)}.items():
        (root / f"{split}.json").write_text(json.dumps(make_records(n, seed=seed)))
    train(compose_cfg([*tiny_args(root, root / "run"), "trainer.max_epochs=1"]))
    return root / "run"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("stage=9", r"stage=9: past the run's last stage \(3"),
        ("latents=7", r"latents=7: the run trains at most 3 latent thoughts"),
        ("split_path=/no/such.json", r"split_path=/no/such.json: no such file"),
    ],
)
def test_coconut_eval_refuses_bad_arguments(finished_run, override, message):
    with pytest.raises((ValueError, FileNotFoundError), match=message):
        evaluate(_compose("eval", f"run_dir={finished_run}", override))


def test_coconut_eval_takes_a_number_of_latents(finished_run, tmp_path):
    scored = evaluate(_compose("eval", f"run_dir={finished_run}", "latents=2", "split=val",
                               "max_new_tokens=2", f"output={tmp_path / 'o.json'}"))  # fmt: skip
    assert scored["stage"] == 2 and scored["gen_tokens"] >= 2
