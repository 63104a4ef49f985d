"""Real file systems for fault tests: a tmpfs mounted in a user namespace, where allowed."""

from __future__ import annotations

import shutil
import subprocess

import pytest

UNSHARE = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c"]
"""Runs a shell command as root of a new user and mount namespace."""


def require_user_mount(mount: str) -> None:
    """Skips the calling test unless ``mount`` (a shell command) succeeds in a new user
    and mount namespace: no ``unshare`` command, or a machine that forbids such mounts."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare command")
    probe = subprocess.run([*UNSHARE, mount], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount here ({mount}): {probe.stderr.decode().strip()}")
