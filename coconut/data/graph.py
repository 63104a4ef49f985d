"""The reasoning graph of a question: one type for the verifier, the probes and the search.

A :class:`ReasoningGraph` is a directed graph over named nodes with a root (the entity
the question is about), a target (the correct answer) and maybe a negative target (the
wrong candidate). A ProsQA record carries it in its graph fields (``idx_to_symbol``,
``edges``, ``root``, ``target``, ``neg_target``), in natural language or in the symbolic
form (:mod:`coconut.data.symbolic`, where node ``i`` is named ``"i"``); build it with
:meth:`ReasoningGraph.from_record`, which names the file and index of a malformed record.
ProntoQA ontologies (:mod:`coconut.probe.prontoqa`) and a question's stated facts
(:mod:`coconut.search.worlds`) are built into the same type.

The methods answer what the readers ask of a graph: shortest distances and their layers,
reachability, the frontier after ``k`` hops (two definitions, :data:`FRONTIER_DEFINITIONS`),
each node's height, whether nodes form a path, and the layers of every path of a given
length from the root to a node.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from coconut.data.schema import GRAPH_FIELDS, GraphRecord

FRONTIER_DEFINITIONS = ("walk", "distance")
"""The two frontiers after ``k`` hops, by name (:meth:`ReasoningGraph.frontier`)."""


class MissingGraphError(ValueError):
    """Raised when a graph is asked of an example without the graph fields."""


def where(index: int | None = None, source: str | None = None) -> str:
    """How an error message names a record: ``"f.json[3]"``, ``"example 3"``, ``"example"``."""
    if source is not None:
        return f"{source}[{index if index is not None else '?'}]"
    return "example" if index is None else f"example {index}"


def _adjacency(n: int, edges: Iterable[tuple[int, int]], reverse: bool) -> tuple:
    """Neighbour tuples per node, duplicates dropped, first-seen order kept."""
    out: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        src, dst = (b, a) if reverse else (a, b)
        if dst not in out[src]:
            out[src].append(dst)
    return tuple(tuple(nodes) for nodes in out)


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
        children: each node's children, in edge order, without duplicates.
        parents: each node's parents, in edge order, without duplicates.
    """

    names: tuple[str, ...]
    edges: tuple[tuple[int, int], ...]
    root: int
    target: int
    neg_target: int | None = None
    texts: tuple[str, ...] = ()
    children: tuple[tuple[int, ...], ...] = field(init=False, repr=False)
    parents: tuple[tuple[int, ...], ...] = field(init=False, repr=False)

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
        object.__setattr__(self, "children", _adjacency(n, self.edges, reverse=False))
        object.__setattr__(self, "parents", _adjacency(n, self.edges, reverse=True))

    @classmethod
    def from_record(
        cls,
        record: GraphRecord | Mapping[str, Any],
        *,
        index: int | None = None,
        source: str | None = None,
        name: str | None = None,
    ) -> ReasoningGraph:
        """The graph of a ProsQA record with graph fields (natural language or symbolic).

        Args:
            record: the example.
            index: its position in its file, for error messages.
            source: the file, for error messages.
            name: how error messages name the record, in place of the index and source.

        Raises:
            MissingGraphError: naming the record and the missing fields.
            ValueError: naming the record, if a field is not a node index (or list of
                index pairs) or an index lies outside ``idx_to_symbol``.
        """
        at = name or where(index, source)
        missing = [f for f in GRAPH_FIELDS if f not in record or record[f] is None]
        if missing:
            raise MissingGraphError(
                f"{at}: missing the ProsQA graph field(s) {missing}; graph analysis needs "
                f"{list(GRAPH_FIELDS)} (a ProsQA file as published or made by coconut-data)"
            )
        try:
            return cls(
                names=tuple(str(s) for s in record["idx_to_symbol"]),
                edges=tuple((int(a), int(b)) for a, b in record["edges"]),
                root=int(record["root"]),
                target=int(record["target"]),
                neg_target=int(record["neg_target"]),
            )
        except (TypeError, ValueError) as err:
            raise ValueError(f"{at}: malformed ProsQA graph: {err}") from err

    @classmethod
    def over_indices(cls, edges: Iterable[Sequence[int]], root: int, target: int) -> ReasoningGraph:
        """The graph of bare index ``edges``, its nodes named ``"0" .. "n-1"`` as in the
        symbolic form (``n`` is one more than the largest index named)."""
        pairs = tuple((int(s), int(t)) for s, t in edges)
        n = 1 + max([int(root), int(target), *(v for pair in pairs for v in pair)])
        return cls(tuple(str(i) for i in range(n)), pairs, int(root), int(target))

    @classmethod
    def from_facts(
        cls, facts: Iterable[tuple[str, str]], root: str, target: str, neg_target: str | None
    ) -> ReasoningGraph:
        """The graph of named ``(subject, object)`` facts; nodes in order of first mention,
        the root first."""
        pairs = list(facts)
        names: dict[str, int] = {}
        for name in (root, target, neg_target, *(v for pair in pairs for v in pair)):
            if name is not None:
                names.setdefault(name, len(names))
        return cls(
            names=tuple(names),
            edges=tuple((names[a], names[b]) for a, b in pairs),
            root=names[root],
            target=names[target],
            neg_target=None if neg_target is None else names[neg_target],
        )

    @property
    def num_nodes(self) -> int:
        """How many nodes the graph has."""
        return len(self.names)

    def index(self, name: str) -> int | None:
        """The node called ``name`` (``None`` if there is none)."""
        try:
            return self.names.index(name)
        except ValueError:
            return None

    def has_edge(self, parent: int, child: int) -> bool:
        """Whether ``parent -> child`` is an edge."""
        return child in self.children[parent]

    def distances(self, source: int | None = None) -> list[int | None]:
        """Shortest hop counts from ``source`` (the root by default); ``None`` if
        unreachable."""
        start = self.root if source is None else source
        return _hops([start], self.children, self.num_nodes)

    def distance_layers(self, source: int | None = None) -> list[list[int]]:
        """Layer ``k`` holds the nodes at shortest distance ``k`` from ``source`` (the
        root by default), sorted; as many layers as the farthest reachable node needs."""
        layers: list[list[int]] = []
        for node, d in enumerate(self.distances(source)):
            if d is not None:
                layers.extend([] for _ in range(d + 1 - len(layers)))
                layers[d].append(node)
        return layers

    def reachable(self, source: int | None = None) -> list[int]:
        """Nodes reachable from ``source`` (the root by default; itself included), sorted."""
        return [i for i, d in enumerate(self.distances(source)) if d is not None]

    def reaches(self, source: int, goal: int) -> bool:
        """Whether some path (maybe empty) leads from ``source`` to ``goal``."""
        return self.distances(source)[goal] is not None

    def frontier(self, k: int, definition: str = "walk") -> list[int]:
        """The frontier after ``k`` hops from the root, sorted.

        Two definitions, which agree on a DAG where every path from the root to a node has
        the same length and differ elsewhere (on the published ProsQA valid split in 1,203
        of its 1,800 (record, k) pairs):

        - ``"walk"`` (:meth:`walk_frontier`): nodes reached by *some walk of exactly k
          edges*. This is the set a breadth-first expansion that forgets where it has been
          holds at step ``k``, the Coconut paper's Figure 8 view, and the default here.
        - ``"distance"`` (:meth:`distance_frontier`): nodes whose shortest distance from
          the root is exactly ``k``. This is the frontier of *Reasoning by Superposition*
          (Zhu et al., 2025), whose figures split the reachable set into the frontier
          ("exactly i steps from the root") and the nodes reached earlier.

        Raises:
            ValueError: for a negative ``k`` or an unknown definition.
        """
        if definition == "walk":
            return self.walk_frontier(k)
        if definition == "distance":
            return self.distance_frontier(k)
        raise ValueError(
            f"frontier definition must be one of {FRONTIER_DEFINITIONS}, got {definition!r}"
        )

    def walk_frontier(self, k: int) -> list[int]:
        """Nodes reachable from the root by some walk of exactly ``k`` edges, sorted."""
        return sorted(self.walk_layers(k)[-1])

    def walk_layers(self, k: int, source: int | None = None) -> list[set[int]]:
        """Layer ``j`` (``j = 0 .. k``) holds the ends of the ``j``-edge walks from
        ``source`` (the root by default).

        Raises:
            ValueError: for a negative ``k``.
        """
        _check_k(k)
        layers = [{self.root if source is None else source}]
        for _ in range(k):
            layers.append({child for node in layers[-1] for child in self.children[node]})
        return layers

    def distance_frontier(self, k: int) -> list[int]:
        """Nodes whose shortest distance from the root is exactly ``k``, sorted."""
        _check_k(k)
        return [i for i, d in enumerate(self.distances()) if d == k]

    def reachable_within(self, k: int) -> list[int]:
        """Nodes at most ``k`` hops from the root (the root included), sorted."""
        _check_k(k)
        return sorted(i for i, d in enumerate(self.distances()) if d is not None and d <= k)

    def heights(self) -> list[int | None]:
        """Each node's shortest distance to a leaf (a node without children); ``None``
        for a node from which no leaf can be reached (a cycle with no way out)."""
        leaves = [i for i in range(self.num_nodes) if not self.children[i]]
        return _hops(leaves, self.parents, self.num_nodes)  # along reversed edges

    def is_path(self, nodes: Sequence[int]) -> bool:
        """Whether every consecutive pair of ``nodes`` is an edge."""
        return all(self.has_edge(a, b) for a, b in itertools.pairwise(nodes))

    def path_layers(self, length: int, target: int | None = None) -> list[set[int]]:
        """The nodes that stand ``k`` edges along some ``length``-edge path from the root
        to ``target`` (the graph's target by default), for ``k = 0 .. length``.

        Raises:
            ValueError: if no such path exists.
        """
        goal = self.target if target is None else target
        ahead = self.walk_layers(length)
        behind = [{goal}]  # nodes exactly j edges before the goal
        for _ in range(length):
            behind.append({p for node in behind[-1] for p in self.parents[node]})
        layers = [ahead[k] & behind[length - k] for k in range(length + 1)]
        if not all(layers):
            raise ValueError(f"no {length}-edge path from {self.root} to {goal}")
        return layers


def _check_k(k: int) -> None:
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")


def _hops(
    starts: Sequence[int], neighbours: Sequence[Iterable[int]], size: int
) -> list[int | None]:
    """Breadth-first hop counts from every node of ``starts`` at once, following
    ``neighbours``; ``None`` for a node never reached."""
    hops: list[int | None] = [None] * size
    for start in starts:
        hops[start] = 0
    queue = deque(starts)
    while queue:
        node = queue.popleft()
        for other in neighbours[node]:
            if hops[other] is None:
                hops[other] = hops[node] + 1
                queue.append(other)
    return hops
