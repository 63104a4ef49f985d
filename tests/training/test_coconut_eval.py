"""``coconut-eval``: the same scores as the run's own final evaluation, and forced stages."""

from __future__ import annotations

import hashlib
import json

import pytest
from hydra import compose, initialize_config_dir

from coconut.curriculum import build_method
from coconut.hydra_app import CONFIG_DIR
from coconut.model.tokens import TokenIds
from coconut.tokenizers.saved import record_texts
from coconut.tokenizers.word import train_word_tokenizer
from coconut.training.data.tokenizing import ContextLengthError, tokenize_split
from coconut.training.evaluate import evaluate, screen_prompts
from coconut.training.train import train


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
    written = json.loads(
        (run_dir / "eval" / f"test-{scored['sha256'][:12]}-stage3.json").read_text()
    )
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


def _long_record(record: dict, repeat: int) -> dict:
    return {**record, "question": " ".join([record["question"]] * repeat)}


def test_any_file_of_the_task_end_to_end(run_dir, make_records, tmp_path):
    """A file the run never saw: scored, named with its hash, predictions in file order."""
    path = tmp_path / "held_out.json"
    path.write_text(json.dumps(make_records(5, seed=9)))
    scored = evaluate(_eval_cfg(f"run_dir={run_dir}", f"split_path={path}", "max_new_tokens=8"))
    assert scored["file"] == str(path)
    assert scored["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert scored["num_examples"] == 5 and scored["skipped"]["count"] == 0
    assert [p["index"] for p in scored["predictions"]] == list(range(5))
    written = json.loads(
        (run_dir / "eval" / f"held_out-{scored['sha256'][:12]}-stage3.json").read_text()
    )
    assert written["sha256"] == scored["sha256"]


def test_over_long_prompts_are_reported_before_evaluation(run_dir, make_records, tmp_path):
    records = make_records(6, seed=11)
    records[1] = _long_record(records[1], 10)
    records[4] = _long_record(records[4], 12)
    path = tmp_path / "long.json"
    path.write_text(json.dumps(records))
    with pytest.raises(ContextLengthError, match=r"2 example\(s\).*longest: example 4") as err:
        evaluate(_eval_cfg(f"run_dir={run_dir}", f"split_path={path}", "max_new_tokens=8"))
    assert "skip_unfit=true" in str(err.value) and str(path) in str(err.value)
    assert not list((run_dir / "eval").glob("long-*"))
    scored = evaluate(
        _eval_cfg(f"run_dir={run_dir}", f"split_path={path}", "max_new_tokens=8", "skip_unfit=true")
    )
    assert scored["skipped"] == {"count": 2, "too_long": [1, 4], "unknown": []}
    assert scored["num_examples"] == 4
    assert [p["index"] for p in scored["predictions"]] == [0, 2, 3, 5]


def test_screen_counts_words_a_word_tokenizer_cannot_represent(make_records):
    records = make_records(4, seed=3)
    tokenizer = train_word_tokenizer(record_texts(records))
    records[2] = {**records[2], "question": records[2]["question"] + " Every zorblax is a wumpus."}
    examples, _ = tokenize_split(records, tokenizer, "x.json")
    method = build_method(name="cot")
    ids = TokenIds.from_tokenizer(tokenizer, method.special_tokens())

    screen = screen_prompts(examples, method, ids, tokenizer, 1000, 8, 0, "x.json")
    assert screen.unknown == [2] and screen.too_long == [] and screen.unfit == [2]
    lengths = [len(e.question) + 8 for e in examples]
    assert screen.longest == (lengths.index(max(lengths)), max(lengths))
    assert "1 with words the tokenizer cannot represent (first: example 2)" in screen.message()


@pytest.mark.slow
def test_a_symbolic_run_scores_any_converted_prosqa_file(symbolic_run, tmp_path):
    """A natural-language ProsQA file the run never saw, converted by coconut-data symbolize."""
    from coconut.data import generate_prosqa
    from coconut.data.cli import main as data_main

    run, _ = symbolic_run
    source = tmp_path / "held_out_nl.json"
    source.write_text(json.dumps(generate_prosqa(6, seed=11, num_nodes=8, max_steps=3)))
    converted = tmp_path / "held_out_symbolic.json"
    assert data_main(["symbolize", str(source), str(converted)]) == 0
    scored = evaluate(_eval_cfg(f"run_dir={run}", f"split_path={converted}"))
    assert scored["num_examples"] == 6 and scored["skipped"]["count"] == 0
    assert scored["sha256"] == hashlib.sha256(converted.read_bytes()).hexdigest()
    assert all(p["gold"].isdigit() for p in scored["predictions"])
