"""A tiny Coconut run on generated ProsQA data, trained once per test session."""

from __future__ import annotations

import pytest

from coconut.data import generate_prosqa


def write_prosqa(root, sizes=(48, 8, 8)):
    """Small ProsQA splits (10-node graphs, 2-3 steps) in ``root/{train,val,test}.json``."""
    from coconut.data import write_examples

    for split, n, seed in zip(("train", "val", "test"), sizes, (0, 1, 2), strict=True):
        write_examples(
            generate_prosqa(n, seed, num_nodes=10, min_steps=2, max_steps=3), root / f"{split}.json"
        )
    return root


@pytest.fixture(scope="session")
def prosqa_run(tmp_path_factory, compose_cfg, tiny_args):
    """A finished coconut-train run directory (tiny model, 2 epochs, uniform_prob 0.5),
    logged by W&B offline."""
    from coconut.training.train import train

    mp = pytest.MonkeyPatch()
    mp.setenv("WANDB_MODE", "offline")
    mp.setenv("WANDB_SILENT", "true")
    root = tmp_path_factory.mktemp("prosqa")
    data = write_prosqa(root / "data")
    run_dir = root / "run"
    base = [a for a in tiny_args(data, run_dir) if not a.startswith("logger=")]
    cfg = compose_cfg(
        [
            *base,
            "trainer.max_epochs=2",
            "method.uniform_prob=0.5",
            "eval.max_new_tokens=32",
            "logger=wandb",
        ]
    )
    try:
        train(cfg)
    finally:
        mp.undo()
    return run_dir
