"""Rollout labels on a policy whose answer distribution is known.

After "Q \\n" the bigram policy writes "### yes" with probability p and "### no"
otherwise, so the best of N rollouts is right with probability 1 - (1 - p)^N.
"""

from __future__ import annotations

import pytest
from scripted import EOS, bigram

from coconut.search import ComputeCounter, State, Step
from coconut.search.labeller import RolloutLabeller
from coconut.search.mdp import Problem
from coconut.search.policy import StepPolicy


def coin(p: float):
    return bigram({"\n": {"###": 1.0}, "###": {"yes": p, "no": 1 - p}, "yes": {EOS: 1.0},
                   "no": {EOS: 1.0}})  # fmt: skip


@pytest.mark.parametrize("p,n", [(0.3, 1), (0.3, 4), (0.1, 8)])
def test_best_of_n_label_rate(words, p, n):
    labeller = RolloutLabeller(StepPolicy(coin(p), words, seed=1), n=n, temperature=1.0)
    states = [State((1, 2))] * 3000
    labels = labeller.label(states, "yes")
    assert set(labels) <= {0.0, 1.0}
    expected = 1 - (1 - p) ** n
    assert abs(sum(labels) / len(labels) - expected) < 0.03


def test_certain_outcomes_and_greedy_rollouts(words):
    assert RolloutLabeller(StepPolicy(coin(1.0), words), n=2).label([State((1, 2))], "yes") == [1]
    assert RolloutLabeller(StepPolicy(coin(0.0), words), n=9).label([State((1, 2))], "yes") == [0]
    # temperature 0: every rollout is the argmax ("no" when p < 0.5), whatever N
    greedy = RolloutLabeller(StepPolicy(coin(0.4), words), n=16, temperature=0.0)
    assert greedy.label([State((1, 2))] * 20, "yes") == [0.0] * 20


def test_finished_states_are_scored_without_rollouts(words):
    counter = ComputeCounter()
    labeller = RolloutLabeller(StepPolicy(coin(0.5), words, counter), n=4)
    ids = words.convert_tokens_to_ids
    right = State((1, 2), (Step("### yes", (ids("###"), ids("yes"), 0)),))
    wrong = State((1, 2), (Step("### no", (ids("###"), ids("no"), 0)),))
    assert labeller.label([right, wrong], "yes") == [1.0, 0.0]
    assert counter.policy_tokens == 0


def test_rollout_cost_is_counted(words):
    counter = ComputeCounter()
    labeller = RolloutLabeller(StepPolicy(coin(0.5), words, counter), n=4)
    labeller.label([State((1, 2))] * 5, "yes")
    # every rollout is "### yes|no <eos>": 3 tokens; one batch: prefill + 2 steps
    assert counter.policy_tokens == 5 * 4 * 3 and counter.policy_forward_passes == 3


def test_label_problem_labels_every_prefix_of_trajectories_and_gold(words):
    labeller = RolloutLabeller(StepPolicy(coin(1.0), words), n=2)
    problem = Problem({"question": "Q", "steps": [], "answer": "yes"}, State((1, 2)))
    labels = labeller.label_problem(problem, trajectories=3, include_gold=True)
    # every trajectory is the answer line "### yes"; the gold path is the same state
    assert [x.label for x in labels] == [1.0]
    assert labels[0].ids == (1, 2, words.convert_tokens_to_ids("###"),
                             words.convert_tokens_to_ids("yes"), 0)  # fmt: skip
