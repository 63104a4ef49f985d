"""Epoch order: deterministic per (seed, epoch), sharded by rank, resumable mid-epoch."""

from __future__ import annotations

import pytest

from coconut.training.data.sampler import EpochSampler, ResumableDataLoader


def _loader(n: int = 10, batch: int = 3, **kwargs) -> ResumableDataLoader:
    sampler = EpochSampler(n, seed=kwargs.pop("seed", 0), epoch=kwargs.pop("epoch", 0), **kwargs)
    return ResumableDataLoader(list(range(n)), sampler, batch, collate_fn=list)


def test_order_depends_only_on_seed_and_epoch():
    a = list(EpochSampler(20, seed=3, epoch=1))
    assert a == list(EpochSampler(20, seed=3, epoch=1))
    assert sorted(a) == list(range(20))
    assert a != list(EpochSampler(20, seed=3, epoch=2))
    assert a != list(EpochSampler(20, seed=4, epoch=1))


def test_ranks_partition_the_epoch_with_equal_lengths():
    shards = [list(EpochSampler(7, seed=0, epoch=0, rank=r, world_size=2)) for r in range(2)]
    assert len(shards[0]) == len(shards[1]) == 4
    assert set(shards[0]) | set(shards[1]) == set(range(7))
    full = list(EpochSampler(7, seed=0, epoch=0))
    assert shards[0] == full[0::2] and shards[1][:3] == full[1::2]


def test_eval_order_is_file_order():
    assert list(EpochSampler(5, seed=9, epoch=4, shuffle=False)) == [0, 1, 2, 3, 4]


def test_loader_resumes_after_the_batches_served():
    full = list(_loader())
    first = _loader()
    it = iter(first)
    seen = [next(it), next(it)]
    state = first.state_dict()
    assert state == {"epoch": 0, "batches_served": 2}
    resumed = _loader()
    resumed.load_state_dict(state)
    assert len(resumed) == len(full) == 4  # the epoch keeps its length
    assert seen + list(resumed) == full
    assert resumed.state_dict()["batches_served"] == 4


def test_state_of_another_epoch_is_ignored():
    loader = _loader(epoch=1)
    loader.load_state_dict({"epoch": 0, "batches_served": 2})
    assert len(list(loader)) == 4


@pytest.mark.parametrize(("n", "rank", "world"), [(0, 0, 1), (5, 2, 2)])
def test_bad_sampler_arguments(n, rank, world):
    with pytest.raises(ValueError, match="EpochSampler"):
        EpochSampler(n, seed=0, epoch=0, rank=rank, world_size=world)
