"""What a search returns: the chosen trajectory, whether it is finished, and its cost."""

from __future__ import annotations

from dataclasses import dataclass, field

from coconut.search.counters import ComputeCounter
from coconut.search.mdp import State


@dataclass
class SearchResult:
    """The outcome of one search.

    Attributes:
        state: the chosen trajectory (the best partial one when ``finished`` is false).
        finished: whether ``state`` ends with an answer line.
        score: the score the search ranked it by (f for A*, g + λ·Q̂ for beam, Q̂ for
            best-of-N, 0 for greedy).
        expansions: states expanded (A*, beam) or trajectories sampled (best-of-N, greedy).
        compute: what the search spent.
    """

    state: State
    finished: bool
    score: float = 0.0
    expansions: int = 0
    compute: ComputeCounter = field(default_factory=ComputeCounter)

    @property
    def answer(self) -> str:
        """The predicted answer, ``""`` when unfinished."""
        return self.state.answer or ""
