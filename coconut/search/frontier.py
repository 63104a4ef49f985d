"""A max-priority queue of search nodes; equal priorities come out first in, first out."""

from __future__ import annotations

import heapq
import itertools
from typing import Generic, TypeVar

T = TypeVar("T")


class Frontier(Generic[T]):
    """Pops the item of highest priority; ties go to the earliest pushed."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, T]] = []
        self._tick = itertools.count()

    def push(self, priority: float, item: T) -> None:
        """Adds ``item``."""
        heapq.heappush(self._heap, (-priority, next(self._tick), item))

    def pop(self) -> T:
        """Removes and returns the best item.

        Raises:
            IndexError: if the frontier is empty.
        """
        return heapq.heappop(self._heap)[2]

    def items(self) -> list[T]:
        """Every item still queued, best first."""
        return [item for _, _, item in sorted(self._heap)]

    def __len__(self) -> int:
        return len(self._heap)
