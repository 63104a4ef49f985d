"""``coconut-eval``: the same scores as the run's own final evaluation, and forced stages."""

from __future__ import annotations

import json

import pytest
from hydra import compose, initialize_config_dir

from coconut.training.evaluate import evaluate
from coconut.training.train import CONFIG_DIR, train


def _eval_cfg(*overrides: str):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose("eval", overrides=list(overrides))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, make_records, tiny_args, compose_cfg):
    """A 4-epoch coconut run (stages 0 to 3) on toy data, shared by the tests here."""
    root = tmp_path_factory.mktemp("eval")
    for split, (n, seed) in {"train": (32, 0), "val": (8, 1), "test": (8, 2)}.items():
        (root / f"{split}.json").write_text(json.dumps(make_records(n, seed=seed)))
    cfg = compose_cfg([*tiny_args(root, root / "run"), "trainer.max_epochs=4", "optimizer.lr=3e-3"])
    train(cfg)
    return root / "run"


@pytest.mark.slow
def test_eval_matches_the_runs_final_test_scores(run_dir):
    results = json.loads((run_dir / "results.json").read_text())
    scored = evaluate(_eval_cfg(f"run_dir={run_dir}", "split=test"))
    assert scored["stage"] == results["eval_stage"] == 3
    for metric in ("acc", "gen_tokens", "forward_passes", "num_examples"):
        assert scored[metric] == pytest.approx(results["test"][metric])
    written = json.loads((run_dir / "eval" / "test-stage3.json").read_text())
    assert written["acc"] == scored["acc"] and len(written["predictions"]) == 8
    assert sum(p["correct"] for p in written["predictions"]) == round(8 * scored["acc"])


@pytest.mark.slow
@pytest.mark.parametrize(("stage", "latents"), [(0, 0), (1, 1), (2, 2)])
def test_forced_stage_sets_the_latent_count(run_dir, stage, latents, tmp_path):
    out = tmp_path / "eval.json"
    scored = evaluate(
        _eval_cfg(f"run_dir={run_dir}", "split=val", f"stage={stage}", "checkpoint=last",
                  f"output={out}", "max_new_tokens=6")
    )  # fmt: skip
    assert scored["stage"] == stage and scored["num_examples"] == 8
    # each example: its latents plus 1..6 new tokens
    assert latents + 1 <= scored["gen_tokens"] <= latents + 6
    assert out.is_file()


def test_eval_of_a_missing_run_fails_clearly(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no config\.yaml"):
        evaluate(_eval_cfg(f"run_dir={tmp_path}"))
