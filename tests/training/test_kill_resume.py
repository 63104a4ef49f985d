"""A ``coconut-train`` process killed with SIGKILL continues by running the same command.

The killed run is resumed from whatever ``last.ckpt`` it left (mid-epoch or at an epoch
end, wherever the kill landed) and must end with the weights of an uninterrupted run.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import torch
from kill_harness import Crash

from coconut.training.train import train

pytestmark = pytest.mark.skipif(
    shutil.which("coconut-train") is None, reason="coconut-train not installed"
)

RUN = [
    "trainer.max_epochs=6", "method.epochs_per_stage=2", "checkpoint.every_n_train_steps=1",
    "optimizer.lr=3e-3", "model.arch.resid_pdrop=0.1", "eval.max_new_tokens=4",
    "eval.final_split=val",
]  # fmt: skip


def _train(args: list[str], timeout: float = 180) -> None:
    proc = subprocess.run(["coconut-train", *args], capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]


def _weights(run: Path) -> dict[str, torch.Tensor]:
    return torch.load(run / "checkpoints/last.ckpt", weights_only=True)["state_dict"]


@pytest.mark.slow
def test_sigkilled_run_resumes_with_the_same_command(
    tmp_path, toy_data_dir, tiny_args, compose_cfg
):
    ref, run = tmp_path / "ref", tmp_path / "run"
    train(compose_cfg([*tiny_args(toy_data_dir, ref), *RUN]))  # uninterrupted, in-process

    args = [*tiny_args(toy_data_dir, run), *RUN]
    proc = subprocess.Popen(
        ["coconut-train", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    last, deadline = run / "checkpoints/last.ckpt", time.monotonic() + 120
    while not last.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    assert not (run / "results.json").exists()
    step = torch.load(last, weights_only=True)["global_step"]
    assert 0 < step < 24  # 6 epochs of 4 steps: killed part-way

    _train(args)  # the documented resume command: the same command again
    expected, resumed = _weights(ref), _weights(run)
    assert expected.keys() == resumed.keys()
    for key, value in expected.items():
        torch.testing.assert_close(resumed[key], value)


@pytest.mark.slow
def test_a_run_folder_copied_to_another_machine_resumes_to_the_same_weights(
    tmp_path, toy_data_dir, tiny_args, compose_cfg
):
    """What ``experiments/inflight/<run>/`` relies on: a crashed run's folder, copied
    without its best checkpoints to another parent folder (as a commit carries it to a new
    machine), resumes there with the same command and ``paths.log_dir`` at the new parent,
    and ends with the weights of a run that was never interrupted."""
    run = [*RUN, "logger=csv", "run_name=r", "paths.output_dir=${paths.log_dir}/${run_name}"]
    ref = tmp_path / "ref"
    train(compose_cfg([*tiny_args(toy_data_dir, ref / "r"), *run, f"paths.log_dir={ref}"]))

    first, moved = tmp_path / "first", tmp_path / "elsewhere"
    cfg = compose_cfg([*tiny_args(toy_data_dir, first / "r"), *run, f"paths.log_dir={first}"])
    with pytest.raises(RuntimeError, match="simulated crash"):
        train(cfg, callbacks=[Crash(step=9)])
    shutil.copytree(first / "r", moved / "r", ignore=shutil.ignore_patterns("best-*"))
    shutil.rmtree(first)  # the old machine is gone
    assert not list((moved / "r" / "checkpoints").glob("best-*"))

    train(compose_cfg([*tiny_args(toy_data_dir, moved / "r"), *run, f"paths.log_dir={moved}"]))
    expected, resumed = _weights(ref / "r"), _weights(moved / "r")
    assert expected.keys() == resumed.keys()
    for key, value in expected.items():
        torch.testing.assert_close(resumed[key], value, rtol=0, atol=0)
    assert (moved / "r" / "results.json").is_file()
