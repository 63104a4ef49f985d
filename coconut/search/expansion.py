"""Expanding search nodes: propose candidate steps, reward them, score them with Q̂.

Shared by A* and beam search. A child's score is f = g + λ·Q̂(s, a): Q̂(s, a) estimates the
best return after step ``a``, i.e. max over the child's next steps of their Q, which is the
heuristic h of the child (Bellman: with rewards only at the end, Q(s, a) = max_a' Q(s', a')).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from coconut.search.mdp import Problem, State, Step
from coconut.search.rewards import aggregate, step_reward

ValueFn = Callable[[Problem, Sequence[State]], list[float]]


class Proposer(Protocol):
    """Anything that lists candidate steps of states."""

    def propose(self, problem: Problem, states: Sequence[State], k: int) -> list[list[Step]]:
        """Candidate steps of each state."""
        ...


@dataclass(frozen=True)
class Node:
    """A state in a search with its process rewards and scores.

    Attributes:
        state: the state.
        rewards: process reward of each step.
        q: Q̂ of the step that led here (h of this node).
        g: aggregate of ``rewards``.
        f: g + λ·q.
    """

    state: State
    rewards: tuple[float, ...]
    q: float
    g: float
    f: float

    @property
    def depth(self) -> int:
        return len(self.state.steps)


def root_node(problem: Problem, how: str) -> Node:
    """The root: no steps, g of the empty path, q = 0."""
    g = aggregate((), how)
    return Node(problem.root, (), 0.0, g, g)


def expand(
    problem: Problem,
    nodes: Sequence[Node],
    proposer: Proposer,
    value: ValueFn,
    k: int,
    lam: float,
    how: str,
) -> list[list[Node]]:
    """The scored children of each node: one proposer call and one value call in all."""
    candidates = proposer.propose(problem, [n.state for n in nodes], k)
    pending: list[tuple[int, State, tuple[float, ...]]] = []
    for i, (node, steps) in enumerate(zip(nodes, candidates, strict=True)):
        for step in steps:
            rewards = (*node.rewards, step_reward(problem, node.state, step))
            pending.append((i, node.state.child(step), rewards))
    qs = value(problem, [state for _, state, _ in pending]) if pending else []
    out: list[list[Node]] = [[] for _ in nodes]
    for (i, state, rewards), q in zip(pending, qs, strict=True):
        g = aggregate(rewards, how)
        out[i].append(Node(state, rewards, float(q), g, g + lam * float(q)))
    return out
