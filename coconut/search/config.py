"""The ``search`` config node as a checked dataclass: bad values fail naming their key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from coconut.search.rewards import AGGREGATES

SEARCHES = ("greedy", "best_of_n", "beam", "astar")
VALUES = ("learned", "oracle")
PROPOSERS = ("policy", "enumerate")


class SearchConfigError(ValueError):
    """A ``search.*`` value is invalid; the message names the key."""


@dataclass(frozen=True)
class SearchConfig:
    """How to search.

    Attributes:
        name: ``greedy``, ``best_of_n``, ``beam`` or ``astar``.
        value: ``learned`` (a Q-value run) or ``oracle`` (exact, ProsQA only).
        proposer: ``policy`` (sampled steps) or ``enumerate`` (the question's facts).
        lam: λ of f = g + λ·h (A*) and of the beam score.
        top_k: candidate steps sampled per expansion (K).
        n: best-of-N: rollouts; A*: finished trajectories popped before choosing (N).
        width: beam width.
        temperature: sampling temperature of candidate steps and rollouts.
        g: aggregate of process rewards: ``min``, ``sum`` or ``last``.
        max_expansions: A* budget: states expanded before giving up.
        max_depth: most steps before the answer line.
        max_step_tokens: most tokens of one step.
        max_new_tokens: most tokens of one full rollout (greedy, best-of-N).
    """

    name: str = "astar"
    value: str = "learned"
    proposer: str = "policy"
    lam: float = 1.0
    top_k: int = 4
    n: int = 1
    width: int = 4
    temperature: float = 1.0
    g: str = "min"
    max_expansions: int = 32
    max_depth: int = 12
    max_step_tokens: int = 48
    max_new_tokens: int = 128

    def __post_init__(self) -> None:
        _choice("name", self.name, SEARCHES)
        _choice("value", self.value, VALUES)
        _choice("proposer", self.proposer, PROPOSERS)
        _choice("g", self.g, AGGREGATES)
        for key in ("top_k", "n", "width", "max_expansions", "max_depth"):
            _positive_int(key, getattr(self, key))
        for key in ("max_step_tokens", "max_new_tokens"):
            _positive_int(key, getattr(self, key))
        for key in ("lam", "temperature"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise SearchConfigError(f"search.{key} must be a number >= 0, got {value!r}")

    @classmethod
    def from_mapping(cls, node: Mapping[str, Any]) -> SearchConfig:
        """Builds from the composed ``search`` node; unknown keys are an error."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(node) - known)
        if unknown:
            raise SearchConfigError(f"search: unknown keys {unknown} (known: {sorted(known)})")
        return cls(**dict(node))


def _choice(key: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise SearchConfigError(f"search.{key} must be one of {allowed}, got {value!r}")


def _positive_int(key: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SearchConfigError(f"search.{key} must be an integer >= 1, got {value!r}")
