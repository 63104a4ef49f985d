"""The Table 1 replication script, at toy scale."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from coconut.methods import row_name

SCRIPT = Path(__file__).resolve().parents[2] / "experiments" / "replicate_table1.py"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("replicate_table1", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dry_run_lists_every_row_of_both_datasets(script, capsys):
    assert script.main(["--dry-run", "--models", "gpt2_scratch", "gpt2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 * 8 * 2
    # the last row of the paper's Table 1 (TABLE1_METHODS is in its row order)
    assert "coconut-train experiment=prosqa_pause_as_thought model=gpt2 seed=0" in lines[-1]


@pytest.mark.slow
def test_tiny_sweep_trains_and_tabulates(script, tmp_path):
    args = ["--tiny", "--datasets", "prontoqa", "--methods", "cot", "coconut",
            "--log-dir", str(tmp_path), "--tiny-sizes", "24", "8", "8",
            "trainer.max_epochs=2", "model.arch.n_embd=32", "eval.max_new_tokens=16"]  # fmt: skip
    assert script.main(args) == 0
    table = (tmp_path / "table" / "table.md").read_text().splitlines()
    assert table[0].startswith("| Method | Model | prontoqa_tiny Acc. (%) | prontoqa_tiny # Tokens")
    rows = {line.split(" | ")[0].strip("| "): line for line in table[2:] if line.startswith("|")}
    assert set(rows) == {row_name(m) for m in script.TABLE1_METHODS}
    for done in ("CoT", "Coconut"):
        acc, tokens = rows[done].strip(" |").split(" | ")[2:4]
        assert 0.0 <= float(acc) <= 100.0 and float(tokens) > 0
    assert "–" in rows["iCoT"]  # not run, left blank rather than invented
    assert script.main(args) == 0  # a second call reuses the finished runs
