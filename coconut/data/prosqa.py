"""ProsQA generator: Algorithm 1 of the Coconut paper's appendix (Hao et al., 2024).

A DAG is grown node by node from two seed nodes, 0 and 1. Every node carries a label, a
bit set saying which seed reaches it (1: node 0, 2: node 1, 3: both, 0: neither). Each new
node draws Poisson(``mean_parents``) parents; with probability 0.35 they come from nodes
reached only from node 0, with 0.35 from nodes reached only from node 1, otherwise from all
nodes, weighted towards deep nodes (``1 + depth_weight * depth``). The two one-sided label
groups make two concepts reachable from disjoint sides.

Nodes without parents are person entities; the others are concepts. Isolated nodes are
dropped. One seed node becomes the question's entity (the one with the deeper target); the
target is the deepest leaf reachable only from it, the negative target a random leaf
reachable only from the other seed. Graphs whose target depth falls outside
``[min_steps, max_steps]`` are redrawn. The facts (one per edge) are stated in random
order, and the steps are one shortest chain of facts from the entity to the target.

With the defaults, 500 examples have on average 22.9 nodes, 36 edges and 3.7 steps, like
the published files (22.8, 36.3, 3.75).
"""

from __future__ import annotations

import itertools
import logging
import math
import random
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from tqdm.auto import tqdm

from coconut.data.dag import children_lists, distances_from, shortest_path
from coconut.data.prosqa_text import answer_sentence, fact_sentence, query_sentence
from coconut.data.vocab import prosqa_pools

log = logging.getLogger(__name__)

SIDE_PROBABILITY = 0.35  # chance that a new node's parents come from one seed's side only

FIRST_NAMES: tuple[str, ...] = prosqa_pools().names
"""Person names, as in the published ProsQA files."""
CONCEPT_WORDS: tuple[str, ...] = prosqa_pools().concepts
"""Concept words, as in the published ProsQA files."""


@dataclass(frozen=True)
class ProsQAConfig:
    """Shape of the generated graphs. The defaults reproduce the published statistics.

    Attributes:
        num_nodes: nodes grown per graph, before isolated ones are dropped.
        min_steps: fewest reasoning steps (edges from the entity to the target).
        max_steps: most reasoning steps.
        mean_parents: mean of the Poisson number of parents of each new node.
        depth_weight: how strongly parents are drawn towards deep nodes.
        max_attempts: graphs drawn per example before giving up.
    """

    num_nodes: int = 28
    min_steps: int = 3
    max_steps: int = 6
    mean_parents: float = 1.5
    depth_weight: float = 1.5
    max_attempts: int = 10_000

    def __post_init__(self) -> None:
        most = len(CONCEPT_WORDS) + 2
        if not 4 <= self.num_nodes <= most:
            raise ValueError(f"num_nodes must be between 4 and {most}, got {self.num_nodes}")
        if not 1 <= self.min_steps <= self.max_steps:
            raise ValueError(
                f"need 1 <= min_steps <= max_steps, got {self.min_steps}, {self.max_steps}"
            )
        if self.max_steps > self.num_nodes - 2:
            raise ValueError(f"max_steps {self.max_steps} needs more than {self.num_nodes} nodes")
        if self.mean_parents <= 0:
            raise ValueError(f"mean_parents must be positive, got {self.mean_parents}")
        if self.depth_weight < 0:
            raise ValueError(f"depth_weight must be non-negative, got {self.depth_weight}")
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be positive, got {self.max_attempts}")


@dataclass(frozen=True)
class _Question:
    """A drawn graph with its question nodes, before naming."""

    parents: list[list[int]]
    root: int
    target: int
    neg_target: int
    steps: int  # edges on a shortest path from the root to the target


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's multiplication method (fine for the small means used here)."""
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _weighted_sample(
    rng: random.Random, items: Sequence[int], weights: Sequence[float], k: int
) -> list[int]:
    """``k`` distinct items, drawn one after another with probability ∝ weight."""
    items, weights = list(items), list(weights)
    chosen = []
    for _ in range(k):
        point = rng.random() * sum(weights)
        index = 0
        while index < len(items) - 1 and point >= weights[index]:
            point -= weights[index]
            index += 1
        chosen.append(items.pop(index))
        weights.pop(index)
    return chosen


def _grow(rng: random.Random, config: ProsQAConfig) -> list[list[int]]:
    """Grow the DAG; returns the parents of every node."""
    labels, depth = [1, 2], [0, 0]
    one_sided: dict[int, list[int]] = {1: [0], 2: [1]}
    parents: list[list[int]] = [[], []]
    for node in range(2, config.num_nodes):
        draw = rng.random()
        if draw < SIDE_PROBABILITY:
            pool = one_sided[1]
        elif draw < 2 * SIDE_PROBABILITY:
            pool = one_sided[2]
        else:
            pool = list(range(node))
        k = min(_poisson(rng, config.mean_parents), len(pool))
        weights = [1 + config.depth_weight * depth[c] for c in pool]
        chosen = _weighted_sample(rng, pool, weights, k)
        label = 0
        for parent in chosen:
            label |= labels[parent]
        labels.append(label)
        depth.append(1 + max((depth[p] for p in chosen), default=-1))
        parents.append(chosen)
        if label in one_sided:
            one_sided[label].append(node)
    return parents


