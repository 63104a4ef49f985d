"""``python -m coconut.training train|eval``: the console scripts from a checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "coconut.training", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.mark.parametrize(("command", "expected"), [("train", "run_name:"), ("eval", "run_dir:")])
def test_each_command_composes_its_own_config(tmp_path, command, expected):
    done = _run(command, "--cfg", "job", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert expected in done.stdout


@pytest.mark.parametrize("args", [(), ("fit",)])
def test_a_missing_or_unknown_command_prints_the_usage(tmp_path, args):
    done = _run(*args, cwd=tmp_path)
    assert done.returncode == 1
    assert "usage: python -m coconut.training train|eval" in done.stderr
