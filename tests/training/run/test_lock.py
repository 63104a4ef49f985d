"""The run-directory lock: one process per run, stale locks taken over, temp files cleaned."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coconut.training.run.lock import (
    RunLock,
    RunLockedError,
    read_holder,
    remove_stale_temp_files,
)
from coconut.training.train import train

ROOT = Path(__file__).resolve().parents[3]
HOLD = "import sys, time; from coconut.training.run.lock import RunLock; "
HOLD += "lock = RunLock(sys.argv[1]).acquire(); print('locked', flush=True); time.sleep(600)"


def _holder_process(run_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(run_dir)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_second_process_stops_naming_the_holder_then_takes_over_a_stale_lock(tmp_path, caplog):
    run_dir = tmp_path / "run"
    proc = _holder_process(run_dir)
    try:
        with pytest.raises(RunLockedError) as err:
            RunLock(run_dir).acquire()
        message = str(err.value)
        assert f"PID {proc.pid} on {socket.gethostname()} since " in message
        assert str(run_dir) in message
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert read_holder(run_dir)["pid"] == proc.pid  # the killed holder's record is left
    with caplog.at_level(logging.INFO), RunLock(run_dir):
        assert read_holder(run_dir)["pid"] == os.getpid()
    assert f"taking over the stale lock of PID {proc.pid}" in caplog.text


def test_a_run_on_a_locked_directory_fails_before_any_work(tiny_cfg, tmp_path):
    run_dir = tmp_path / "run"
    proc = _holder_process(run_dir)
    try:
        start = time.perf_counter()
        with pytest.raises(RunLockedError, match=f"in use by PID {proc.pid}"):
            train(tiny_cfg())
        assert time.perf_counter() - start < 5
        assert sorted(p.name for p in run_dir.iterdir()) == [".lock", ".lock.json"]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


@pytest.mark.slow
def test_two_identical_commands_at_once_one_trains_one_stops(tmp_path, toy_data_dir, tiny_args):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "coconut.training", "train",
           *tiny_args(toy_data_dir, tmp_path / "run"), "trainer.max_epochs=500"]  # fmt: skip
    first = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + 120
        while (read_holder(tmp_path / "run") or {}).get("pid") != first.pid:
            assert first.poll() is None and time.monotonic() < deadline, "first run never locked"
            time.sleep(0.05)
        second = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
        assert first.poll() is None  # still training: the two really overlapped
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert second.returncode == 1, second.stderr[-2000:]
    assert second.stderr.splitlines() == [
        f"error: run directory {tmp_path / 'run'} is in use by PID {first.pid} on "
        f"{socket.gethostname()} since {read_holder(tmp_path / 'run')['started']}; wait for it "
        "to finish, or pick another run_name= / paths.output_dir=",
        "(set HYDRA_FULL_ERROR=1 to see the full traceback)",
    ]  # one line and the hint, no traceback


def test_stale_temp_files_and_staging_dirs_are_removed(tmp_path):
    run = tmp_path / "run"
    (run / "checkpoints").mkdir(parents=True)
    stale = [run / "checkpoints" / ".last.ckpt.abc123.tmp", run / ".results.json.x.tmp"]
    for path in stale:
        path.write_bytes(b"half")
    (run / ".model.q1w2e3.tmp").mkdir()
    (run / ".model.q1w2e3.tmp" / "model.safetensors").write_bytes(b"half")
    keep = [run / "checkpoints" / "last.ckpt", run / ".lock.json", run / "results.json"]
    for path in keep:
        path.write_bytes(b"ok")
    removed = remove_stale_temp_files(run)
    assert sorted(removed) == sorted([*stale, run / ".model.q1w2e3.tmp"])
    assert all(p.exists() for p in keep) and not any(p.exists() for p in stale)


def test_the_lock_files_are_not_world_writable(tmp_path):
    old = os.umask(0o022)
    try:
        with RunLock(tmp_path / "run"):
            modes = {
                n: (tmp_path / "run" / n).stat().st_mode & 0o777 for n in (".lock", ".lock.json")
            }
    finally:
        os.umask(old)
    assert modes == {".lock": 0o644, ".lock.json": 0o644}
