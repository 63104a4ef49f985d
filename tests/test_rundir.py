"""The names of a run directory's files (:mod:`coconut.rundir`)."""

from __future__ import annotations

import json
from pathlib import Path

from coconut.rundir import FRESH_STATE, OUTPUTS, RunDir, remove_paths


def test_every_file_of_a_run_has_its_exact_path():
    run = RunDir("outputs/r")
    assert run.path == Path("outputs/r")
    assert run.config == Path("outputs/r/config.yaml")
    assert run.identity == Path("outputs/r/identity.json")
    assert run.results == Path("outputs/r/results.json")
    assert run.failed == Path("outputs/r/failed.json")
    assert run.checkpoints == Path("outputs/r/checkpoints")
    assert run.last_checkpoint == Path("outputs/r/checkpoints/last.ckpt")
    assert run.model == Path("outputs/r/model")
    assert run.tokenizer == Path("outputs/r/tokenizer")
    assert run.tokenizer_file == Path("outputs/r/tokenizer/tokenizer.json")
    assert run.train_log == Path("outputs/r/train.log")
    assert run.csv == Path("outputs/r/csv")
    assert run.curves == Path("outputs/r/curves.png")
    assert run.eval_dir == Path("outputs/r/eval")
    assert run.eval_log == Path("outputs/r/eval/eval.log")
    assert run.probe == Path("outputs/r/probe")
    assert run.predictions == Path("outputs/r/predictions.json")


def test_eval_output_is_keyed_by_name_content_and_stage():
    sha = "0123456789abcdef" * 4
    path = RunDir(Path("runs/x")).eval_output("test", sha, 3)
    assert path == Path("runs/x/eval/test-0123456789ab-stage3.json")


def test_fresh_state_and_outputs():
    run = RunDir("r")
    assert FRESH_STATE == ("tokenizer", "identity.json", "config.yaml")
    assert run.fresh_state == (Path("r/tokenizer"), Path("r/identity.json"), Path("r/config.yaml"))
    assert OUTPUTS == (
        "checkpoints", "model", "tokenizer", "csv", "eval", "results.json", "identity.json",
        "curves.png", "failed.json",
    )  # fmt: skip
    assert run.outputs == tuple(Path("r") / name for name in OUTPUTS)


def test_a_run_is_equal_to_another_of_the_same_path_and_frozen():
    assert RunDir("a") == RunDir(Path("a"))
    assert hash(RunDir("a")) == hash(RunDir(Path("a")))
    try:
        RunDir("a").path = Path("b")  # type: ignore[misc]
    except AttributeError:
        pass
    else:
        raise AssertionError("RunDir is not frozen")


def test_reading_a_run(tmp_path: Path):
    run = RunDir(tmp_path)
    assert not run.is_run() and not run.is_finished()
    run.config.write_text("seed: 3\nname: ${seed}\n")
    run.results.write_text(json.dumps({"run_id": "abc"}))
    assert run.is_run() and run.is_finished()
    assert run.read_config().seed == 3
    assert run.read_results() == {"run_id": "abc"}


def test_relative_paths_inside_and_outside_the_run(tmp_path: Path):
    run = RunDir(tmp_path / "run")
    assert run.relative(run.checkpoints / "best.ckpt") == "checkpoints/best.ckpt"
    assert run.relative(tmp_path / "other" / "x.ckpt") == str(tmp_path / "other" / "x.ckpt")


def test_remove_paths_deletes_files_and_folders_that_exist(tmp_path: Path):
    run = RunDir(tmp_path)
    run.tokenizer.mkdir()
    (run.tokenizer / "tokenizer.json").write_text("{}")
    run.config.write_text("x: 1")
    removed = remove_paths(run.fresh_state)
    assert removed == [run.tokenizer, run.config]
    assert not run.tokenizer.exists() and not run.config.exists()
    assert remove_paths(run.fresh_state) == []
