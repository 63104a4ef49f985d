"""A* over reasoning steps: expand the state of highest f = g + λ·h, stop at an answer.

Each expansion proposes up to K candidate steps for the popped state (one batched policy
call), scores every child with Q̂ (one batched value call) and queues it with
f = g(child) + λ·Q̂(s, a). Ties of f go to the deeper state, then to the latest queued
(:class:`~coconut.search.frontier.Frontier`), so equally valued states are followed depth
first. The search ends when N finished trajectories have been popped (the best by f is
returned), or when the expansion budget runs out: then the best finished trajectory still
queued is returned, else the best partial one, marked unfinished.
"""

from __future__ import annotations

from coconut.search.config import SearchConfig
from coconut.search.expansion import Node, Proposer, ValueFn, expand, root_node
from coconut.search.frontier import Frontier
from coconut.search.mdp import Problem
from coconut.search.result import SearchResult


def astar_search(
    problem: Problem, proposer: Proposer, value: ValueFn, cfg: SearchConfig
) -> SearchResult:
    """Best-first search on ``problem``.

    Args:
        problem: the question.
        proposer: lists candidate steps.
        value: Q̂ of states.
        cfg: ``lam``, ``top_k``, ``n``, ``g``, ``max_expansions`` and ``max_depth`` matter.

    Returns:
        The chosen trajectory; ``finished`` is false when the budget ended the search
        before any answer line was reached.
    """
    frontier: Frontier[Node] = Frontier()
    frontier.push(0.0, root_node(problem, cfg.g))
    done: list[Node] = []
    partial: list[Node] = []
    expansions = 0
    while frontier and len(done) < cfg.n:
        node = frontier.pop()
        if node.state.finished:
            done.append(node)
            continue
        if expansions >= cfg.max_expansions:
            frontier.push(node.f, node, node.depth)
            break
        partial.append(node)
        if node.depth >= cfg.max_depth:
            continue
        expansions += 1
        children = expand(problem, [node], proposer, value, cfg.top_k, cfg.lam, cfg.g)[0]
        for child in children:
            frontier.push(child.f, child, child.depth)
    return _choose(done, frontier.items(), partial, expansions)


def _choose(
    done: list[Node], queued: list[Node], partial: list[Node], expansions: int
) -> SearchResult:
    finished = done or [n for n in queued if n.state.finished]
    if finished:
        best = max(finished, key=lambda n: n.f)  # max keeps the first of equal f
        return SearchResult(best.state, True, best.f, expansions)
    candidates = partial + [n for n in queued if not n.state.finished]
    # the root (no step yet) only when nothing else was reached
    candidates = [n for n in candidates if n.depth > 0] or candidates
    best = max(candidates, key=lambda n: (n.f, n.depth))
    return SearchResult(best.state, False, best.f, expansions)
