"""Training inputs the study tools ran into: an empty split, a text file as ``init_from``,
a model config transformers refuses. Each is one line naming the key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from coconut.training.run.checkpoints import CheckpointMismatchError
from coconut.training.setup.model import arch_keys
from coconut.training.train import train

ROOT = Path(__file__).resolve().parents[3]


def test_an_empty_validation_split_is_named(tiny_cfg, toy_data_dir, tmp_path):
    (toy_data_dir / "val.json").write_text("[]")
    with pytest.raises(
        ValueError, match=r"data\.splits\.val=.*val\.json: the file holds no examples"
    ) as info:
        train(tiny_cfg())
    assert "\n" not in str(info.value)
    assert not (tmp_path / "run" / "results.json").exists()


@pytest.mark.slow
def test_init_from_a_text_file_says_it_is_no_checkpoint(tiny_cfg, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello, these are notes\n")
    with pytest.raises(CheckpointMismatchError) as info:
        train(tiny_cfg(f"init_from={text}"))
    message = str(info.value)
    assert message.startswith(f"init_from={text}: cannot read checkpoint {text}: not a PyTorch")
    assert "takes a .ckpt written by coconut-train or a save_pretrained directory" in message
    assert "\n" not in message


def test_arch_keys_names_the_keys_of_the_message():
    arch = {"_target_": "transformers.GPT2Config", "n_layer": 4, "n_head": 4, "n_embd": 30}
    message = "`embed_dim` must be divisible by num_heads (got `embed_dim`: 30 and `num_heads`: 4)."
    assert arch_keys(arch, message) == "model.arch.n_embd=30, model.arch.n_head=4"
    assert arch_keys(arch, "something else") == (
        "model.arch.n_layer=4, model.arch.n_head=4, model.arch.n_embd=30"
    )


@pytest.mark.slow
def test_a_model_config_transformers_refuses_is_one_line(tiny_args, toy_data_dir, tmp_path):
    args = [
        *tiny_args(toy_data_dir, tmp_path / "run"),
        "model.arch.n_embd=30",
        "model.arch.n_head=4",
    ]
    code = "from coconut.training.cli import train_main; train_main()"
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"},
    )  # fmt: skip
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert len(lines) == 2, proc.stderr[-2000:]
    assert lines[0].startswith(
        "error: model.arch: transformers refuses this model config "
        "(model.arch.n_embd=30, model.arch.n_head=4): "
    )
    assert "divisible by num_heads" in lines[0] and lines[1].startswith("(set HYDRA_FULL_ERROR")
