"""Atomic writes leave the old file or the new one, never a partial one."""

import json

import pytest
import torch

from coconut.atomic import atomic_torch_save, atomic_write, atomic_write_json


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
