"""Q-value labels from rollouts: Q(s, a) = the best return among N completions of s + a.

The return of a completion is 1 when its answer matches the gold answer, else 0. So the
label of a step is 1 exactly when at least one of the N sampled completions after it is
right (and, for the answer line itself, when that answer is right).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from coconut.curriculum.text_format import ANSWER_MARKER, extract_answer
from coconut.data import normalize_answer
from coconut.search.mdp import Problem, State, encode_step, split_steps
from coconut.search.policy import StepPolicy


@dataclass(frozen=True)
class Label:
    """One training example of the Q-value model.

    Attributes:
        index: the example it comes from.
        ids: token ids of the state after the step (question, steps, the step).
        label: best return among the rollouts, 0 or 1.
    """

    index: int
    ids: tuple[int, ...]
    label: float


@dataclass
class RolloutLabeller:
    """Labels states by the best of ``n`` sampled completions.

    Attributes:
        policy: the policy that completes states.
        n: completions per state.
        temperature: their sampling temperature.
        max_new_tokens: most tokens of one completion.
    """

    policy: StepPolicy
    n: int = 4
    temperature: float = 1.0
    max_new_tokens: int = 128

    def label(self, states: Sequence[State], gold: str) -> list[float]:
        """The best return after each state, all completions sampled in one batch.

        A finished state is scored directly; it needs no rollout.
        """
        gold = normalize_answer(gold)
        open_states = [s for s in states if not s.finished]
        samples = self.policy.sample(
            [s.ids for s in open_states], self.n, self.temperature, self.max_new_tokens, "eos"
        )
        best = iter(max(self._correct(sample.ids, gold) for sample in row) for row in samples)
        return [
            float(normalize_answer(s.answer) == gold) if s.finished else next(best) for s in states
        ]

    def label_problem(self, problem: Problem, trajectories: int, include_gold: bool) -> list[Label]:
        """Labels every prefix (after each step) of sampled trajectories of ``problem``.

        Args:
            problem: the training question (its record has the gold answer).
            trajectories: trajectories sampled from the question (at ``temperature``).
            include_gold: also label the prefixes of the gold chain of steps.
        """
        tokenizer = self.policy.tokenizer
        paths = []
        for sample in self.policy.sample(
            [problem.root.ids], trajectories, self.temperature, self.max_new_tokens, "eos"
        )[0]:
            paths.append(split_steps(sample.ids, tokenizer, self.policy.newline_ids))
        if include_gold:
            record = problem.record
            texts = [*record["steps"], f"{ANSWER_MARKER} {record['answer']}"]
            paths.append([encode_step(t, tokenizer) for t in texts])
        states = _distinct(_prefixes(problem.root, paths))
        labels = self.label(states, problem.record["answer"])
        return [Label(problem.index, tuple(s.ids), y) for s, y in zip(states, labels, strict=True)]

    def _correct(self, ids: Sequence[int], gold: str) -> float:
        text = self.policy.tokenizer.decode(list(ids))
        if self.policy.eos not in ids:
            return 0.0
        return float(
            normalize_answer(extract_answer(text, self.policy.tokenizer.eos_token)) == gold
        )


def _prefixes(root: State, paths: Iterable[Sequence]) -> list[State]:
    out = []
    for steps in paths:
        state = root
        for step in steps:
            state = state.child(step)
            out.append(state)
            if state.finished:
                break
    return out


def _distinct(states: list[State]) -> list[State]:
    seen, out = set(), []
    for state in states:
        key = tuple(state.ids)
        if key not in seen:
            seen.add(key)
            out.append(state)
    return out
