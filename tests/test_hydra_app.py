"""The console scripts' Hydra wrapper (:mod:`coconut.hydra_app`): what it checks
before Hydra makes the run folder."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from namespaces import UNSHARE, require_user_mount

from coconut.hydra_app import check_run_name_overrides, check_writable

ROOT = Path(__file__).resolve().parents[2]


def test_run_name_overrides_are_checked_in_every_spelling():
    check_run_name_overrides(["run_name=ok", "seed=1", "paths.output_dir=/a/b"])
    for arg in ("run_name=..", "+run_name=a/b", "++run_name='../x'", 'run_name="."'):
        with pytest.raises(ValueError, match="must be one folder name"):
            check_run_name_overrides([arg])


def test_a_folder_that_cannot_be_written_is_named(tmp_path, monkeypatch):
    check_writable(tmp_path / "new" / "run")
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(OSError) as refused:
        check_writable(tmp_path / "new" / "run")
    assert refused.value.errno in (errno.EACCES, errno.EROFS)
    assert refused.value.filename == str(tmp_path / "new" / "run")


def test_coconut_train_on_a_read_only_file_system_is_one_line(tmp_path):
    """A real read-only tmpfs, mounted in a user namespace where that is allowed."""
    disk = tmp_path / "ro"
    disk.mkdir()
    mount = f"mount -t tmpfs tmpfs {disk} && mkdir {disk}/run && mount -o remount,ro {disk}"
    require_user_mount(mount)
    code = "from coconut.training.cli import train_main; train_main()"
    script = f'{mount} && "$0" -c "$1" paths.output_dir={disk}/run'
    result = subprocess.run(
        [*UNSHARE, script, sys.executable,
         code],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"},
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: read-only file system while writing {disk}/run",
        "(set HYDRA_FULL_ERROR=1 to see the full traceback)",
    ]
