"""Check that a ProsQA graph supports its question, steps and answer.

For a record with the graph fields, :func:`verify_prosqa` checks that

- every edge and node index lies inside ``idx_to_symbol``;
- the target is reachable from the root and the negative target is not;
- the question states exactly the graph's edges as facts and ends with
  "Is <root> a <target> or <neg_target>?" (either order);
- the steps are a chain of stated facts from the root to the target, as short as any;
- the answer is "<root> is a <target>.".

A record in the symbolic form (:mod:`coconut.data.symbolic`) is checked the same way, in
its own words: the question states exactly the edges and asks about root, target and
negative target; the steps are the node indices of a shortest path; the answer is the
target's index.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from coconut.data import symbolic
from coconut.data.graph import ReasoningGraph
from coconut.data.prosqa_text import answer_sentence, parse_fact, parse_query, split_sentences
from coconut.data.schema import GRAPH_FIELDS, NODE_FIELDS, FieldProblem, shape_problems

_MAX_LISTED = 5


def _listed(items: Sequence[Any]) -> str:
    shown = ", ".join(repr(item) for item in items[:_MAX_LISTED])
    return shown + (f" and {len(items) - _MAX_LISTED} more" if len(items) > _MAX_LISTED else "")


def _index_problems(record: Mapping[str, Any]) -> list[FieldProblem]:
    n = len(record["idx_to_symbol"])
    problems: list[FieldProblem] = [
        (f"edges[{i}]", f"edge {a} -> {b} points outside idx_to_symbol ({n} symbols)")
        for i, (a, b) in enumerate(record["edges"])
        if not (0 <= a < n and 0 <= b < n)
    ]
    problems += [
        (field, f"node {record[field]} is outside idx_to_symbol ({n} symbols)")
        for field in NODE_FIELDS
        if not 0 <= record[field] < n
    ]
    return problems


def _question_problems(
    record: Mapping[str, Any], edge_facts: set[tuple[str, str]]
) -> list[FieldProblem]:
    symbols = record["idx_to_symbol"]
    *fact_sentences, last = split_sentences(record["question"]) or [""]
    problems: list[FieldProblem] = []
    stated: set[tuple[str, str]] = set()
    for i, sentence in enumerate(fact_sentences):
        fact = parse_fact(sentence)
        if fact is None:
            problems.append(("question", f"sentence {i} is not a fact: {sentence!r}"))
        else:
            stated.add(fact)
    if unstated := sorted(edge_facts - stated):
        problems.append(("question", f"does not state the edges {_listed(unstated)}"))
    if extra := sorted(stated - edge_facts):
        problems.append(("question", f"states facts that are not edges: {_listed(extra)}"))
    query = parse_query(last)
    root = symbols[record["root"]]
    options = {symbols[record["target"]], symbols[record["neg_target"]]}
    if query is None:
        problems.append(("question", f"does not end with 'Is <name> a <x> or <y>?': {last!r}"))
    elif query[0] != root or set(query[1:]) != options:
        expected = f"Is {root} a <x> or <y>? with x, y = {sorted(options)}"
        problems.append(("question", f"asks {last!r}, expected {expected!r}"))
    return problems


def _steps_problems(
    record: Mapping[str, Any], edge_facts: set[tuple[str, str]], dist: Mapping[int, int]
) -> list[FieldProblem]:
    symbols, steps = record["idx_to_symbol"], record["steps"]
    root, target = symbols[record["root"]], symbols[record["target"]]
    if not steps:
        return [("steps", f"is empty; expected the chain of facts from {root!r} to {target!r}")]
    problems: list[FieldProblem] = []
    current = root
    for i, step in enumerate(steps):
        fact = parse_fact(step)
        if fact is None:
            problems.append((f"steps[{i}]", f"is not a fact: {step!r}"))
            return problems
        if fact[0] != current:
            problems.append((f"steps[{i}]", f"starts from {fact[0]!r}, expected {current!r}"))
        if fact not in edge_facts:
            problems.append((f"steps[{i}]", f"{step!r} is not a fact stated in the question"))
        current = fact[1]
    if current != target:
        problems.append(("steps", f"chain ends at {current!r}, not at the target {target!r}"))
    elif record["target"] in dist and len(steps) != dist[record["target"]]:
        shortest = dist[record["target"]]
        problems.append(("steps", f"chain has {len(steps)} facts, the shortest has {shortest}"))
    return problems


def _symbolic_problems(
    record: Mapping[str, Any], graph: ReasoningGraph, dist: Mapping[int, int]
) -> list[FieldProblem]:
    """The checks of :func:`graph_problems` for the symbolic form (:mod:`coconut.data.symbolic`)."""
    try:
        stated, options, root = symbolic.parse_question(record["question"])
    except ValueError as err:
        return [("question", str(err))]
    problems: list[FieldProblem] = []
    edges = {tuple(e) for e in record["edges"]}
    if {tuple(e) for e in stated} != edges or len(stated) != len(edges):
        problems.append(("question", "does not state exactly the graph's edges"))
    if root != record["root"] or sorted(options) != sorted(
        [record["target"], record["neg_target"]]
    ):
        problems.append(("question", "asks about other nodes than root, target and neg_target"))
    steps = record["steps"]
    if not all(str(step).isdigit() for step in steps):
        return [*problems, ("steps", f"are not node indices: {steps!r}")]
    path = [graph.root, *map(int, steps)]
    if (
        not all(0 <= v < graph.num_nodes for v in path)
        or not graph.is_path(path)
        or (path[-1] != graph.target)
    ):
        problems.append(("steps", f"are not a path from the root to the target: {steps!r}"))
    elif len(steps) != dist.get(record["target"]):
        problems.append(
            ("steps", f"path has {len(steps)} edges, the shortest has {dist[record['target']]}")
        )
    if str(record["answer"]).strip() != str(record["target"]):
        problems.append(("answer", f"{record['answer']!r} is not the target {record['target']}"))
    return problems


def graph_problems(record: Mapping[str, Any]) -> list[FieldProblem]:
    """Semantic checks of a ProsQA record whose fields already have the right shape.

    Returns:
        (field, message) pairs; empty if the graph supports the example.
    """
    problems = _index_problems(record)
    if problems:
        return problems
    symbols = record["idx_to_symbol"]
    graph = ReasoningGraph.from_record(record)
    root, target, neg = graph.root, graph.target, graph.neg_target
    dist = {v: d for v, d in enumerate(graph.distances()) if d is not None}
    if target not in dist:
        problems.append(("target", f"{symbols[target]!r} is not reachable from the root"))
    if neg in dist:
        problems.append(("neg_target", f"{symbols[neg]!r} is reachable from the root"))
    if symbolic.QUERY_MARK in record["question"]:
        return problems + _symbolic_problems(record, graph, dist)
    edge_facts = {(symbols[a], symbols[b]) for a, b in record["edges"]}
    problems += _question_problems(record, edge_facts)
    problems += _steps_problems(record, edge_facts, dist)
    expected = answer_sentence(symbols[root], symbols[target])
    found = parse_fact(record["answer"])
    if found != (symbols[root], symbols[target]):
        problems.append(("answer", f"{record['answer']!r} does not match {expected!r}"))
    return problems


def verify_prosqa(record: Mapping[str, Any]) -> list[str]:
    """Check one ProsQA example against its graph.

    Args:
        record: an example with the ProsQA graph fields.

    Returns:
        One "field: message" string per problem; empty if the example is valid.
    """
    problems = shape_problems(record)
    if not problems and not all(field in record for field in GRAPH_FIELDS):
        problems = [(None, "has no ProsQA graph fields")]
    if not problems:
        problems = graph_problems(record)
    return [f"{field}: {message}" if field else message for field, message in problems]
