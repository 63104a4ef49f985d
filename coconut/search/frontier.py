"""A max-priority queue of search nodes; ties go to the deeper node, then the latest pushed.

With the oracle and the ``enumerate`` proposer every step that keeps the answer reachable
scores the same f, so A* meets ties at every expansion. Taken first in, first out they
turn the search into a breadth-first listing that can spend the whole budget on the first
levels; taken deeper first (then last in, first out) they follow one chain to its end,
which is what a tie between equally promising states calls for.
"""

from __future__ import annotations

import heapq
import itertools
from typing import Generic, TypeVar

T = TypeVar("T")


class Frontier(Generic[T]):
    """Pops the item of highest priority; ties go to the greatest depth, then to the
    latest pushed."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, int, T]] = []
        self._tick = itertools.count()

    def push(self, priority: float, item: T, depth: int = 0) -> None:
        """Adds ``item``; ``depth`` breaks ties of ``priority`` (deeper first)."""
        heapq.heappush(self._heap, (-priority, -depth, -next(self._tick), item))

    def pop(self) -> T:
        """Removes and returns the best item.

        Raises:
            IndexError: if the frontier is empty.
        """
        return heapq.heappop(self._heap)[3]

    def items(self) -> list[T]:
        """Every item still queued, best first."""
        return [entry[3] for entry in sorted(self._heap, key=lambda e: e[:3])]

    def __len__(self) -> int:
        return len(self._heap)
