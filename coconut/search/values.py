"""Scoring states with Q̂: the learned Q-value model (batched) or the exact oracle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from coconut.search.counters import ComputeCounter
from coconut.search.mdp import Problem, State
from coconut.search.value_model import QValueModel


@dataclass
class LearnedValue:
    """Q̂(s, a) from a :class:`QValueModel`, read on the state after the step.

    Attributes:
        model: the Q-value model.
        pad_id: padding id.
        counter: where calls are counted.
        batch_size: most states per forward pass.
    """

    model: QValueModel
    pad_id: int
    counter: ComputeCounter
    batch_size: int = 64

    @torch.no_grad()
    def __call__(self, problem: Problem, states: Sequence[State]) -> list[float]:
        """Q̂ of each state (the value of the step that led to it)."""
        self.model.eval()
        out: list[float] = []
        for start in range(0, len(states), self.batch_size):
            rows = [s.ids for s in states[start : start + self.batch_size]]
            width = max(len(r) for r in rows)
            ids = torch.full((len(rows), width), self.pad_id, dtype=torch.long)
            mask = torch.zeros_like(ids)
            for i, row in enumerate(rows):
                ids[i, : len(row)] = torch.tensor(row)
                mask[i, : len(row)] = 1
            out.extend(torch.sigmoid(self.model(ids, mask)).tolist())
            self.counter.value_forward_passes += 1
            self.counter.value_states += len(rows)
        return out


@dataclass
class OracleValue:
    """The exact Q of the task's world: 1 if a correct answer is still reachable."""

    counter: ComputeCounter

    def __call__(self, problem: Problem, states: Sequence[State]) -> list[float]:
        """Oracle Q of each state."""
        if problem.world is None:
            raise ValueError("search.value=oracle needs a task with an oracle (ProsQA)")
        self.counter.value_states += len(states)
        return [problem.world.oracle_q(s.step_texts, s.answer) for s in states]
