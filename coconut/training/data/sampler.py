"""Per-epoch data order that is sharded by rank and can resume in the middle of an epoch.

The order of an epoch is a permutation drawn from ``(seed, epoch)`` alone, so a resumed
run sees exactly the order the uninterrupted run saw, whatever happened before. Each rank
takes every ``world_size``-th index of that permutation (padded by wrapping around so all
ranks get the same number of batches, as ``DistributedSampler`` does).

:class:`ResumableDataLoader` counts the batches it has handed out; Lightning stores that
count in checkpoints (it calls ``state_dict`` on stateful loaders) and gives it back
through ``load_state_dict`` on resume, after which the loader skips those batches.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, Sampler

log = logging.getLogger(__name__)


class EpochSampler(Sampler[int]):
    """Indices of one epoch for one rank, optionally starting part-way through.

    Args:
        num_examples: size of the dataset.
        seed: run seed.
        epoch: epoch this sampler serves; with ``seed`` it fixes the permutation.
        shuffle: permute the examples (training) or keep file order (evaluation).
        rank: this process's rank.
        world_size: number of processes sharing the epoch.
    """

    def __init__(
        self,
        num_examples: int,
        *,
        seed: int,
        epoch: int,
        shuffle: bool = True,
        rank: int = 0,
        world_size: int = 1,
    ) -> None:
        if num_examples < 1:
            raise ValueError(f"EpochSampler: need at least one example, got {num_examples}")
        if not 0 <= rank < world_size:
            raise ValueError(f"EpochSampler: rank {rank} outside world of size {world_size}")
        self.num_examples = num_examples
        self.seed = seed
        self.epoch = epoch
        self.shuffle = shuffle
        self.rank = rank
        self.world_size = world_size
        self.start = 0

    def shard(self) -> list[int]:
        """This rank's indices for the whole epoch (ignoring ``start``)."""
        n = self.num_examples
        if self.shuffle:
            order = np.random.default_rng([self.seed, self.epoch]).permutation(n).tolist()
        else:
            order = list(range(n))
        padded = -(-n // self.world_size) * self.world_size
        order += order[: padded - n]
        return order[self.rank :: self.world_size]

    def __iter__(self) -> Iterator[int]:
        return iter(self.shard()[self.start :])

    def __len__(self) -> int:
        """Length of the full epoch's shard: a resumed loader keeps the epoch's length."""
        return -(-self.num_examples // self.world_size)

    def set_epoch(self, epoch: int) -> None:
        """Ignored: a sampler serves the one epoch it was built for.

        Lightning calls this on every epoch; the data module builds a new loader per epoch.
        """


class ResumableDataLoader(DataLoader):
    """A ``DataLoader`` over an :class:`EpochSampler` whose position survives a restart.

    Its length is always the whole epoch's number of batches, so Lightning's progress
    counters (restored from the checkpoint) and the loader stay in step.
    """

    def __init__(self, dataset: Dataset, sampler: EpochSampler, batch_size: int, **kwargs: Any):
        generator = torch.Generator().manual_seed(sampler.seed * 100_003 + sampler.epoch)
        super().__init__(
            dataset, batch_size=batch_size, sampler=sampler, generator=generator, **kwargs
        )
        self._served = 0

    def __iter__(self) -> Iterator[Any]:
        self._served = self.sampler.start // self.batch_size
        return self._count(super().__iter__())

    def _count(self, batches: Iterator[Any]) -> Iterator[Any]:
        for batch in batches:
            self._served += 1
            yield batch

    def state_dict(self) -> dict[str, int]:
        """The epoch and the number of batches handed out so far."""
        return {"epoch": self.sampler.epoch, "batches_served": self._served}

    def load_state_dict(self, state: dict[str, int]) -> None:
        """Skips the batches a checkpoint says were already trained on in this epoch.

        A state from another epoch (a checkpoint written at an epoch's end) is ignored:
        the new epoch starts from its first batch.
        """
        if state.get("epoch") != self.sampler.epoch:
            log.debug("loader state of epoch %s ignored in epoch %d", state, self.sampler.epoch)
            return
        served = int(state["batches_served"])
        if served >= len(self):
            return
        self.sampler.start = served * self.batch_size
        log.info("resuming epoch %d after %d batches", self.sampler.epoch, served)
