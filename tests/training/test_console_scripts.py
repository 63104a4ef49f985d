"""The console scripts: a ``coconut-train -m`` sweep and ``coconut-eval`` on its runs."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("coconut-train") is None, reason="console scripts not installed"
)


@pytest.mark.slow
def test_multirun_sweep_then_eval(tmp_path, toy_data_dir, tiny_args):
    args = [a for a in tiny_args(toy_data_dir, tmp_path / "unused") if "output_dir" not in a]
    sweep = ["-m", "method=cot,coconut", "seed=0,1", "debug=fast_dev_run",
             f"paths.log_dir={tmp_path / 'runs'}"]  # fmt: skip
    proc = subprocess.run(
        ["coconut-train", *sweep, *args], capture_output=True, text=True, timeout=240
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    runs = sorted(p.name for p in (tmp_path / "runs").iterdir() if p.is_dir())
    debug = "debug-fast_dev_run"  # debug runs get their own run names
    assert runs == [f"toy-{m}-tiny-seed{s}-{debug}" for m in ("coconut", "cot") for s in (0, 1)]
    for run in runs:
        results = json.loads((tmp_path / "runs" / run / "results.json").read_text())
        assert results["run_name"] == run and results["global_step"] == 1

    run_dir = tmp_path / "runs" / f"toy-coconut-tiny-seed1-{debug}"
    proc = subprocess.run(
        ["coconut-eval", f"run_dir={run_dir}", "split=val", "stage=2", "max_new_tokens=4"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    (written,) = (run_dir / "eval").glob("val-*-stage2.json")  # val-<sha256[:12]>-stage2
    scored = json.loads(written.read_text())
    assert scored["num_examples"] == 8 and 3 <= scored["gen_tokens"] <= 6
