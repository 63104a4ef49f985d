"""Exact compute accounting of a search: policy tokens, forward passes per model, time."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields


@dataclass
class ComputeCounter:
    """What a search spent. Every policy or value call adds to one of these.

    Attributes:
        policy_tokens: tokens the policy generated (stop tokens included).
        policy_prompt_tokens: real (non-padding) prompt tokens fed to the policy's prefill.
        policy_forward_passes: batched calls of the policy (one prefill or one decoding step
            of a whole batch counts once).
        value_forward_passes: batched calls of the learned Q-value model.
        value_states: states the Q-value model (or the oracle) scored.
        seconds: wall-clock time, filled in by whoever times the search.
    """

    policy_tokens: int = 0
    policy_prompt_tokens: int = 0
    policy_forward_passes: int = 0
    value_forward_passes: int = 0
    value_states: int = 0
    seconds: float = 0.0

    def snapshot(self) -> ComputeCounter:
        """A copy of the current counts."""
        return ComputeCounter(**asdict(self))

    def since(self, before: ComputeCounter) -> ComputeCounter:
        """What was spent after ``before`` was taken."""
        return ComputeCounter(
            **{f.name: getattr(self, f.name) - getattr(before, f.name) for f in fields(self)}
        )

    def add(self, other: ComputeCounter) -> None:
        """Adds ``other``'s counts to these."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict[str, float]:
        """The counts by name."""
        return asdict(self)
