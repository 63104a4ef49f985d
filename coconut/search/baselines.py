"""Baselines at matched compute: greedy CoT, best-of-N reranked by Q̂, step-level beam."""

from __future__ import annotations

from coconut.search.config import SearchConfig
from coconut.search.expansion import Node, Proposer, ValueFn, expand, root_node
from coconut.search.mdp import Problem, State, split_steps
from coconut.search.policy import StepPolicy
from coconut.search.result import SearchResult


def greedy(problem: Problem, policy: StepPolicy, cfg: SearchConfig) -> SearchResult:
    """One greedy rollout of the policy, as ``coconut-eval`` decodes a CoT run."""
    ((state, finished),) = _rollouts(problem, policy, 1, 0.0, cfg.max_new_tokens)
    return SearchResult(state, finished, 0.0, 1)


def best_of_n(
    problem: Problem, policy: StepPolicy, value: ValueFn, cfg: SearchConfig
) -> SearchResult:
    """``cfg.n`` sampled rollouts (one batch), the finished one of highest Q̂ chosen.

    Q̂ is read on each complete trajectory (question, steps and answer line). When no
    rollout finished, the one of highest Q̂ is returned, marked unfinished.
    """
    rollouts = _rollouts(problem, policy, cfg.n, cfg.temperature, cfg.max_new_tokens)
    scores = value(problem, [state for state, _ in rollouts])
    # finished first, then highest Q̂, then the earliest sample
    best = max(range(len(rollouts)), key=lambda i: (rollouts[i][1], scores[i], -i))
    state, finished = rollouts[best]
    return SearchResult(state, finished, float(scores[best]), len(rollouts))


def beam_search(
    problem: Problem, proposer: Proposer, value: ValueFn, cfg: SearchConfig
) -> SearchResult:
    """Step-level beam search: every live beam proposes ``top_k`` steps (all in one
    batched call), the ``width`` children of highest g + λ·Q̂ are kept; finished ones
    leave the beam. Ends when ``width`` trajectories finished or no beam is left."""
    beams, done, expansions = [root_node(problem, cfg.g)], [], 0
    last = beams
    while beams and len(done) < cfg.width:
        children = expand(problem, beams, proposer, value, cfg.top_k, cfg.lam, cfg.g)
        expansions += len(beams)
        pool = sorted((c for row in children for c in row), key=lambda n: -n.f)
        kept = pool[: cfg.width - len(done)]
        done += [n for n in kept if n.state.finished]
        live = [n for n in kept if not n.state.finished]
        last = live or last
        beams = [n for n in live if n.depth < cfg.max_depth]
    return _pick(done, last, expansions)


def _pick(done: list[Node], beams: list[Node], expansions: int) -> SearchResult:
    if done:
        best = max(done, key=lambda n: n.f)
        return SearchResult(best.state, True, best.f, expansions)
    best = max(beams, key=lambda n: (n.f, n.depth))
    return SearchResult(best.state, False, best.f, expansions)


def _rollouts(
    problem: Problem, policy: StepPolicy, n: int, temperature: float, max_new_tokens: int
) -> list[tuple[State, bool]]:
    samples = policy.sample([problem.root.ids], n, temperature, max_new_tokens, until="eos")[0]
    out = []
    for sample in samples:
        steps = split_steps(sample.ids, policy.tokenizer, policy.newline_ids)
        state = State(problem.root.question_ids, tuple(steps))
        out.append((state, sample.stop == "eos" and state.finished))
    return out
