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


_ON_A_SMALL_DISK = """
import sys, torch
from pathlib import Path
from coconut.atomic import atomic_torch_save
from coconut.console import run_reporting_errors
path = Path(sys.argv[1]) / "last.ckpt"
atomic_torch_save({"w": torch.ones(1000)}, path)  # 4 KB: fits
try:
    run_reporting_errors(atomic_torch_save, {"w": torch.zeros(1 << 18)}, path)  # 1 MB: no room
finally:
    print("kept", float(torch.load(path, weights_only=True)["w"].sum()))
"""


def test_a_full_tmpfs_is_one_line_naming_the_path_and_the_old_file_stays(tmp_path):
    """A real full disk: a 256 KiB tmpfs, mounted in a user namespace where allowed."""
    import subprocess
    import sys

    from namespaces import UNSHARE, require_user_mount

    disk = tmp_path / "disk"
    disk.mkdir()
    mount = f"mount -t tmpfs -o size=256k tmpfs {disk}"
    require_user_mount(mount)
    script = f'{mount} && "$0" -c "$1" {disk}; echo "rc=$?"; ls -a {disk}'
    result = subprocess.run(
        [*UNSHARE, script,
         sys.executable, _ON_A_SMALL_DISK],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )  # fmt: skip
    path = disk / "last.ckpt"
    assert result.stderr.splitlines() == [
        f"error: no space left on device while writing {path}; nothing was lost: last.ckpt "
        "keeps its previous content and no partial file remains",
        "(set HYDRA_FULL_ERROR=1 to see the full traceback)",
    ]
    assert "kept 1000.0" in result.stdout and "rc=1" in result.stdout
    assert result.stdout.split()[-3:] == [".", "..", "last.ckpt"]  # no temporary file left


def test_a_write_error_behind_another_error_is_named_and_others_pass_unchanged(tmp_path):
    import errno

    path = tmp_path / "out.bin"
    path.write_bytes(b"old")

    def full(handle):
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError:
            raise RuntimeError("unexpected pos 704 vs 598") from None  # torch's, context kept

    with pytest.raises(atomic.WriteError) as named:
        atomic.atomic_write(path, full, binary=True)
    assert named.value.errno == errno.ENOSPC and named.value.filename == str(path)
    assert "out.bin keeps its previous content" in named.value.nothing_lost
    assert path.read_bytes() == b"old"

    def bug(handle):
        raise ValueError("a bug, not the disk")

    with pytest.raises(ValueError, match="a bug"):
        atomic.atomic_write(path, bug, binary=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]
