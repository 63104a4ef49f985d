"""Atomic writes leave the old file or directory or the new one, never a partial one."""

import json
import os
from pathlib import Path

import pytest
import torch

from coconut import atomic
from coconut.atomic import (
    atomic_directory,
    atomic_files_into,
    atomic_torch_save,
    atomic_write,
    atomic_write_json,
    recover_directory,
)


def test_a_crash_mid_write_keeps_the_old_file(tmp_path):
    path = atomic_write_json(tmp_path / "results.json", {"acc": 0.5})

    def crash(handle):
        handle.write('{"acc": ')
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError, match="killed"):
        atomic_write(path, crash, binary=False)
    assert json.loads(path.read_text()) == {"acc": 0.5}
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_torch_save_round_trip(tmp_path):
    path = atomic_torch_save({"w": torch.arange(3)}, tmp_path / "sub" / "last.ckpt")
    assert torch.equal(torch.load(path, weights_only=True)["w"], torch.arange(3))


def _tree(path):
    return {p.relative_to(path).as_posix(): p.read_text() for p in path.rglob("*") if p.is_file()}


def test_directory_is_replaced_whole_and_never_missing(tmp_path, monkeypatch):
    target = tmp_path / "model"
    with atomic_directory(target) as tmp:
        (tmp / "a.txt").write_text("old")
        (tmp / "b.txt").write_text("old")
    assert _tree(target) == {"a.txt": "old", "b.txt": "old"}

    real_replace = os.replace

    def replace(src, dst):  # the directory must never be renamed away
        assert Path(src) != target, "model/ was moved aside: a window without it"
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with atomic_directory(target) as tmp:
        (tmp / "a.txt").write_text("new")
    assert _tree(target) == {"a.txt": "new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]  # no staging, no aside


def test_a_crash_while_writing_a_directory_keeps_the_old_one(tmp_path):
    target = tmp_path / "model"
    with atomic_directory(target) as tmp:
        (tmp / "w").write_text("old")
    with pytest.raises(RuntimeError, match="killed"), atomic_directory(target) as tmp:
        (tmp / "w").write_text("half")
        raise RuntimeError("killed")
    assert _tree(target) == {"w": "old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_without_an_exchange_a_crash_between_renames_is_recovered(tmp_path, monkeypatch):
    target = tmp_path / "model"
    with atomic_directory(target) as tmp:
        (tmp / "w").write_text("old")
    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)  # not Linux
    real_replace, calls = os.replace, []

    def crash_on_second(src, dst):
        calls.append(src)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed between the two renames")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_second)
    with pytest.raises(KeyboardInterrupt), atomic_directory(target) as tmp:
        (tmp / "w").write_text("new")
    monkeypatch.setattr(os, "replace", real_replace)
    assert not target.exists()
    assert recover_directory(target) is True
    assert _tree(target) == {"w": "old"}


def test_files_move_into_a_shared_directory_marker_last(tmp_path, monkeypatch):
    (tmp_path / "keep.yaml").write_text("keep me")
    moved = []
    real_replace = os.replace
    monkeypatch.setattr(
        os, "replace", lambda s, d: (moved.append(Path(d).name), real_replace(s, d))
    )
    with atomic_files_into(tmp_path, last="marker.json") as tmp:
        for name in ("marker.json", "z.txt", "a.txt"):
            (tmp / name).write_text(name)
    assert moved[-1] == "marker.json" and sorted(moved) == ["a.txt", "marker.json", "z.txt"]
    assert (tmp_path / "keep.yaml").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a.txt",
        "keep.yaml",
        "marker.json",
        "z.txt",
    ]
