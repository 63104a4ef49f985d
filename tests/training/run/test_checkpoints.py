"""Atomic checkpoint writes, resume resolution and weight-compatibility checks."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from coconut.curriculum import build_method
from coconut.training.lightning.stage_callback import CurriculumCallback
from coconut.training.run.checkpoints import (
    AtomicCheckpointIO,
    CheckpointMismatchError,
    FinalStageBest,
    LastCheckpoint,
    check_weights_match,
    find_resume_checkpoint,
)


class _Explodes:
    """Pickling it fails half-way through ``torch.save``."""

    def __reduce__(self):
        raise RuntimeError("disk full")


def test_crash_during_save_keeps_the_old_checkpoint(tmp_path: Path):
    io, path = AtomicCheckpointIO(), tmp_path / "ckpt" / "last.ckpt"
    io.save_checkpoint({"step": 1, "w": torch.ones(3)}, path)
    with pytest.raises(RuntimeError, match="disk full"):
        io.save_checkpoint({"step": 2, "w": torch.zeros(1000), "bad": _Explodes()}, path)
    assert torch.load(path, weights_only=True)["step"] == 1
    assert [p.name for p in path.parent.iterdir()] == ["last.ckpt"]  # no temp file left


def test_save_replaces_the_checkpoint(tmp_path: Path):
    io, path = AtomicCheckpointIO(), tmp_path / "last.ckpt"
    io.save_checkpoint({"step": 1}, path)
    io.save_checkpoint({"step": 2}, path)
    assert io.load_checkpoint(path, weights_only=True)["step"] == 2


def test_find_resume_checkpoint(tmp_path: Path):
    assert find_resume_checkpoint("auto", tmp_path) is None
    assert find_resume_checkpoint("never", tmp_path) is None
    last = tmp_path / "last.ckpt"
    last.write_bytes(b"x")
    assert find_resume_checkpoint("auto", tmp_path) == last
    assert find_resume_checkpoint(str(last), tmp_path / "other") == last
    with pytest.raises(ValueError, match="resume=auto continues"):
        find_resume_checkpoint("never", tmp_path)
    with pytest.raises(ValueError, match="no such checkpoint"):
        find_resume_checkpoint(str(tmp_path / "missing.ckpt"), tmp_path)


def test_weight_mismatch_names_keys_and_shapes():
    model = {"a": torch.zeros(2, 3), "b": torch.zeros(4)}
    check_weights_match(model, {"a": torch.ones(2, 3), "b": torch.ones(4)}, "ok.ckpt")
    with pytest.raises(CheckpointMismatchError, match=r"1 missing keys .*'b'"):
        check_weights_match(model, {"a": torch.zeros(2, 3)}, "x.ckpt")
    with pytest.raises(CheckpointMismatchError, match=r"a: checkpoint \(5, 3\) vs model \(2, 3\)"):
        check_weights_match(model, {"a": torch.zeros(5, 3), "b": torch.zeros(4)}, "x.ckpt")
    with pytest.raises(CheckpointMismatchError, match="1 unexpected keys"):
        check_weights_match(model, {**model, "c": torch.zeros(1)}, "x.ckpt")


class _Trainer:
    def __init__(self, epoch: int) -> None:
        self.current_epoch = epoch
        self.fast_dev_run = False
        self.sanity_checking = False
        self.global_step = 1


@pytest.mark.parametrize(("name", "epoch", "skipped"), [
    ("coconut", 0, True), ("coconut", 3, True), ("coconut", 4, False), ("coconut", 9, False),
    ("cot", 0, False), ("no_curriculum", 0, False),
])  # fmt: skip
def test_best_checkpoint_only_at_the_final_stage(tmp_path, name, epoch, skipped, monkeypatch):
    method = build_method(name=name, max_latent_stage=1, epochs_per_stage=2)
    best = FinalStageBest(CurriculumCallback(method), dirpath=tmp_path)
    monkeypatch.setattr(
        "lightning.pytorch.callbacks.ModelCheckpoint._should_skip_saving_checkpoint",
        lambda self, trainer: False,
    )
    assert best._should_skip_saving_checkpoint(_Trainer(epoch)) is skipped


def test_train_seconds_count_every_launch_and_stop_at_fit_end(tmp_path: Path, monkeypatch):
    clock = iter([100.0, 130.0, 130.0, 999.0])
    monkeypatch.setattr("coconut.training.run.checkpoints.time.perf_counter", lambda: next(clock))
    last = LastCheckpoint(tmp_path)
    last.load_state_dict({"train_seconds": 50.0})  # resuming a run that trained 50 s
    last.on_fit_start(None, None)  # t=100
    last.on_fit_end(None, None)  # t=130: 30 s more
    # The final evaluation restores the best checkpoint, which stored an earlier count:
    # the run's time must stay 80 s, not become 20 s, nor 20 s plus the time since t=100.
    last.load_state_dict({"train_seconds": 20.0})
    assert last.train_seconds == 80.0
    assert last.state_dict() == {"train_seconds": 80.0}


class _FullDisk:
    """A file handle whose writes fail with ENOSPC after ``room`` bytes (a full disk)."""

    def __init__(self, handle, room: int) -> None:
        self.handle, self.room = handle, room

    def write(self, data) -> int:
        self.room -= len(data)
        if self.room < 0:
            import errno

            raise OSError(errno.ENOSPC, "No space left on device")
        return self.handle.write(data)

    def __getattr__(self, name):
        return getattr(self.handle, name)


ENOSPC_RUN = (
    "trainer.max_epochs=4", "method.epochs_per_stage=2", "method.uniform_prob=0.3",
    "checkpoint.every_n_train_steps=3", "model.arch.resid_pdrop=0.1", "eval.max_new_tokens=8",
)  # fmt: skip


@pytest.mark.slow
def test_a_full_disk_at_a_checkpoint_write_is_one_line_and_the_repeat_resumes(
    tiny_cfg, tmp_path, monkeypatch
):
    """The third ``last.ckpt`` meets a full disk, through ``torch.save`` itself."""
    import coconut.training.run.checkpoints as checkpointing
    from coconut.atomic import atomic_write
    from coconut.console import describe
    from coconut.training.train import train

    reference = train(tiny_cfg(*ENOSPC_RUN, f"paths.output_dir={tmp_path / 'ref'}"))
    steps = []  # global step of each last.ckpt write

    def full_at_the_third(obj, path):
        if path.name == "last.ckpt":
            steps.append(obj["global_step"])
        room = 1000 if len(steps) == 3 and path.name == "last.ckpt" else 1 << 40
        return atomic_write(path, lambda f: torch.save(obj, _FullDisk(f, room)), binary=True)

    monkeypatch.setattr(checkpointing, "atomic_torch_save", full_at_the_third)
    cfg = tiny_cfg(*ENOSPC_RUN)
    last = tmp_path / "run" / "checkpoints" / "last.ckpt"
    with pytest.raises(OSError) as full:
        train(cfg)
    assert describe(full.value) == (
        f"no space left on device while writing {last}; nothing was lost: last.ckpt keeps "
        "its previous content and no partial file remains"
    )
    assert len(steps) == 3 and steps[1] < steps[2]
    assert torch.load(last, weights_only=True)["global_step"] == steps[1]  # the previous one
    assert not [p for p in last.parent.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.undo()
    resumed = train(cfg)  # the same command again, with room on the disk
    assert resumed["resumed_from"].endswith("last.ckpt") and resumed["global_step"] == 16
    ref = torch.load(tmp_path / "ref" / "checkpoints" / "last.ckpt", weights_only=True)
    res = torch.load(last, weights_only=True)
    for key, value in ref["state_dict"].items():
        assert torch.equal(res["state_dict"][key], value), key
    assert resumed["test"]["acc"] == reference["test"]["acc"]
