"""Reasoning graphs of ProsQA-style questions: reachability, frontiers and node heights.

A :class:`ReasoningGraph` is a directed graph over named nodes with a root (the entity
the question is about) and the two candidate answers. ProsQA examples carry it in their
graph fields (:func:`graph_from_record`); ProntoQA questions are parsed into one by
:mod:`coconut.probe.prontoqa`. After ``k`` continuous thoughts the paper's *frontier*
is the set of nodes ``k`` hops from the root; the functions here compute it, the nodes
reachable within ``k`` hops, and each node's *height* (shortest distance to a leaf).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from coconut.data.schema import GRAPH_FIELDS


class MissingGraphError(ValueError):
    """Raised when graph analysis is asked of an example without the graph fields."""


@dataclass(frozen=True)
class ReasoningGraph:
    """A question's graph.

    Attributes:
        names: node names (``idx_to_symbol``); node ``i`` is ``names[i]``.
        edges: ``(parent, child)`` index pairs.
        root: the entity node the question starts from.
        target: the node of the correct answer.
        neg_target: the node of the wrong candidate answer (``None`` if there is none).
        texts: what follows the language-mode prefix when the model names each node
            (``" " + name`` unless given).
    """

    names: tuple[str, ...]
    edges: tuple[tuple[int, int], ...]
    root: int
    target: int
    neg_target: int | None = None
    texts: tuple[str, ...] = ()
    children: tuple[tuple[int, ...], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.names)
        for i, (a, b) in enumerate(self.edges):
            if not (0 <= a < n and 0 <= b < n):
                raise ValueError(f"edges[{i}]: ({a}, {b}) names a node outside 0..{n - 1}")
        for name in ("root", "target", "neg_target"):
            node = getattr(self, name)
            if node is not None and not 0 <= node < n:
                raise ValueError(f"{name}: node {node} is outside 0..{n - 1}")
        if not self.texts:
            object.__setattr__(self, "texts", tuple(" " + s for s in self.names))
        elif len(self.texts) != n:
            raise ValueError(f"texts: {len(self.texts)} texts for {n} nodes")
        children: list[list[int]] = [[] for _ in range(n)]
        for a, b in self.edges:
            if b not in children[a]:
                children[a].append(b)
        object.__setattr__(self, "children", tuple(tuple(c) for c in children))

    @property
    def num_nodes(self) -> int:
        return len(self.names)

    def index(self, name: str) -> int | None:
        """The node called ``name`` (``None`` if there is none)."""
        try:
            return self.names.index(name)
        except ValueError:
            return None

    def has_edge(self, parent: int, child: int) -> bool:
        return child in self.children[parent]


def graph_from_record(record: Mapping[str, Any], index: int | None = None) -> ReasoningGraph:
    """The graph of a ProsQA record (fields ``idx_to_symbol``, ``edges``, ``root``, ...).

    Raises:
        MissingGraphError: naming the example and the missing fields.
    """
    missing = [f for f in GRAPH_FIELDS if f not in record or record[f] is None]
    if missing:
        where = "example" if index is None else f"example {index}"
        raise MissingGraphError(
            f"{where}: missing the ProsQA graph field(s) {missing}; frontier analysis needs "
            f"{list(GRAPH_FIELDS)} (a ProsQA file as published or made by coconut-data)"
        )
    return ReasoningGraph(
        names=tuple(record["idx_to_symbol"]),
        edges=tuple((int(a), int(b)) for a, b in record["edges"]),
        root=int(record["root"]),
        target=int(record["target"]),
        neg_target=int(record["neg_target"]),
    )


def distances(graph: ReasoningGraph, source: int | None = None) -> list[int | None]:
    """Shortest hop counts from ``source`` (the root by default); ``None`` if unreachable."""
    start = graph.root if source is None else source
    dist: list[int | None] = [None] * graph.num_nodes
    dist[start] = 0
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in graph.children[node]:
            if dist[child] is None:
                dist[child] = dist[node] + 1
                queue.append(child)
    return dist


def frontier(graph: ReasoningGraph, k: int) -> list[int]:
    """Nodes reachable from the root by some walk of exactly ``k`` edges, sorted.

    On a DAG whose paths to a node all have the same length this equals
    ``{v: distance(v) == k}``; in general (cycles, paths of several lengths) a node can
    be on several frontiers.
    """
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    layer = {graph.root}
    for _ in range(k):
        layer = {child for node in layer for child in graph.children[node]}
    return sorted(layer)


def reachable_within(graph: ReasoningGraph, k: int) -> list[int]:
    """Nodes at most ``k`` hops from the root (the root included), sorted."""
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    return sorted(i for i, d in enumerate(distances(graph)) if d is not None and d <= k)


def heights(graph: ReasoningGraph) -> list[int | None]:
    """Each node's shortest distance to a leaf (a node without children).

    Leaves have height 0; a node from which no leaf can be reached (a cycle with no way
    out) has ``None``.
    """
    parents: list[list[int]] = [[] for _ in range(graph.num_nodes)]
    for a, b in graph.edges:
        parents[b].append(a)
    height: list[int | None] = [None] * graph.num_nodes
    queue = deque(i for i in range(graph.num_nodes) if not graph.children[i])
    for leaf in queue:
        height[leaf] = 0
    while queue:  # breadth-first from every leaf at once, along reversed edges
        node = queue.popleft()
        for parent in parents[node]:
            if height[parent] is None:
                height[parent] = height[node] + 1
                queue.append(parent)
    return height
