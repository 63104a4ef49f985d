"""Console scripts' exit status: 1 for our errors, 128 + the signal for a stop by a signal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = """
import os, signal, sys, time
from coconut.console import raise_on_sigterm, run_reporting_errors

def work(kind):
    raise_on_sigterm("repeat it")
    try:
        if kind == "sigterm":
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(30)
        elif kind == "ctrl-c":
            raise KeyboardInterrupt
        else:
            raise ValueError("x: bad")
    finally:
        print("cleanup ran", flush=True)

run_reporting_errors(work, sys.argv[1])
"""


@pytest.mark.parametrize(
    ("kind", "status", "message"),
    [("sigterm", 143, "interrupted: stopped by SIGTERM; repeat it"),
     ("ctrl-c", 130, "interrupted: stopped by SIGINT"),
     ("error", 1, "error: x: bad")],
)  # fmt: skip
def test_exit_status_and_one_line(kind, status, message):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", SCRIPT, kind], capture_output=True, text=True,
                          timeout=60, env=env)  # fmt: skip
    assert done.returncode == status, done.stderr[-2000:]
    assert done.stderr.splitlines()[0] == message
    assert done.stdout == "cleanup ran\n"  # finally blocks run before the exit