def _drop_isolated(parents: list[list[int]]) -> list[list[int]]:
    """Remove nodes with neither parents nor children (seed nodes stay), renumbering."""
    has_child = {p for ps in parents for p in ps}
    keep = [i for i, ps in enumerate(parents) if i < 2 or ps or i in has_child]
    new_index = {old: new for new, old in enumerate(keep)}
    return [[new_index[p] for p in parents[old]] for old in keep]


def _choose_question(rng: random.Random, parents: list[list[int]]) -> _Question | None:
    """Pick the entity, target and negative target; None if the graph has no valid pair."""
    children = children_lists(len(parents), ((p, c) for c, ps in enumerate(parents) for p in ps))
    reach = [distances_from(children, 0), distances_from(children, 1)]
    options = []
    for root in (0, 1):
        own, other = reach[root], reach[1 - root]
        targets = [v for v in own if v not in other and not children[v] and v != root]
        negatives = [v for v in other if v not in own and not children[v] and v != 1 - root]
        if targets and negatives:
            deepest = max(own[v] for v in targets)
            target = rng.choice([v for v in targets if own[v] == deepest])
            options.append((deepest, rng.random(), root, target, rng.choice(negatives)))
    if not options:
        return None
    deepest, _, root, target, neg_target = max(options)  # ties broken at random
    return _Question(parents, root, target, neg_target, deepest)


def _draw_question(rng: random.Random, config: ProsQAConfig) -> _Question | None:
    """One graph draw; None if it does not meet the config."""
    parents = _drop_isolated(_grow(rng, config))
    question = _choose_question(rng, parents)
    if question is None or not config.min_steps <= question.steps <= config.max_steps:
        return None
    persons = sum(1 for ps in parents if not ps)
    fits_pools = persons <= len(FIRST_NAMES) and len(parents) - persons <= len(CONCEPT_WORDS)
    return question if fits_pools else None


def _render(rng: random.Random, question: _Question) -> dict[str, Any]:
    """Name the nodes and write the question, steps and answer."""
    parents = question.parents
    persons = [i for i, ps in enumerate(parents) if not ps]
    concepts = [i for i, ps in enumerate(parents) if ps]
    symbols = [""] * len(parents)
    for nodes, pool in ((persons, FIRST_NAMES), (concepts, CONCEPT_WORDS)):
        for node, name in zip(nodes, rng.sample(pool, len(nodes)), strict=True):
            symbols[node] = name
    edges = [[p, c] for c, ps in enumerate(parents) for p in ps]
    facts = [fact_sentence(symbols[p], symbols[c], entity=not parents[p]) for p, c in edges]
    rng.shuffle(facts)
    root, target, neg = question.root, question.target, question.neg_target
    options = [symbols[target], symbols[neg]]
    rng.shuffle(options)
    path = shortest_path(children_lists(len(parents), edges), root, target, rng)
    assert path is not None  # the target was chosen among nodes reachable from the root
    steps = [
        fact_sentence(symbols[a], symbols[b], entity=a == root) for a, b in itertools.pairwise(path)
    ]
    return {
        "question": " ".join([*facts, query_sentence(symbols[root], *options)]),
        "answer": answer_sentence(symbols[root], symbols[target]),
        "steps": steps,
        "idx_to_symbol": symbols,
        "edges": edges,
        "root": root,
        "target": target,
        "neg_target": neg,
    }


def _question(record: dict[str, Any]) -> str:
    return record["question"]


def generate_prosqa(
    n: int,
    seed: int,
    *,
    progress: bool = False,
    exclude: Collection[str] = (),
    key: Callable[[dict[str, Any]], str] | None = None,
    **options: Any,
) -> list[dict[str, Any]]:
    """Generate ``n`` distinct ProsQA examples, deterministically from ``seed``.

    Args:
        n: number of examples.
        seed: random seed; the same seed and options give the same examples.
        progress: show a progress bar.
        exclude: questions not to produce (e.g. those of another split), or keys when
            ``key`` is given.
        key: what two records must differ in (default: the question text).
        **options: fields of :class:`ProsQAConfig` (``num_nodes``, ``min_steps``, ...).

    Returns:
        Records with ``question``, ``answer``, ``steps`` and the graph fields.

    Raises:
        ValueError: on a bad option, or if ``max_attempts`` draws in a row give no new
            valid example.
    """
    config = ProsQAConfig(**options)
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    rng = random.Random(seed)
    seen = set(exclude)
    records: list[dict[str, Any]] = []
    for _ in tqdm(range(n), desc="ProsQA", disable=not progress):
        for _attempt in range(config.max_attempts):
            question = _draw_question(rng, config)
            record = None if question is None else _render(rng, question)
            if record is not None and (key or _question)(record) not in seen:
                break
        else:
            raise ValueError(
                f"no new valid ProsQA graph in {config.max_attempts} draws with {config}; "
                "allow more nodes or a wider step range"
            )
        seen.add((key or _question)(record))
        records.append(record)
    log.info("generated %d ProsQA examples (seed %d, %s)", len(records), seed, config)
    return records
