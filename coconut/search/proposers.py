"""Candidate next steps: sampled from the policy (de-duplicated) or enumerated from facts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from transformers import PreTrainedTokenizerBase

from coconut.search.mdp import Problem, State, Step, encode_step, split_steps
from coconut.search.policy import StepPolicy


@dataclass
class PolicyProposer:
    """Samples ``k`` steps per state in one batched call and keeps the distinct ones.

    Attributes:
        policy: the step policy.
        temperature: sampling temperature (0: one greedy step).
        max_step_tokens: most tokens of one step.
    """

    policy: StepPolicy
    temperature: float = 1.0
    max_step_tokens: int = 48

    def propose(self, problem: Problem, states: Sequence[State], k: int) -> list[list[Step]]:
        """Up to ``k`` distinct candidate steps for each state, in sampling order.

        Samples cut by the token budget are dropped; so is a duplicate of an earlier one.
        """
        n = 1 if self.temperature <= 0 else k
        samples = self.policy.sample(
            [s.ids for s in states], n, self.temperature, self.max_step_tokens, until="step"
        )
        out = []
        for row in samples:
            seen, steps = set(), []
            for sample in row:
                if sample.stop == "length":
                    continue
                pieces = split_steps(sample.ids, self.policy.tokenizer, self.policy.newline_ids)
                if len(pieces) != 1:
                    continue
                step = Step(pieces[0].text, sample.ids)
                if step.key and step.key not in seen:
                    seen.add(step.key)
                    steps.append(step)
            out.append(steps)
        return out


@dataclass
class EnumerateProposer:
    """Lists the question's facts whose subject is the current node (ProsQA), plus the
    answer line once an option is reached: the exact candidate set, no policy call."""

    tokenizer: PreTrainedTokenizerBase

    def propose(self, problem: Problem, states: Sequence[State], k: int) -> list[list[Step]]:
        """Every candidate of each state (``k`` is ignored: the set is exact)."""
        if problem.world is None:
            raise ValueError("search.proposer=enumerate needs a task with stated facts")
        return [
            [encode_step(text, self.tokenizer) for text in problem.world.candidates(s.step_texts)]
            for s in states
        ]
