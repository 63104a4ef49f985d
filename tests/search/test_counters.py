"""Compute counters are exact: worked out by hand on a scripted bigram policy.

The policy answers "Q \\n" with "s1 e1\\n" (2 tokens), then "s2 e2\\n" (2 tokens), then
"### yes <eos>" (3 tokens). A batch call costs one prefill pass plus one pass per token
after the first of its longest row.
"""

from __future__ import annotations

import pytest
from scripted import tiny_gpt2

from coconut.search import ComputeCounter, State, astar_search, beam_search, best_of_n, greedy
from coconut.search.config import SearchConfig
from coconut.search.mdp import Problem
from coconut.search.policy import StepPolicy
from coconut.search.proposers import PolicyProposer
from coconut.search.value_model import QValueModel
from coconut.search.values import LearnedValue


@pytest.fixture
def setup(words, chain_lm):
    counter = ComputeCounter()
    policy = StepPolicy(chain_lm, words, counter)
    value = LearnedValue(QValueModel(tiny_gpt2(len(words))), words.eos_token_id, counter)
    problem = Problem({"question": "Q", "answer": "yes"}, State((1, 2)))
    return counter, policy, value, problem


def test_greedy_counts(setup):
    counter, policy, _, problem = setup
    result = greedy(problem, policy, SearchConfig(name="greedy", temperature=0.0))
    assert [s.text for s in result.state.steps] == ["s1 e1", "s2 e2", "### yes"]
    assert result.finished and result.answer == "yes"
    assert counter.as_dict() == {
        "policy_tokens": 7,
        "policy_prompt_tokens": 2,
        "policy_forward_passes": 7,  # prefill + 6 decoding steps
        "value_forward_passes": 0,
        "value_states": 0,
        "seconds": 0.0,
    }


def test_astar_counts(setup):
    counter, policy, value, problem = setup
    cfg = SearchConfig(temperature=0.0)  # greedy proposals: one candidate per expansion
    result = astar_search(problem, PolicyProposer(policy, 0.0, 8), value, cfg)
    assert result.finished and result.answer == "yes" and result.expansions == 3
    assert counter.policy_tokens == 2 + 2 + 3
    assert counter.policy_forward_passes == 2 + 2 + 3
    assert counter.policy_prompt_tokens == 2 + 4 + 6  # the three expanded states
    assert counter.value_forward_passes == 3 and counter.value_states == 3


def test_best_of_n_counts(setup):
    counter, policy, value, problem = setup
    result = best_of_n(problem, policy, value, SearchConfig(name="best_of_n", n=3))
    assert result.answer == "yes" and result.expansions == 3
    assert counter.policy_tokens == 3 * 7 and counter.policy_forward_passes == 7
    assert counter.policy_prompt_tokens == 3 * 2
    assert counter.value_forward_passes == 1 and counter.value_states == 3


def test_beam_counts(setup):
    counter, policy, value, problem = setup
    cfg = SearchConfig(name="beam", width=2, top_k=2)  # both samples agree: deduplicated
    result = beam_search(problem, PolicyProposer(policy, 1.0, 8), value, cfg)
    assert result.finished and result.answer == "yes" and result.expansions == 3
    assert counter.policy_tokens == 2 * (2 + 2 + 3)
    assert counter.policy_forward_passes == 2 + 2 + 3
    assert counter.value_forward_passes == 3 and counter.value_states == 3


def test_step_budget_cuts_a_step_and_drops_it(setup):
    counter, policy, _, problem = setup
    proposer = PolicyProposer(policy, 0.0, max_step_tokens=1)
    assert proposer.propose(problem, [problem.root], 1) == [[]]
    assert counter.policy_tokens == 1 and counter.policy_forward_passes == 1
