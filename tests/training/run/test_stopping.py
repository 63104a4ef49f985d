"""SIGTERM and Ctrl-C stop ``coconut-train`` with exit status 143 and 130, never 0, and the
same command then finishes the run as if it had never stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kill_harness import outcome

from coconut.console import Interrupted
from coconut.training.run.stopping import stop_signal

ROOT = Path(__file__).resolve().parents[3]
RUN = [
    "trainer.max_epochs=6", "checkpoint.every_n_train_steps=1", "logger=csv",
    "model.arch.resid_pdrop=0.1", "eval.max_new_tokens=4",
]  # fmt: skip
TRAIN = "from coconut.training.cli import train_main; train_main()"
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}


def _command(tiny_args, data: Path, run: Path) -> list[str]:
    return [sys.executable, "-c", TRAIN, *tiny_args(data, run), *RUN]


def _finish(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=ENV)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture(scope="module")
def data_and_reference(tmp_path_factory, make_records, tiny_args) -> tuple[Path, dict]:
    """Toy split files, and the outcome of an uninterrupted run on them."""
    root = tmp_path_factory.mktemp("stopping")
    for seed, split in enumerate(("train", "val", "test")):
        records = make_records(32 if split == "train" else 8, seed=seed)
        (root / f"{split}.json").write_text(json.dumps(records))
    _finish(_command(tiny_args, root, root / "ref"))
    return root, outcome(root / "ref")


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stopped_run_exits_non_zero_and_the_same_command_finishes_it(
    tmp_path, data_and_reference, tiny_args, signum, status
):
    data, reference = data_and_reference
    run = tmp_path / "run"
    command = _command(tiny_args, data, run)
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV,
                            text=True)  # fmt: skip
    last, deadline = run / "checkpoints" / "last.ckpt", time.monotonic() + 120
    while not last.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signum)
    stderr = proc.communicate(timeout=120)[1]
    assert proc.returncode == status, stderr[-3000:]
    assert f"interrupted: stopped by {signal.Signals(signum).name}" in stderr
    assert "repeat the same command to resume it" in stderr
    assert not (run / "results.json").exists()

    _finish(command)  # the same command again resumes the run
    assert json.loads((run / "results.json").read_text())["resumed_from"] == "checkpoints/last.ckpt"
    assert outcome(run) == reference


def test_lightnings_stops_are_told_from_other_exits():
    class Trainer:
        received_sigterm = False

    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            sys.exit(1)  # what Lightning does after a graceful Ctrl-C
    except SystemExit as err:
        assert stop_signal(Trainer(), err) == signal.SIGINT
    assert stop_signal(Trainer(), SystemExit(1)) is None
    Trainer.received_sigterm = True
    assert stop_signal(Trainer(), SystemExit()) == signal.SIGTERM
    assert Interrupted(signal.SIGTERM).exit_status == 143
    assert Interrupted(signal.SIGINT, "hint").args == ("stopped by SIGINT; hint",)


def test_an_evaluation_stopped_by_a_signal_says_it_wrote_nothing():
    from lightning.pytorch.utilities.exceptions import SIGTERMException

    from coconut.training.run.stopping import EVAL_HINT, reporting_stops

    class Trainer:
        received_sigterm = True

    with pytest.raises(Interrupted) as stop, reporting_stops(Trainer(), EVAL_HINT):
        raise SIGTERMException
    assert stop.value.exit_status == 143 and "wrote nothing" in str(stop.value)
    with pytest.raises(Interrupted) as stop, reporting_stops(Trainer(), EVAL_HINT):
        raise KeyboardInterrupt
    assert stop.value.exit_status == 130
