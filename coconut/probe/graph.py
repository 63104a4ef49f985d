"""Reasoning graphs of ProsQA-style questions: reachability, frontiers and node heights.

A :class:`ReasoningGraph` is a directed graph over named nodes with a root (the entity
the question is about) and the two candidate answers. ProsQA examples carry it in their
graph fields (:func:`graph_from_record`); ProntoQA questions are parsed into one by
:mod:`coconut.probe.prontoqa`. The *frontier* after ``k`` hops is defined two ways, by
name (:data:`FRONTIER_DEFINITIONS`: nodes at the end of some ``k``-edge walk, or nodes at
shortest distance ``k``); the functions here compute both, the nodes reachable within
``k`` hops, and each node's *height* (shortest distance to a leaf).
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


FRONTIER_DEFINITIONS = ("walk", "distance")
"""The two frontiers after ``k`` hops, by name (:func:`frontier`)."""


def frontier(graph: ReasoningGraph, k: int, definition: str = "walk") -> list[int]:
    """The frontier after ``k`` hops from the root, sorted.

    Two definitions, which agree on a DAG where every path from the root to a node has
    the same length and differ elsewhere (on the published ProsQA valid split in 1,203
    of its 1,800 (record, k) pairs):

    - ``"walk"`` (:func:`walk_frontier`): nodes reached by *some walk of exactly k
      edges*. This is the set a breadth-first expansion that forgets where it has been
      holds at step ``k``, the Coconut paper's Figure 8 view, and the default here.
    - ``"distance"`` (:func:`distance_frontier`): nodes whose shortest distance from the
      root is exactly ``k``. This is the frontier of *Reasoning by Superposition*
      (Zhu et al., 2025), whose figures split the reachable set into the frontier
      ("exactly i steps from the root") and the nodes reached earlier.

    Raises:
        ValueError: for a negative ``k`` or an unknown definition.
    """
    if definition == "walk":
        return walk_frontier(graph, k)
    if definition == "distance":
        return distance_frontier(graph, k)
    raise ValueError(
        f"frontier definition must be one of {FRONTIER_DEFINITIONS}, got {definition!r}"
    )


def walk_frontier(graph: ReasoningGraph, k: int) -> list[int]:
    """Nodes reachable from the root by some walk of exactly ``k`` edges, sorted."""
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    layer = {graph.root}
    for _ in range(k):
        layer = {child for node in layer for child in graph.children[node]}
    return sorted(layer)


def distance_frontier(graph: ReasoningGraph, k: int) -> list[int]:
    """Nodes whose shortest distance from the root is exactly ``k``, sorted."""
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    return [i for i, d in enumerate(distances(graph)) if d == k]


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
