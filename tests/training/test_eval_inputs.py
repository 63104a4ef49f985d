"""``coconut-eval`` on bad or colliding input: each refused in one line, or kept apart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

from coconut.data import generate_prosqa
from coconut.data.tasks import TaskMismatchError
from coconut.hydra_app import CONFIG_DIR
from coconut.training.evaluate import evaluate, file_sha256
from coconut.training.train import train

ROOT = Path(__file__).resolve().parents[2]
GSM8K = [
    {"question": "Tom has 3 apples and buys 4. How many?", "steps": ["<<3+4=7>>"], "answer": "7"},
    {"question": "2 boxes of 5 pens, 1 lost?", "steps": ["<<2*5=10>>", "<<10-1=9>>"],
     "answer": "9"},
]  # fmt: skip


def _eval_cfg(*overrides: str):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose("eval", overrides=list(overrides))


@pytest.fixture(scope="module")
def toy_run(tmp_path_factory, make_records, tiny_args, compose_cfg):
    """A one-batch coconut run on the toy (ProntoQA-style) task; its test file is test.json."""
    root = tmp_path_factory.mktemp("eval_inputs")
    for split, (n, seed) in {"train": (16, 0), "val": (4, 1), "test": (4, 2)}.items():
        (root / f"{split}.json").write_text(json.dumps(make_records(n, seed=seed)))
    train(compose_cfg([*tiny_args(root, root / "run"), "debug=fast_dev_run"]))
    return root / "run"


def _script(*args: str) -> subprocess.CompletedProcess:
    code = "from coconut.training.cli import eval_main; eval_main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"},
    )  # fmt: skip


@pytest.mark.slow
def test_a_file_named_like_the_runs_split_does_not_replace_its_results(toy_run, make_records):
    own = evaluate(_eval_cfg(f"run_dir={toy_run}", "split=test", "max_new_tokens=4"))
    other = toy_run.parent / "elsewhere" / "test.json"
    other.parent.mkdir()
    other.write_text(json.dumps(make_records(3, seed=7)))
    theirs = evaluate(
        _eval_cfg(f"run_dir={toy_run}", f"split_path={other}", "max_new_tokens=4",
                  "skip_unfit=true")
    )  # fmt: skip
    stage = own["stage"]
    mine = toy_run / "eval" / f"test-{own['sha256'][:12]}-stage{stage}.json"
    foreign = toy_run / "eval" / f"test-{file_sha256(other)[:12]}-stage{stage}.json"
    assert mine != foreign
    assert json.loads(mine.read_text())["num_examples"] == own["num_examples"] == 4
    assert json.loads(foreign.read_text())["num_examples"] == theirs["num_examples"] == 3


@pytest.mark.slow
def test_a_file_of_another_task_is_refused_naming_both(toy_run, tmp_path):
    gsm8k = tmp_path / "gsm8k.json"
    gsm8k.write_text(json.dumps(GSM8K))
    with pytest.raises(TaskMismatchError, match=r"a gsm8k file, but the run .* learned prontoqa"):
        evaluate(_eval_cfg(f"run_dir={toy_run}", f"split_path={gsm8k}"))
    prosqa = tmp_path / "prosqa.json"
    prosqa.write_text(json.dumps(generate_prosqa(3, 0, num_nodes=8, max_steps=3)))
    with pytest.raises(TaskMismatchError, match=r"a prosqa file, but .* learned prontoqa"):
        evaluate(_eval_cfg(f"run_dir={toy_run}", f"split_path={prosqa}", "skip_unfit=true"))
    assert not list((toy_run / "eval").glob("gsm8k-*")) + list((toy_run / "eval").glob("pros*"))


@pytest.mark.slow
def test_split_valid_names_the_splits_there_are(toy_run):
    with pytest.raises(ValueError, match=r"split=valid: the run has no such split; its splits"):
        evaluate(_eval_cfg(f"run_dir={toy_run}", "split=valid"))
    proc = _script(f"run_dir={toy_run}", "split=valid")
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("error: split=valid: the run has no such")
    assert "['train', 'val', 'test']" in lines[0]


def test_split_valid_points_at_the_split_of_that_file(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.yaml").write_text(
        "method: {name: cot}\ndata: {name: prosqa, splits: {train: d/train.json, "
        "val: d/valid.json}}\n"
    )
    with pytest.raises(ValueError, match=r"\(the file valid\.json is split 'val'\)"):
        evaluate(_eval_cfg(f"run_dir={run}", "split=valid"))


@pytest.mark.slow
def test_an_empty_file_is_refused_before_the_model_loads(toy_run, tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    proc = _script(f"run_dir={toy_run}", f"split_path={empty}")
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines[0] == f"error: split_path={empty}: no examples to evaluate (an empty file?)"
    assert len(lines) == 2 and "question_ids" not in proc.stderr


@pytest.mark.slow
def test_an_output_equal_to_an_input_is_refused_and_the_input_kept(toy_run):
    data = toy_run.parent / "test.json"
    before = data.read_bytes()
    for inputs in ([f"split_path={data}"], ["split=test"]):  # the run's own test split too
        with pytest.raises(ValueError, match=rf"output={data} is also the input"):
            evaluate(_eval_cfg(f"run_dir={toy_run}", *inputs, f"output={data}", "overwrite=true"))
    assert data.read_bytes() == before


@pytest.mark.slow
def test_an_existing_foreign_output_is_refused_unless_overwrite(toy_run, tmp_path):
    out = tmp_path / "notes.json"
    out.write_text("my notes")
    with pytest.raises(ValueError, match=r"output=.*notes.json already exists and was not written"):
        evaluate(_eval_cfg(f"run_dir={toy_run}", f"output={out}", "max_new_tokens=4"))
    assert out.read_text() == "my notes"
    evaluate(_eval_cfg(f"run_dir={toy_run}", f"output={out}", "max_new_tokens=4", "overwrite=true"))
    first = json.loads(out.read_text())
    assert first["num_examples"] == 4
    evaluate(_eval_cfg(f"run_dir={toy_run}", f"output={out}", "max_new_tokens=4"))  # its own
    assert json.loads(out.read_text())["sha256"] == first["sha256"]
