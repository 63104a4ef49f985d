"""A* over reasoning steps: oracle search on generated ProsQA, order of expansion, budget."""

from __future__ import annotations

from dataclasses import dataclass, field

from scripted import tiny_gpt2

from coconut.search import State, Step, astar_search
from coconut.search.cli import build_searcher, make_problems
from coconut.search.config import SearchConfig
from coconut.search.counters import ComputeCounter
from coconut.search.mdp import Problem
from coconut.search.policy import StepPolicy
from coconut.search.proposers import EnumerateProposer
from coconut.search.values import OracleValue


def test_oracle_astar_with_enumerate_solves_generated_prosqa(prosqa_records, prosqa_tokenizer):
    # an untrained policy: with enumerate + oracle it is never asked for anything
    counter = ComputeCounter()
    policy = StepPolicy(tiny_gpt2(len(prosqa_tokenizer)), prosqa_tokenizer, counter)
    cfg = SearchConfig(name="astar", value="oracle", proposer="enumerate", max_expansions=200)
    search = build_searcher(cfg, policy, OracleValue(counter), prosqa_tokenizer)
    problems = make_problems(prosqa_records, prosqa_tokenizer)
    solved = 0
    for problem in problems:
        result = search(problem)
        world = problem.world
        chain_ends = world.current_node(result.state.step_texts)
        solved += result.finished and result.answer == problem.record["answer"]
        assert chain_ends == world.target or not result.finished
    assert solved / len(problems) >= 0.99
    assert counter.policy_tokens == 0 and counter.policy_forward_passes == 0


def test_oracle_astar_with_enumerate_solves_all_at_the_default_budget(
    prosqa_records, prosqa_tokenizer
):
    # ties broken depth-first leave no question unsolved at the default 32 expansions
    cfg = SearchConfig(name="astar", value="oracle", proposer="enumerate")
    assert cfg.max_expansions == 32
    search = build_searcher(cfg, None, OracleValue(ComputeCounter()), prosqa_tokenizer)
    problems = make_problems(prosqa_records, prosqa_tokenizer)
    results = [search(p) for p in problems]
    unsolved = [p.index for p, r in zip(problems, results, strict=True)
                if not (r.finished and r.answer == p.record["answer"])]  # fmt: skip
    assert unsolved == []
    assert max(r.expansions for r in results) <= 12


def test_budget_too_small_returns_best_partial_trajectory(prosqa_records, prosqa_tokenizer):
    problem = make_problems(prosqa_records[:1], prosqa_tokenizer)[0]
    cfg = SearchConfig(value="oracle", proposer="enumerate", max_expansions=1)
    result = astar_search(
        problem, EnumerateProposer(prosqa_tokenizer), OracleValue(ComputeCounter()), cfg
    )
    assert not result.finished and result.answer == ""
    assert len(result.state.steps) == 1 and result.expansions == 1
    # the best partial is a fact from the entity that still reaches the target
    assert problem.world.oracle_q(result.state.step_texts, None) == 1.0


@dataclass
class ScriptedProposer:
    """Candidates by the texts of the steps so far; records which states it expanded."""

    tree: dict[tuple[str, ...], list[str]]
    calls: list[tuple[str, ...]] = field(default_factory=list)

    def propose(self, problem, states, k):
        out = []
        for state in states:
            key = tuple(s.text for s in state.steps)
            self.calls.append(key)
            out.append([Step(t, (len(t),)) for t in self.tree.get(key, [])])
        return out


def scripted_value(q: dict[str, float]):
    return lambda problem, states: [q[s.steps[-1].text] for s in states]


def _problem() -> Problem:
    return Problem({"question": "q", "answer": "x"}, State((1,)))


