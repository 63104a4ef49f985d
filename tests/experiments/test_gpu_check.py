"""experiments/gpu_check.sh, dry-run on CPU at a tiny shape: every table and the profile."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "experiments" / "gpu_check.sh"
TINY = "--shape tiny --batch 2 --prompt-len 8 --new-tokens 2 --device cpu --repeats 1"


@pytest.mark.slow
def test_the_gpu_check_writes_every_table_on_cpu(tmp_path):
    env = os.environ | {"GPU_CHECK_ARGS": TINY, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        ["bash", str(SCRIPT), str(tmp_path)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "failed" not in done.stdout, done.stdout
    names = ["fp32", "bf16", "bf16_sdpa_chunked_fused", "bf16_eager", "bf16_chunked"]
    reports = {name: json.loads((tmp_path / f"{name}.json").read_text()) for name in names}
    assert max(reports["fp32"]["max_abs_diff_from_reference"].values()) < 1e-4
    assert reports["bf16_sdpa_chunked_fused"]["config"]["fused_adamw"] is True
    assert "naive_step" not in reports["bf16_eager"]["seconds"]
    assert "generate_batched / hf_generate" in reports["bf16"]["ratios"]
    assert "aten::" in (tmp_path / "bf16_profile.txt").read_text()
    assert "torch" in (tmp_path / "env.txt").read_text()
