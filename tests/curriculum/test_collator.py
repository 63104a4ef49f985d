"""Collator: first-latent alignment, padding, masks, labels and prompt batches."""

from dataclasses import asdict

import pytest
import torch
from special_ids import BOT, EOS, EOT, LAT, X

from coconut.curriculum import (
    Collator,
    TokenizedExample,
    build_method,
    build_prompt,
    build_sequence,
)

P = EOS  # the pad id is the eos id


@pytest.fixture
def collate() -> Collator:
    return Collator(pad_id=EOS, latent_id=LAT)


def test_rows_are_aligned_on_the_first_latent_then_right_padded(collate):
    features = [
        {"input_ids": [1, 2, BOT, LAT, LAT, EOT, 5, 9, EOS], "labels": [X] * 6 + [5, 9, EOS]},
        {"input_ids": [1, 2, 3, 4, BOT, LAT, LAT, EOT, 9, EOS], "labels": [X] * 8 + [9, EOS]},
        {"input_ids": [1, 2, 3], "labels": [X, 2, 3]},
    ]
    batch = collate(features)
    assert batch["input_ids"].tolist() == [
        [P, P, 1, 2, BOT, LAT, LAT, EOT, 5, 9, EOS],
        [1, 2, 3, 4, BOT, LAT, LAT, EOT, 9, EOS, P],
        [1, 2, 3, P, P, P, P, P, P, P, P],
    ]
    assert batch["attention_mask"].tolist() == [
        [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0],
        [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
    ]
    assert batch["labels"].tolist() == [
        [X, X, X, X, X, X, X, X, 5, 9, EOS],
        [X, X, X, X, X, X, X, X, 9, EOS, X],
        [X, 2, 3, X, X, X, X, X, X, X, X],
    ]
    assert batch["position_ids"].tolist() == [
        [0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8],
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9],
        [0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2],
    ]
    assert all(t.dtype == torch.long for t in batch.values())


def test_stage_layouts_share_their_first_latent_column(collate, ids):
    examples = [
        TokenizedExample([1], [[3], [4], [5]], [9, EOS]),
        TokenizedExample([1, 2, 3, 4, 5], [[3, 3], [4]], [9, EOS]),
        TokenizedExample([1, 2, 3], [[3]], [9, EOS]),
    ]
    method = build_method(name="coconut", c_thought=1, max_latent_stage=3)
    features = [
        {"input_ids": s.input_ids, "labels": s.labels}
        for s in (build_sequence(e, 2, method, ids) for e in examples)
    ]
    batch = collate(features)
    first = (batch["input_ids"] == LAT).int().argmax(dim=1)
    assert first.tolist() == [6, 6, 6]  # the longest question puts its latent at column 6
    for b, feature in enumerate(features):  # every row keeps its tokens, in order
        kept = batch["attention_mask"][b].bool()
        assert batch["input_ids"][b][kept].tolist() == feature["input_ids"]
        assert batch["labels"][b][kept].tolist() == feature["labels"]
        assert batch["labels"][b][~kept].eq(X).all()


def test_without_latent_id_rows_are_only_right_padded():
    batch = Collator(pad_id=0)(
        [{"input_ids": [5, LAT, 6], "labels": [5, X, 6]}, {"input_ids": [7], "labels": [7]}]
    )
    assert batch["input_ids"].tolist() == [[5, LAT, 6], [7, 0, 0]]
    assert batch["labels"].tolist() == [[5, X, 6], [7, X, X]]


def test_prompts_are_left_padded_to_end_together(collate):
    batch = collate(
        [
            {"input_ids": [1, 2, BOT, LAT, EOT]},
            {"input_ids": [3, BOT, LAT, LAT, LAT, EOT]},
            {"input_ids": [4]},
        ]
    )
    assert set(batch) == {"input_ids", "attention_mask", "position_ids"}
    assert batch["input_ids"].tolist() == [
        [P, 1, 2, BOT, LAT, EOT],
        [3, BOT, LAT, LAT, LAT, EOT],
        [P, P, P, P, P, 4],
    ]
    assert batch["attention_mask"].tolist() == [
        [0, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1, 1],
        [0, 0, 0, 0, 0, 1],
    ]
    assert batch["position_ids"].tolist() == [
        [0, 0, 1, 2, 3, 4],
        [0, 1, 2, 3, 4, 5],
        [0, 0, 0, 0, 0, 0],
    ]


def test_tensors_in_and_extra_fields_passed_through(collate):
    batch = collate(
        [
            {"input_ids": torch.tensor([1, 2]), "idx": 4, "answer": "yes", "attention_mask": [1]},
            {"input_ids": torch.tensor([3]), "idx": 7, "answer": "no", "attention_mask": [1]},
        ]
    )
    assert batch["input_ids"].tolist() == [[1, 2], [P, 3]]
    assert batch["attention_mask"].tolist() == [[1, 1], [0, 1]]  # recomputed, not copied
    assert batch["idx"].tolist() == [4, 7]
    assert batch["answer"] == ["yes", "no"]


def test_sequences_as_dicts_are_features(collate, ex, ids):
    method = build_method(name="coconut", c_thought=1, max_latent_stage=2)
    train = collate([asdict(build_sequence(ex, k, method, ids)) for k in (0, 1, 3)])
    assert train["labels"].shape == train["input_ids"].shape == (3, 12)
    assert train["n_latent"].tolist() == [0, 1, 2]
    assert train["prompt_len"].tolist() == [4, 5, 6]
    prompts = collate([asdict(build_prompt(ex, k, method, ids)) for k in (0, 1, 3)])
    assert "labels" not in prompts
    assert prompts["input_ids"][:, -1].eq(EOT).all()


@pytest.mark.parametrize(
    ("features", "message"),
    [
        ([], "empty batch"),
        ([{"input_ids": [1], "labels": [1]}, {"input_ids": [2]}], "examples 0 and 1"),
        ([{"input_ids": [1, 2], "labels": [1]}], "example 0 has 2 input_ids but 1 labels"),
        ([{"input_ids": [1]}, {"input_ids": []}], "example 1 field 'input_ids'"),
        ([{"input_ids": [1], "idx": 0}, {"input_ids": [2]}], "example 1 lacks field 'idx'"),
        ([{"input_ids": torch.ones(1, 2, dtype=torch.long)}], "must be 1-D"),
    ],
)
def test_bad_batches_fail_clearly(collate, features, message):
    with pytest.raises(ValueError, match=message):
        collate(features)