def test_astar_expands_by_f_and_backs_off_a_dead_end():
    tree = {
        (): ["a", "b"],
        ("a",): ["a1"],
        ("b",): ["b1"],
        ("b", "b1"): ["### x"],
    }
    q = {"a": 0.9, "b": 0.5, "a1": 0.1, "b1": 0.8, "### x": 1.0}
    proposer = ScriptedProposer(tree)
    cfg = SearchConfig(lam=1.0, g="min")
    result = astar_search(_problem(), proposer, scripted_value(q), cfg)
    assert proposer.calls == [(), ("a",), ("b",), ("b", "b1")]
    assert result.finished and result.answer == "x"
    assert [s.text for s in result.state.steps] == ["b", "b1", "### x"]
    assert result.score == 0.0 + 1.0 * 1.0  # g = min of rewards (no world: 0) + λ·Q̂
    assert result.expansions == 4


def test_equal_priorities_at_one_depth_are_expanded_last_in_first_out():
    tree = {(): ["c1", "c2", "c3"], ("c1",): [], ("c2",): [], ("c3",): []}
    proposer = ScriptedProposer(tree)
    astar_search(_problem(), proposer, scripted_value(dict.fromkeys(tree[()], 0.5)), SearchConfig())
    assert proposer.calls == [(), ("c3",), ("c2",), ("c1",)]


def _uniform_tree(depth: int, width: int) -> dict[tuple[str, ...], list[str]]:
    """Every state has ``width`` children down to ``depth``, then an answer line."""
    tree: dict[tuple[str, ...], list[str]] = {}
    level = [()]
    for d in range(depth):
        for state in level:
            tree[state] = [f"s{d}.{i}" for i in range(width)]
        level = [(*state, step) for state in level for step in tree[state]]
    for state in level:
        tree[state] = ["### x"]
    return tree


def test_ties_go_depth_first_and_solve_within_a_small_budget():
    # every step valued alike (the oracle with enumerate): breaking ties first-in-first-out
    # would make A* breadth-first, 1 + 3 + 9 + 27 = 40 expansions before any answer
    tree = _uniform_tree(depth=3, width=3)
    proposer = ScriptedProposer(tree)
    cfg = SearchConfig(max_expansions=5)
    value = scripted_value(dict.fromkeys({s for steps in tree.values() for s in steps}, 1.0))
    result = astar_search(_problem(), proposer, value, cfg)
    assert [len(call) for call in proposer.calls] == [0, 1, 2, 3]  # one level deeper each time
    assert result.finished and result.answer == "x" and result.expansions == 4


def test_n_trajectories_pops_several_answers_and_keeps_the_best():
    tree = {(): ["### x", "### y"]}
    q = {"### x": 0.2, "### y": 0.7}
    cfg = SearchConfig(n=2)
    result = astar_search(_problem(), ScriptedProposer(tree), scripted_value(q), cfg)
    assert result.answer == "y" and result.finished


def test_lambda_weighs_the_heuristic_against_g():
    # with λ = 0 only g counts: every child ties and the last one queued comes out first
    tree = {(): ["### y", "### x"]}
    q = {"### x": 0.2, "### y": 0.7}
    lazy = astar_search(_problem(), ScriptedProposer(tree), scripted_value(q), SearchConfig(lam=0))
    assert lazy.answer == "x"
    eager = astar_search(_problem(), ScriptedProposer(tree), scripted_value(q), SearchConfig())
    assert eager.answer == "y"


def test_oracle_astar_with_enumerate_solves_generated_prontoqa(prosqa_tokenizer):
    from coconut.data import generate_prontoqa

    records = generate_prontoqa(n=100, seed=7)
    counter = ComputeCounter()
    cfg = SearchConfig(name="astar", value="oracle", proposer="enumerate", max_expansions=200)
    search = build_searcher(cfg, None, OracleValue(counter), prosqa_tokenizer)
    problems = make_problems(records, prosqa_tokenizer)
    solved = sum(search(p).answer == p.record["answer"] for p in problems)
    assert solved / len(problems) >= 0.99
