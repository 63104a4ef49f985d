"""Symbolic ProsQA: the graph of a ProsQA record written with one token per node.

The form of *Reasoning by Superposition* (Zhu, Hao et al., 2025): a node is its index,
each edge is written ``"s t |"``, and the question ends ``"[Q] a b [R] root"``, where
``a b`` are the two options (target and negative target, in random order) and ``root``
is the question's entity. The reasoning steps are the nodes of the record's gold path
after the root, one per step, and the answer is the target's index::

    {"question": "0 2 | 1 3 | 3 4 | [Q] 4 2 [R] 1", "steps": ["3", "4"], "answer": "4"}

A symbolic record keeps the graph fields (``edges``, ``root``, ``target``,
``neg_target``), and its ``idx_to_symbol`` names node ``i`` ``"i"``, so every graph tool
(verifier, probes, search) reads it like any ProsQA record.

Conversion needs the graph fields; the gold path is read from the record's own steps
(the last word of each step names the node it reaches), so a converted record keeps the
record's path even where several shortest paths exist.
"""

from __future__ import annotations

import random
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from coconut.data.graph import ReasoningGraph
from coconut.data.graph import where as record_name
from coconut.data.prosqa import generate_prosqa

EDGE_END = "|"
QUERY_MARK = "[Q]"
ROOT_MARK = "[R]"
MARKERS = (EDGE_END, QUERY_MARK, ROOT_MARK)
MAX_NODES = 64
"""Node indices ``0 .. MAX_NODES - 1`` have tokens in the symbolic tokenizer
(:mod:`coconut.tokenizers.symbolic`; the published graphs use at most 28)."""
"""The words of the symbolic form besides node indices."""
GRAPH_FIELDS = ("idx_to_symbol", "edges", "root", "target", "neg_target")
_LAST_WORD = re.compile(r"(\S+?)[.?!]?\s*$")


def symbolic_question(edges: Sequence[Sequence[int]], options: Sequence[int], root: int) -> str:
    """``"s t | ... [Q] a b [R] root"`` for ``edges`` in the order given."""
    facts = " ".join(f"{s} {t} {EDGE_END}" for s, t in edges)
    query = f"{QUERY_MARK} {options[0]} {options[1]} {ROOT_MARK} {root}"
    return f"{facts} {query}" if facts else query


