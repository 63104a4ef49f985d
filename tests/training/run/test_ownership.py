"""Nothing deletes what it did not create (:mod:`coconut.training.run.ownership`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from coconut.rundir import check_run_name
from coconut.training.run.lock import remove_stale_temp_files
from coconut.training.run.ownership import (
    ForeignFolderError,
    check_run_folder,
    stale_temp_files,
)
from coconut.training.run.resume import remove_outputs
from coconut.training.train import train

ROOT = Path(__file__).resolve().parents[3]


def _snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its content (None for a folder)."""
    return {
        str(p.relative_to(root)): (None if p.is_dir() else p.read_bytes())
        for p in sorted(root.rglob("*"))
    }


def _user_files(root: Path) -> None:
    """A user's folder: notes, their own config.yaml and tokenizer/, hidden temp files."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "notes.txt").write_text("mine")
    (root / "config.yaml").write_text("my: settings\n")
    (root / "tokenizer").mkdir()
    (root / "tokenizer" / "tokenizer.json").write_text("{}")
    (root / "tokenizer" / "mine.txt").write_text("mine")
    (root / "project" / "sub").mkdir(parents=True)
    (root / "project" / "sub" / ".results.json.ab12cd34.tmp").write_text("mine")
    (root / ".staging-ab12cd34").mkdir()


@pytest.mark.parametrize("name", ["..", ".", "", "a/b", "../../x", "a\\b"])
def test_run_name_is_one_folder_name(name):
    with pytest.raises(ValueError, match=r"run_name=.*: must be one folder name"):
        check_run_name(name)
    check_run_name("prosqa-coconut-tiny-seed0")
    check_run_name("..hidden")  # a name, not the parent


@pytest.mark.parametrize("name", ["..", "a/b", "../../x"])
def test_train_refuses_a_run_name_that_leaves_the_log_dir(tmp_path, tiny_cfg, name):
    _user_files(tmp_path)
    before = _snapshot(tmp_path)
    cfg = tiny_cfg(
        f"paths.log_dir={tmp_path / 'outputs'}", "paths.output_dir=${paths.log_dir}/${run_name}",
        f"run_name={name}",
    )  # fmt: skip
    with pytest.raises(ValueError, match="must be one folder name"):
        train(cfg)
    assert _snapshot(tmp_path) == before


def test_coconut_train_refuses_it_before_hydra_writes_anything(tmp_path):
    _user_files(tmp_path)
    before = _snapshot(tmp_path)
    code = "from coconut.training.cli import train_main; train_main()"
    result = subprocess.run(
        [sys.executable, "-c", code, "paths.log_dir=.", "run_name=.."], cwd=tmp_path,
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"},
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith("error: run_name='..': must be one folder")
    assert len(result.stderr.splitlines()) == 2 and "Traceback" not in result.stderr
    assert _snapshot(tmp_path) == before  # no .hydra/, no train.log, nothing removed


def test_a_folder_holding_a_users_files_is_refused_and_left_as_it_was(tmp_path, tiny_cfg):
    folder = tmp_path / "mine"
    _user_files(folder)
    before = _snapshot(folder)
    with pytest.raises(ForeignFolderError) as refused:
        train(tiny_cfg(f"paths.output_dir={folder}"))
    message = str(refused.value)
    assert f"run folder {folder} holds files coconut-train did not write" in message
    assert "config.yaml, notes.txt, project, tokenizer" in message
    assert _snapshot(folder) == before  # not even a lock file


def test_what_a_killed_launch_left_is_not_foreign(tmp_path):
    run = tmp_path / "run"
    (run / "tokenizer" / ".staging-x1").mkdir(parents=True)
    (run / "tokenizer" / "tokenizer.json").write_text("{}")
    (run / ".hydra").mkdir()
    for name in ("train.log", ".lock", ".lock.json", ".config.yaml.k3j4.tmp"):
        (run / name).write_text("")
    (run / "config.yaml").write_text("run_name: r\npaths: {}\nmethod: {}\ndata: {}\n")
    check_run_folder(run)
    (run / "identity.json").write_text("{}")
    (run / "notes.txt").write_text("a run that has started may hold anything")
    check_run_folder(run)


def test_clean_up_removes_only_the_packages_temp_names_and_never_walks_below(tmp_path):
    run = tmp_path / "run"
    (run / "checkpoints").mkdir(parents=True)
    (run / "eval").mkdir()
    (run / "tokenizer" / ".staging-q1w2").mkdir(parents=True)
    ours = [run / ".results.json.a1b2.tmp", run / "checkpoints" / ".last.ckpt.abc123.tmp",
            run / "eval" / ".test-01-stage2.json.zz9.tmp", run / ".lock.json.4242.tmp"]  # fmt: skip
    for path in ours:
        path.write_text("half")
    (run / ".model.q1w2e3.tmp").mkdir()
    theirs = [run / ".mydata.a1b2.tmp", run / "checkpoints" / ".notes.txt.a1.tmp",
              run / "data" / ".results.json.a1b2.tmp", run / "csv" / ".staging-a1b2",
              run / "tokenizer" / ".vocab.json.a1.tmp", run / ".staging-a1b2"]  # fmt: skip
    for path in theirs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("mine")
    found = stale_temp_files(run)
    assert sorted(found) == sorted([*ours, run / ".model.q1w2e3.tmp",
                                    run / "tokenizer" / ".staging-q1w2"])  # fmt: skip
    remove_stale_temp_files(run)
    assert not any(p.exists() for p in ours) and all(p.exists() for p in theirs)
    assert not (run / ".model.q1w2e3.tmp").exists()


def test_clean_up_never_follows_a_symbolic_link_out_of_the_run_folder(tmp_path):
    elsewhere = tmp_path / "big-disk"
    elsewhere.mkdir()
    (elsewhere / ".last.ckpt.abc123.tmp").write_text("not below the run folder")
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "checkpoints").symlink_to(elsewhere)
    assert remove_stale_temp_files(tmp_path / "run") == []
    assert (elsewhere / ".last.ckpt.abc123.tmp").exists()


def test_redo_through_a_symlinked_checkpoints_folder_is_one_line_and_deletes_nothing(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    disk = tmp_path / "disk"
    disk.mkdir()
    (disk / "last.ckpt").write_text("weights")
    (run / "checkpoints").symlink_to(disk)
    (run / "results.json").write_text("{}")
    with pytest.raises(ValueError, match=rf"{run / 'checkpoints'} is a symbolic link \(to {disk}"):
        remove_outputs(run)
    assert (disk / "last.ckpt").exists() and (run / "results.json").exists()
