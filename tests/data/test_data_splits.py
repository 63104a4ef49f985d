"""Train/valid/test splits: per-split seeds and disjointness."""

from __future__ import annotations

import pytest

from coconut.data import generate_splits, prontoqa
from coconut.data.prontoqa import CONCEPT_WORDS
from coconut.data.splits import split_seed


def test_split_seeds_differ_and_are_stable() -> None:
    seeds = {split_seed(0, s) for s in ("train", "valid", "test")} | {split_seed(1, "train")}
    assert len(seeds) == 4
    assert split_seed(0, "train") == split_seed(0, "train") < 2**63


def test_other_splits_do_not_depend_on_train_size() -> None:
    small = generate_splits("prontoqa", (5, 3, 3), seed=0)
    large = generate_splits("prontoqa", (9, 3, 3), seed=0)
    assert small["test"] == large["test"] and small["valid"] == large["valid"]
    assert small["train"] == large["train"][:5]


def test_splits_are_disjoint_even_when_collisions_are_likely(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # shrink the pools to 216 possible 1-hop questions, so independent draws collide
    monkeypatch.setattr(prontoqa, "CONCEPT_WORDS", CONCEPT_WORDS[:6])
    monkeypatch.setattr(prontoqa, "FIRST_NAMES", ("Ana",))
    monkeypatch.setattr(prontoqa, "PROPERTY_FAMILIES", (("red",), ("hot",), ("soft",)))
    options = {"hops": 1, "distractors": False}
    independent = [
        {r["question"] for r in prontoqa.generate_prontoqa(60, split_seed(0, s), **options)}
        for s in ("train", "valid")
    ]
    assert independent[0] & independent[1]  # without exclusion the splits would overlap
    splits = generate_splits("prontoqa", (100, 30, 30), seed=0, **options)
    questions = [r["question"] for records in splits.values() for r in records]
    assert len(questions) == len(set(questions)) == 160


@pytest.mark.parametrize(("task", "sizes"), [("gsm8k", (1, 1, 1)), ("prosqa", (1, 1))])
def test_bad_arguments(task: str, sizes: tuple) -> None:
    with pytest.raises(ValueError, match=r"unknown task|need 3 sizes"):
        generate_splits(task, sizes, seed=0)
