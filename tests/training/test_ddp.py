"""DDP on CPU: two gloo processes take the same first step as one process.

Every example has the same steps and answer (only the question, which carries no loss,
differs), so each row has the same number of labelled tokens and the mean loss over the
whole batch equals the mean of the two ranks' losses; the averaged gradients then equal
the whole batch's too.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import torch
from hydra import compose, initialize_config_dir
from safetensors.torch import load_file

from coconut.hydra_app import CONFIG_DIR
from coconut.training.train import train

STEPS = ["Alex is a yumpus.", "Alex is a zumpus."]
RUN = [
    "method=cot", "logger=csv", "trainer.max_steps=1", "trainer.log_every_n_steps=1",
    "eval.final_split=val", "eval.max_new_tokens=4",
]  # fmt: skip


def _first_loss(run: Path) -> float:
    (path,) = run.glob("csv/version_0/metrics.csv")
    rows = [r for r in csv.DictReader(path.open()) if r.get("train/loss")]
    return float(rows[0]["train/loss"])


@pytest.mark.skipif(shutil.which("coconut-train") is None, reason="coconut-train not installed")
@pytest.mark.slow
def test_two_cpu_processes_match_one(tmp_path, make_records, tiny_args):
    data = tmp_path / "same_steps"
    data.mkdir()
    for split, (n, seed) in {"train": (16, 0), "val": (4, 1), "test": (4, 2)}.items():
        records = [{**r, "steps": STEPS, "answer": "True"} for r in make_records(n, seed=seed)]
        (data / f"{split}.json").write_text(json.dumps(records))

    one = tmp_path / "one"
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose("train", [*tiny_args(data, one), *RUN, "data.batch_size=8"])
    train(cfg)

    two = tmp_path / "two"
    ddp = ["trainer=ddp", "trainer.accelerator=cpu", "trainer.devices=2", "data.batch_size=4"]
    proc = subprocess.run(
        ["coconut-train", *tiny_args(data, two), *RUN, *ddp, "trainer.enable_progress_bar=false"],
        capture_output=True, text=True, timeout=240, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "distributed_backend=gloo" in proc.stderr + proc.stdout

    assert _first_loss(two) == pytest.approx(_first_loss(one), rel=1e-5)
    a, b = load_file(one / "model/model.safetensors"), load_file(two / "model/model.safetensors")
    for key in a:
        torch.testing.assert_close(b[key], a[key], rtol=1e-4, atol=1e-6)
    assert json.loads((two / "results.json").read_text())["val"]["num_examples"] == 4
