"""Reasoning graphs of ProsQA-style questions: reachability, frontiers and node heights.

The graph type is :class:`coconut.data.graph.ReasoningGraph` (a directed graph over named
nodes with a root and the two candidate answers); this module keeps the probes' function
names for it. ProsQA examples carry it in their graph fields (:func:`graph_from_record`);
ProntoQA questions are parsed into one by :mod:`coconut.probe.prontoqa`. The *frontier*
after ``k`` hops is defined two ways, by name (:data:`FRONTIER_DEFINITIONS`: nodes at the
end of some ``k``-edge walk, or nodes at shortest distance ``k``); the functions here
compute both, the nodes reachable within ``k`` hops, and each node's *height* (shortest
distance to a leaf).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coconut.data.graph import FRONTIER_DEFINITIONS, MissingGraphError, ReasoningGraph

__all__ = [
    "FRONTIER_DEFINITIONS",
    "MissingGraphError",
    "ReasoningGraph",
    "distance_frontier",
    "distances",
    "frontier",
    "graph_from_record",
    "heights",
    "reachable_within",
    "walk_frontier",
]


def graph_from_record(record: Mapping[str, Any], index: int | None = None) -> ReasoningGraph:
    """The graph of a ProsQA record (fields ``idx_to_symbol``, ``edges``, ``root``, ...).

    Raises:
        MissingGraphError: naming the example and the missing fields.
    """
    return ReasoningGraph.from_record(record, index=index)


def distances(graph: ReasoningGraph, source: int | None = None) -> list[int | None]:
    """Shortest hop counts from ``source`` (the root by default); ``None`` if unreachable."""
    return graph.distances(source)


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
    return graph.frontier(k, definition)


def walk_frontier(graph: ReasoningGraph, k: int) -> list[int]:
    """Nodes reachable from the root by some walk of exactly ``k`` edges, sorted."""
    return graph.walk_frontier(k)


def distance_frontier(graph: ReasoningGraph, k: int) -> list[int]:
    """Nodes whose shortest distance from the root is exactly ``k``, sorted."""
    return graph.distance_frontier(k)


def reachable_within(graph: ReasoningGraph, k: int) -> list[int]:
    """Nodes at most ``k`` hops from the root (the root included), sorted."""
    return graph.reachable_within(k)


def heights(graph: ReasoningGraph) -> list[int | None]:
    """Each node's shortest distance to a leaf (a node without children).

    Leaves have height 0; a node from which no leaf can be reached (a cycle with no way
    out) has ``None``.
    """
    return graph.heights()
