"""Per-epoch fact shuffling through the data module (``data.shuffle_facts``)."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pytest

from coconut.curriculum import build_method
from coconut.model.tokens import TokenIds
from coconut.training.data.datamodule import CurriculumDataModule
from coconut.training.data.fact_shuffle import FactShuffle
from coconut.training.lightning.stage_callback import CurriculumCallback


@pytest.fixture(scope="module")
def data(symbolic_examples):
    return symbolic_examples


def _epoch_rows(data, epoch: int, shuffle: bool) -> list[list[int]]:
    """The training ``input_ids`` of every example at ``epoch``, in example order."""
    records, tokenizer, examples = data
    ids = TokenIds.from_tokenizer(tokenizer)
    fact_shuffle = FactShuffle([r["question"] for r in records], tokenizer, "train.json")
    dm = CurriculumDataModule(
        {"train": examples}, {}, CurriculumCallback(build_method(name="cot")), ids,
        batch_size=2, eval_batch_size=2, seed=3, shuffle=fact_shuffle if shuffle else None,
    )  # fmt: skip
    dm.trainer = SimpleNamespace(current_epoch=epoch, global_rank=0, world_size=1)
    dataset = dm.train_dataloader().dataset
    return [dataset[i]["input_ids"] for i in range(len(examples))]


def _edges(tokenizer, row: list[int]) -> Counter:
    text = tokenizer.decode(row).split("[Q]")[0]
    return Counter(fact.strip() for fact in text.split("|") if fact.strip())


def test_each_epoch_orders_the_facts_anew_and_keeps_their_multiset(data):
    _, tokenizer, examples = data
    first, second = _epoch_rows(data, 0, True), _epoch_rows(data, 1, True)
    assert first != second
    assert first == _epoch_rows(data, 0, True)  # a resumed epoch sees the same order
    for a, b, ex in zip(first, second, examples, strict=True):
        assert _edges(tokenizer, a) == _edges(tokenizer, b) == _edges(tokenizer, ex.question)
        assert sorted(a) == sorted(b)  # same tokens, steps and answer included
        assert a[len(ex.question) :] == b[len(ex.question) :]


def test_without_shuffling_epochs_are_byte_identical(data):
    _, _, examples = data
    rows = _epoch_rows(data, 0, False)
    assert rows == _epoch_rows(data, 1, False)
    assert [r[: len(ex.question)] for r, ex in zip(rows, examples, strict=True)] == [
        ex.question for ex in examples
    ]


def test_a_question_that_cannot_be_shuffled_is_refused_before_training(data):
    _, tokenizer, _ = data
    with pytest.raises(ValueError, match=r"train\.json\[1\]: data\.shuffle_facts=true"):
        FactShuffle(["0 1 | [Q] 1 2 [R] 0", "How many apples?"], tokenizer, "train.json")
