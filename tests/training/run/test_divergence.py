"""A diverging run stops with an error naming the step and is marked failed."""

from __future__ import annotations

import json

import pytest

from coconut.training.run.divergence import DivergenceError
from coconut.training.train import train


def test_nan_loss_stops_the_run_and_marks_it_failed(tiny_cfg, tmp_path):
    with pytest.raises(DivergenceError, match=r"loss is (nan|inf) at optimizer step \d+") as err:
        train(
            tiny_cfg("optimizer.lr=1e4", "trainer.max_epochs=3", "trainer.gradient_clip_val=null")
        )
    run = tmp_path / "run"
    assert not (run / "results.json").exists() and not (run / "model").exists()
    failed = json.loads((run / "failed.json").read_text())
    assert failed["status"] == "failed" and failed["reason"] == str(err.value)


def test_the_check_can_be_disabled(tiny_cfg, tmp_path):
    results = train(
        tiny_cfg("optimizer.lr=1e4", "trainer.max_epochs=3", "trainer.gradient_clip_val=null",
                 "divergence.check=false")
    )  # fmt: skip
    assert results["global_step"] == 12 and not (tmp_path / "run" / "failed.json").exists()
