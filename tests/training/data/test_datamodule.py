"""The data module: each epoch's layouts, its order, and sharded evaluation prompts."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from coconut.curriculum import (
    Collator,
    build_method,
    build_prompt,
    build_sequence,
    tokenize_example,
)
from coconut.model.tokens import TokenIds
from coconut.training.data.datamodule import CurriculumDataModule
from coconut.training.lightning.stage_callback import CurriculumCallback


@pytest.fixture(scope="module")
def setup(make_records, make_tokenizer):
    records = make_records(12, seed=0)
    tokenizer = make_tokenizer(records)
    ids = TokenIds.from_tokenizer(tokenizer)
    examples = [tokenize_example(r, tokenizer) for r in records]
    return records, examples, ids


def _module(setup, method, *, epoch=0, rank=0, world=1, batch=4):
    records, examples, ids = setup
    dm = CurriculumDataModule(
        {"train": examples, "val": examples[:5]},
        {"val": [r["answer"] for r in records[:5]]},
        CurriculumCallback(method), ids, batch_size=batch, eval_batch_size=2, seed=7,
    )  # fmt: skip
    dm.trainer = SimpleNamespace(current_epoch=epoch, global_rank=rank, world_size=world)
    return dm


@pytest.mark.parametrize("epoch", [0, 1, 2, 3, 5])
def test_train_batches_hold_the_stage_layouts_of_the_epoch(setup, epoch):
    _, examples, ids = setup
    method = build_method(name="coconut", max_latent_stage=2, epochs_per_stage=1)
    loader = _module(setup, method, epoch=epoch).train_dataloader()
    order = list(loader.sampler)
    stage = method.stage_for_epoch(epoch)
    collate = Collator(pad_id=ids.eos, latent_id=ids.latent)
    batches = list(loader)
    assert len(batches) == 3
    for b, batch in enumerate(batches):
        rows = order[4 * b : 4 * b + 4]
        seqs = [build_sequence(examples[i], stage, method, ids) for i in rows]
        expected = collate([{"input_ids": s.input_ids, "labels": s.labels} for s in seqs])
        for key in ("input_ids", "labels", "attention_mask", "position_ids"):
            assert batch[key].tolist() == expected[key].tolist()


def test_order_changes_with_the_epoch_and_repeats_with_it(setup):
    method = build_method(name="cot")
    first = list(_module(setup, method, epoch=0).train_dataloader().sampler)
    again = list(_module(setup, method, epoch=0).train_dataloader().sampler)
    other = list(_module(setup, method, epoch=1).train_dataloader().sampler)
    assert first == again and first != other and sorted(first) == list(range(12))


def test_uniform_mixing_is_deterministic_per_epoch(setup):
    method = build_method(name="coconut", max_latent_stage=3, epochs_per_stage=1, uniform_prob=1.0)
    a = _module(setup, method, epoch=0).train_dataloader().dataset
    b = _module(setup, method, epoch=0).train_dataloader().dataset
    assert [a[i]["input_ids"] for i in range(12)] == [b[i]["input_ids"] for i in range(12)]
    _, examples, ids = setup
    scheduled = [build_sequence(examples[i], 0, method, ids).input_ids for i in range(12)]
    assert [a[i]["input_ids"] for i in range(12)] != scheduled


@pytest.mark.parametrize("world", [1, 2, 3])
def test_eval_prompts_cover_every_example_once_across_ranks(setup, world):
    _, examples, ids = setup
    method = build_method(name="coconut", max_latent_stage=2, epochs_per_stage=1)
    seen, lengths = [], set()
    for rank in range(world):
        loader = _module(setup, method, epoch=1, rank=rank, world=world).val_dataloader()
        lengths.add(len(loader))
        for batch in loader:
            for row, real in enumerate(batch["real"].tolist()):
                index = int(batch["index"][row])
                prompt = build_prompt(examples[index], 1, method, ids).input_ids
                width = batch["input_ids"].shape[1]
                assert batch["input_ids"][row, width - len(prompt) :].tolist() == prompt
                assert int(batch["n_latent"][row]) == 1
                if real:
                    seen.append(index)
    assert sorted(seen) == list(range(5))
    assert len(lengths) == 1  # every rank runs the same number of batches


def test_forced_eval_stage(setup):
    method = build_method(name="coconut", max_latent_stage=2, epochs_per_stage=1)
    dm = _module(setup, method, epoch=0)
    dm.curriculum.force_eval_stage(3)
    batch = next(iter(dm.val_dataloader()))
    assert batch["n_latent"].tolist() == [2, 2]