def symbolize(
    record: Mapping[str, Any],
    rng: random.Random,
    *,
    index: int | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """The symbolic form of one ProsQA ``record`` with graph fields.

    Args:
        record: a ProsQA record (natural language or already symbolic).
        rng: orders the edges and the two options.
        index: position of the record in its file, for error messages.
        source: the file, for error messages.

    Raises:
        ValueError: naming the file and index, if a graph field is missing or the steps
            do not name a path of the graph from the root to the target.
    """
    at = record_name(index, source or "<records>")
    missing = [key for key in GRAPH_FIELDS if key not in record]
    if missing:
        raise ValueError(
            f"{at}: not a ProsQA record with graph fields (missing {', '.join(missing)}); "
            "only ProsQA files that carry idx_to_symbol, edges, root, target and neg_target "
            "can be symbolized"
        )
    path = gold_path(record, at)
    edges = [list(map(int, edge)) for edge in record["edges"]]
    rng.shuffle(edges)
    options = [int(record["target"]), int(record["neg_target"])]
    rng.shuffle(options)
    n = len(record["idx_to_symbol"])
    return {
        "question": symbolic_question(edges, options, int(record["root"])),
        "steps": [str(node) for node in path[1:]],
        "answer": str(record["target"]),
        "idx_to_symbol": [str(i) for i in range(n)],
        "edges": edges,
        "root": int(record["root"]),
        "target": int(record["target"]),
        "neg_target": int(record["neg_target"]),
    }


def gold_path(record: Mapping[str, Any], where: str = "record") -> list[int]:
    """The record's path as node indices, root first, read from its steps.

    Args:
        record: a ProsQA record with graph fields.
        where: how error messages name the record.

    Raises:
        ValueError: if a graph field is malformed, a step names no node, or the nodes
            are not a path of the graph from the root to the target.
    """
    graph = ReasoningGraph.from_record(record, name=where)
    lookup = {symbol: i for i, symbol in enumerate(graph.names)}
    path = [graph.root]
    for k, step in enumerate(record["steps"]):
        match = _LAST_WORD.search(str(step))
        node = lookup.get(match.group(1)) if match else None
        if node is None:
            raise ValueError(f"{where}: step {k} ({step!r}) ends in no node of idx_to_symbol")
        path.append(node)
    if not graph.is_path(path) or path[-1] != graph.target:
        raise ValueError(
            f"{where}: the steps are not a path of the graph from the root "
            f"{record['root']} to the target {record['target']} (nodes {path})"
        )
    return path


def symbolize_records(
    records: Iterable[Mapping[str, Any]], *, seed: int = 0, source: str | None = None
) -> list[dict[str, Any]]:
    """:func:`symbolize` of every record, deterministically from ``seed``."""
    rng = random.Random(f"coconut-symbolize:{seed}")
    return [symbolize(r, rng, index=i, source=source) for i, r in enumerate(records)]


def generate_prosqa_symbolic(
    n: int, seed: int, *, exclude: Collection[str] = (), **options: Any
) -> list[dict[str, Any]]:
    """``n`` ProsQA graphs from :func:`~coconut.data.prosqa.generate_prosqa` (same ``seed``
    and options, so the same graphs), in the symbolic form.

    Args:
        n: number of examples.
        seed: random seed (graphs and the order of edges and options).
        exclude: symbolic questions whose graphs are not to be produced again, in any
            edge or option order (e.g. those of another split).
        **options: options of :func:`~coconut.data.prosqa.generate_prosqa`.
    """
    taken = {graph_key(*parse_question(question)) for question in exclude}
    records = generate_prosqa(n, seed, exclude=taken, key=_record_key, **options)
    return symbolize_records(records, seed=seed)


def parse_question(question: str) -> tuple[list[list[int]], list[int], int]:
    """``(edges, options, root)`` of a symbolic question.

    Raises:
        ValueError: if ``question`` is not of the form ``"s t | ... [Q] a b [R] root"``.
    """
    facts, mark, query = question.partition(QUERY_MARK)
    words = query.split()
    pairs = [fact.split() for fact in facts.split(EDGE_END)[:-1]]
    shape_ok = mark and len(words) == 4 and words[2] == ROOT_MARK and facts.strip()[-1:] in (
        EDGE_END, "")  # fmt: skip
    if not shape_ok or any(len(p) != 2 or not all(w.isdigit() for w in p) for p in pairs):
        raise ValueError(f"not a symbolic ProsQA question: {question[:80]!r}")
    numbers = [words[0], words[1], words[3]]
    if not all(w.isdigit() for w in numbers):
        raise ValueError(f"not a symbolic ProsQA question: {question[:80]!r}")
    options, root = [int(numbers[0]), int(numbers[1])], int(numbers[2])
    return [[int(s), int(t)] for s, t in pairs], options, root


def graph_key(edges: Iterable[Sequence[int]], options: Sequence[int], root: int) -> str:
    """The same string for the same graph and question, in any edge or option order."""
    return repr((sorted(tuple(map(int, e)) for e in edges), sorted(map(int, options)), int(root)))


def _record_key(record: Mapping[str, Any]) -> str:
    options = [record["target"], record["neg_target"]]
    return graph_key(record["edges"], options, record["root"])


def max_node_index(records: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
    """The largest node index written in symbolic ``records`` and the index of its record
    (``(-1, -1)`` when there is none)."""
    best = (-1, -1)
    for i, record in enumerate(records):
        texts = [record["question"], *record["steps"], record["answer"]]
        numbers = [int(word) for text in texts for word in str(text).split() if word.isdigit()]
        if numbers and max(numbers) > best[0]:
            best = (max(numbers), i)
    return best


def relabel(
    record: Mapping[str, Any], rng: random.Random, max_nodes: int, *, own_ids: bool = False
) -> dict[str, Any]:
    """``record``'s question, steps and answer with its nodes renamed at random.

    Every node the text names gets a distinct new label; the graph is the same. With
    ``own_ids`` the labels are a permutation of the indices the record already uses (the
    same id range); otherwise they are drawn from ``0 .. max_nodes - 1``. Used per epoch
    in training (``data.relabel_nodes``), the wide draw trains the token of every label,
    and both hide the order in which the generator grew the graph (a deeper node has a
    larger index).

    Raises:
        ValueError: if the question is not symbolic or names more than ``max_nodes``
            nodes.
    """
    edges, options, root = parse_question(record["question"])
    named = {root, *options, *(v for edge in edges for v in edge)}
    named |= {int(step) for step in record["steps"]} | {int(record["answer"])}
    if len(named) > max_nodes:
        raise ValueError(f"{len(named)} nodes do not fit {max_nodes} labels")
    nodes = sorted(named)
    pool = nodes if own_ids else range(max_nodes)
    label = dict(zip(nodes, rng.sample(pool, len(nodes)), strict=True))
    return _renamed_texts(record, label)


def _renamed_texts(record: Mapping[str, Any], label: Mapping[int, int]) -> dict[str, Any]:
    """Question, steps and answer of a symbolic ``record`` with node ``i`` named ``label[i]``."""
    edges, options, root = parse_question(record["question"])
    moved = [[label[s], label[t]] for s, t in edges]
    return {
        "question": symbolic_question(moved, [label[o] for o in options], label[root]),
        "steps": [str(label[int(step)]) for step in record["steps"]],
        "answer": str(label[int(record["answer"])]),
    }


def relabel_records(
    records: Iterable[Mapping[str, Any]], *, seed: int, source: str | None = None
) -> list[dict[str, Any]]:
    """Symbolic ``records`` with their nodes renamed by a random permutation of each
    record's own ids ``0 .. len(idx_to_symbol) - 1``: the same graphs, edges and id range,
    but numbered without the generator's order. Text and graph fields are renamed
    together, so verifiers and probes read the copy as they read the original.

    A model that reads the graph scores the same on both files; one that learned the
    generator's numbering (every edge from a smaller to a larger index) does not.

    Raises:
        ValueError: naming ``source`` and the index of a record that is not symbolic or
            lacks graph fields.
    """
    rng = random.Random(f"coconut-relabel-file:{seed}")
    return [
        _relabel_record(record, rng, record_name(i, source or "<records>"))
        for i, record in enumerate(records)
    ]


def _relabel_record(record: Mapping[str, Any], rng: random.Random, at: str) -> dict[str, Any]:
    """One record of :func:`relabel_records`; ``at`` names it in errors."""
    missing = [key for key in GRAPH_FIELDS if key not in record]
    if missing or not question_is_symbolic(record["question"]):
        why = f"missing {', '.join(missing)}" if missing else "its question is not symbolic"
        raise ValueError(
            f"{at}: not a symbolic ProsQA record ({why}); convert the file with "
            "coconut-data symbolize first"
        )
    n = len(record["idx_to_symbol"])
    label = dict(zip(range(n), rng.sample(range(n), n), strict=True))
    try:
        texts = _renamed_texts(record, label)
        graph = {key: label[int(record[key])] for key in ("root", "target", "neg_target")}
        edges = [[label[int(s)], label[int(t)]] for s, t in record["edges"]]
    except KeyError as error:
        raise ValueError(f"{at}: names node {error}, outside idx_to_symbol (0..{n - 1})") from None
    return {**record, **texts, **graph, "edges": edges}


def question_is_symbolic(question: str) -> bool:
    """Whether ``question`` has the form ``"s t | ... [Q] a b [R] root"``."""
    try:
        parse_question(question)
    except ValueError:
        return False
    return True


def with_graph_fields(record: Mapping[str, Any], num_nodes: int | None = None) -> dict[str, Any]:
    """``record`` (a symbolic question, steps and answer, e.g. from :func:`relabel`) with
    the graph fields read back from its text, so the graph tools take it.

    Args:
        record: a record in the symbolic form.
        num_nodes: length of ``idx_to_symbol`` (default: the largest index named, plus 1).

    Raises:
        ValueError: if the question is not symbolic, the answer is not one of its two
            options, or a node index is not below ``num_nodes``.
    """
    edges, options, root = parse_question(record["question"])
    answer = int(record["answer"])
    if answer not in options or options[0] == options[1]:
        raise ValueError(f"answer {answer} is not one of the two options {options}")
    largest = max([root, *options, *(v for edge in edges for v in edge)])
    size = largest + 1 if num_nodes is None else num_nodes
    if largest >= size:
        raise ValueError(f"node {largest} does not fit num_nodes={size}")
    return {
        **record,
        "idx_to_symbol": [str(i) for i in range(size)],
        "edges": edges,
        "root": root,
        "target": answer,
        "neg_target": options[1] if options[0] == answer else options[0],
    }


def path_layers(
    edges: Iterable[Sequence[int]], root: int, target: int, length: int
) -> list[set[int]]:
    """The nodes that stand ``k`` edges along some ``length``-edge path from ``root`` to
    ``target``, for ``k = 0 .. length`` (the anchor's ``neighbor_k``).

    Raises:
        ValueError: if no such path exists.
    """
    return ReasoningGraph.over_indices(edges, root, target).path_layers(length)


def resample_path(record: Mapping[str, Any], rng: random.Random) -> dict[str, Any]:
    """``record`` with its steps replaced by a path drawn at random among those as long
    as its own from the root to the answer: each step picks uniformly among the next
    layer's nodes (:func:`path_layers`) that the previous one has an edge to, as the
    anchor's CoT data does. Where a graph has one such path, the steps are unchanged.

    Raises:
        ValueError: if the question is not symbolic or the steps are no such path.
    """
    edges, _, root = parse_question(record["question"])
    length, target = len(record["steps"]), int(record["answer"])
    graph = ReasoningGraph.over_indices(edges, root, target)
    node, steps = root, []
    for layer in graph.path_layers(length)[1:]:
        node = rng.choice(sorted(v for v in layer if graph.has_edge(node, v)))
        steps.append(str(node))
    return {**record, "steps": steps}
