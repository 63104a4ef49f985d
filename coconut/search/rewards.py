"""Process rewards along a path and their aggregate g (min, sum or last)."""

from __future__ import annotations

from collections.abc import Sequence

from coconut.search.mdp import Problem, State, Step

AGGREGATES = ("min", "sum", "last")


def step_reward(problem: Problem, state: State, step: Step) -> float:
    """The process reward of taking ``step`` in ``state``; 0 when the task has no rules."""
    if problem.world is None:
        return 0.0
    child = state.child(step)
    return float(problem.world.reward(state.step_texts, step.text, child.answer))


def aggregate(rewards: Sequence[float], how: str) -> float:
    """g of a path with these process rewards.

    ``min`` and ``last`` of an empty path are 1 (nothing has gone wrong yet); ``sum`` is 0.

    Raises:
        ValueError: for an unknown ``how``.
    """
    if how == "min":
        return min(rewards, default=1.0)
    if how == "sum":
        return float(sum(rewards))
    if how == "last":
        return rewards[-1] if rewards else 1.0
    raise ValueError(f"search.g must be one of {AGGREGATES}, got {how!r}")
