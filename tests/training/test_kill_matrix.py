"""Kill/resume matrix: SIGKILL at each phase of a run, then the same command again.

Each trial runs ``kill_harness.py`` (``train(cfg)`` that SIGKILLs its own process at one
phase), checks that it died, repeats the command unkilled and compares the outcome with an
uninterrupted run: the same ``results.json`` (timings aside), the same exported weights,
the same checkpoint files, and no temporary files left. The harness makes validation
accuracy rise each epoch during fit, so every final-stage epoch supersedes the best
checkpoint: the case where ``last.ckpt`` once recorded a deleted best.

By default two phases run (the two cases that failed before: a kill after fit, and one
between the best checkpoint and last.ckpt); ``COCONUT_KILL_MATRIX=all`` runs all ten.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from kill_harness import outcome

pytestmark = pytest.mark.slow

HARNESS = Path(__file__).parents[1] / "kill_harness.py"
ROOT = Path(__file__).resolve().parents[2]
ARGS = [
    "experiment=prontoqa_tiny_coconut",
    "model=tiny", "model.arch.n_layer=2", "model.arch.n_embd=32", "model.arch.n_head=2",
    "model.arch.n_positions=256", "model.tokenizer_vocab_size=320", "model.arch.resid_pdrop=0.1",
    "logger=csv", "trainer.enable_progress_bar=false", "trainer.enable_model_summary=false",
    "data=prontoqa_tiny", "data.sizes.train=32", "data.sizes.val=8", "data.sizes.test=8",
    "data.batch_size=8", "data.eval_batch_size=8", "eval.max_new_tokens=8",
    "method.max_latent_stage=2", "method.epochs_per_stage=1", "trainer.max_epochs=5",
    "checkpoint.every_n_train_steps=1", "optimizer.lr=3e-3",
]  # fmt: skip
DEFAULT_PHASES = ("after_fit", "best_written")
ALL_PHASES = (
    "data", "mid_epoch", "stage_switch", "validation", "checkpoint_write", "best_written",
    "after_fit", "final_eval", "export", "results_written",
)  # fmt: skip
PHASES = ALL_PHASES if os.environ.get("COCONUT_KILL_MATRIX") == "all" else DEFAULT_PHASES


def harness(phase: str, root: Path) -> subprocess.CompletedProcess:
    """Runs the harness on the run ``root/run`` with its data in ``root/data``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    args = [*ARGS, f"paths.output_dir={root / 'run'}", f"paths.data_dir={root / 'data'}"]
    return subprocess.run(
        [sys.executable, str(HARNESS), phase, *args],
        capture_output=True, text=True, timeout=300, env=env, cwd=root.parent,
    )  # fmt: skip


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("reference")
    proc = harness("none", root)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return outcome(root / "run")


@pytest.mark.parametrize("phase", PHASES)
def test_sigkill_then_same_command_matches_an_uninterrupted_run(phase, reference, tmp_path):
    killed = harness(phase, tmp_path)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    assert not (tmp_path / "run" / "results.json").exists() or phase == "results_written"
    repeat = harness("none", tmp_path)
    assert repeat.returncode == 0, repeat.stderr[-3000:]
    got = outcome(tmp_path / "run")
    assert got["leftovers"] == []
    assert got["checkpoints"] == reference["checkpoints"]
    assert got["checkpoints"] == ["best-epoch004-acc0.5000.ckpt", "last.ckpt"]
    assert got["results"] == reference["results"]
    assert got["weights"] == reference["weights"]
