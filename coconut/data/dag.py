"""Small directed-graph helpers shared by the ProsQA generator and verifier.

Graphs are given as ``children[node] -> list of child nodes`` over nodes ``0..n-1``.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable, Sequence


def children_lists(num_nodes: int, edges: Iterable[Sequence[int]]) -> list[list[int]]:
    """Adjacency lists from ``(parent, child)`` pairs (indices must be in range)."""
    children: list[list[int]] = [[] for _ in range(num_nodes)]
    for parent, child in edges:
        children[parent].append(child)
    return children


def distances_from(children: Sequence[Sequence[int]], source: int) -> dict[int, int]:
    """Number of edges on a shortest path from ``source`` to every node it reaches."""
    dist = {source: 0}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        for child in children[node]:
            if child not in dist:
                dist[child] = dist[node] + 1
                queue.append(child)
    return dist


def shortest_path(
    children: Sequence[Sequence[int]],
    source: int,
    target: int,
    rng: random.Random | None = None,
) -> list[int] | None:
    """One shortest path ``[source, ..., target]``, or None if ``target`` is unreachable.

    Args:
        children: adjacency lists.
        source: start node.
        target: end node.
        rng: when given, ties between shortest paths are broken at random.
    """
    previous: dict[int, int | None] = {source: None}
    queue = deque([source])
    while queue and target not in previous:
        node = queue.popleft()
        order = list(children[node])
        if rng is not None:
            rng.shuffle(order)
        for child in order:
            if child not in previous:
                previous[child] = node
                queue.append(child)
    if target not in previous:
        return None
    path = [target]
    while (parent := previous[path[-1]]) is not None:
        path.append(parent)
    return path[::-1]
