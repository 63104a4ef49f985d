"""Runs ``train(cfg)`` and SIGKILLs its own process at a chosen phase (the kill matrix).

Usage: ``python tests/kill_harness.py <phase> <hydra overrides...>``. Each phase
installs one hook that sends SIGKILL to this process at a precise moment (no cleanup
code, ``finally`` block or Lightning hook runs after it, as with ``kill -9``). With phase
``none`` the run is not killed. Exit status: killed runs never return.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

from hydra import compose, initialize_config_dir
from lightning.pytorch.callbacks import Callback
from safetensors.torch import load_file

import coconut.data.splits as splits_module
import coconut.training.data.sources as sources
import coconut.training.train as train_module
from coconut.hydra_app import CONFIG_DIR
from coconut.model import Coconut
from coconut.training.lightning.module import CoconutLitModule
from coconut.training.run import checkpoints


class Crash(Callback):
    """Raises once training reaches ``step`` optimizer steps: a simulated crash in the
    same process (the in-process tests; the kill matrix sends SIGKILL instead)."""

    def __init__(self, step: int) -> None:
        self.step = step

    def on_train_batch_start(self, trainer, *args) -> None:
        if trainer.global_step == self.step:
            raise RuntimeError("simulated crash")


PHASES = (
    "none", "data", "mid_epoch", "stage_switch", "validation", "checkpoint_write",
    "best_written", "after_fit", "final_eval", "export", "results_written",
)  # fmt: skip


def die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


class _KillAt(Callback):
    def __init__(self, phase: str) -> None:
        self.phase = phase

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx) -> None:
        if self.phase == "mid_epoch" and trainer.global_step == 5:
            die()
        if self.phase == "stage_switch" and trainer.current_epoch == 2 and batch_idx == 0:
            die()  # the optimizer was just reset for stage 2

    def on_validation_batch_start(self, trainer, *args) -> None:
        if (
            self.phase == "validation"
            and trainer.current_epoch == 1
            and not trainer.sanity_checking
        ):
            die()

    def on_fit_end(self, trainer, pl_module) -> None:
        if self.phase == "after_fit":
            die()

    def on_test_batch_start(self, trainer, *args) -> None:
        if self.phase == "final_eval":
            die()


def rising_val_acc(set_attribute=setattr) -> None:
    """During fit, validation reports acc 0.1 x (epoch + 1): every final-stage epoch is a
    new best, so superseded best checkpoints are deleted (the tiny model's real accuracy
    is flat at this size). The final evaluation reports the real metrics."""
    original = CoconutLitModule._end_eval

    def end_eval(self, prefix: str) -> None:
        if prefix != "val" or self.trainer.state.fn != "fit":
            return original(self, prefix)
        log = self.log

        def fake_log(name, value, *args, **kwargs):
            if name == "val/acc":
                value = 0.1 * (self.current_epoch + 1)
            return log(name, value, *args, **kwargs)

        self.log = fake_log
        try:
            return original(self, prefix)
        finally:
            del self.log

    set_attribute(CoconutLitModule, "_end_eval", end_eval)


def _patch(phase: str) -> None:
    rising_val_acc()
    if phase == "data":
        # the module that writes generated splits
        module = splits_module if hasattr(splits_module, "write_examples") else sources
        original = module.write_examples

        def write_then_die(records, path, **kwargs):
            original(records, path, **kwargs)
            die()  # the first split is written, its .meta.json and the others are not

        module.write_examples = write_then_die
    elif phase == "checkpoint_write":
        original_save = checkpoints.atomic_torch_save
        calls = {"n": 0}

        def save_half_then_die(obj, path):
            calls["n"] += 1
            if Path(path).name == checkpoints.LAST and calls["n"] == 6:
                tmp = Path(path).parent / f".{Path(path).name}.killed.tmp"
                tmp.write_bytes(b"\x80\x02 half a checkpoint")
                die()
            return original_save(obj, path)

        checkpoints.atomic_torch_save = save_half_then_die
    elif phase == "best_written":
        original_best = checkpoints.FinalStageBest._save_checkpoint

        def best_then_die(self, trainer, filepath):
            original_best(self, trainer, filepath)
            if trainer.current_epoch == 4:
                die()  # before last.ckpt of this epoch, with the old best still recorded

        checkpoints.FinalStageBest._save_checkpoint = best_then_die
    elif phase == "export":

        def export_dies(self, directory, tokenizer=None):
            Path(directory).parent.joinpath(".model.killed.tmp").mkdir(exist_ok=True)
            die()

        Coconut.save_pretrained = export_dies
    elif phase == "results_written":
        original_json = train_module.atomic_write_json

        def json_then_die(path, obj):
            written = original_json(path, obj)
            if Path(path).name == "results.json":
                die()
            return written

        train_module.atomic_write_json = json_then_die


def run(phase: str, overrides: list[str]) -> dict:
    """Composes the config, installs the phase's hook and trains (killed at the phase)."""
    _patch(phase)
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose("train", overrides=overrides)
    return train_module.train(cfg, callbacks=[_KillAt(phase)])


def main(argv: list[str]) -> None:
    phase, overrides = argv[0], argv[1:]
    if phase not in PHASES:
        raise SystemExit(f"unknown phase {phase!r}; one of {PHASES}")
    run(phase, overrides)


if __name__ == "__main__":
    main(sys.argv[1:])


VOLATILE = {"train_seconds", "resumed_from", "run_id"}
"""Results keys that differ between two identical runs."""


def outcome(run: Path) -> dict:
    """What a finished run leaves: results (timings aside), weights, checkpoint names."""
    results = json.loads((run / "results.json").read_text())
    for volatile in VOLATILE:
        results.pop(volatile)
    for split in ("val", "test"):
        results[split].pop("sec_per_example")
    weights = load_file(run / "model" / "model.safetensors")
    leftovers = [p.name for p in run.rglob(".*") if p.name.endswith(".tmp")]
    leftovers += [p.name for p in run.glob(".model.*.tmp")]
    return {
        "results": results,
        "weights": {k: v.tolist() for k, v in weights.items()},
        "checkpoints": sorted(p.name for p in (run / "checkpoints").iterdir()),
        "leftovers": leftovers,
    }
