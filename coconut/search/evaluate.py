"""Running a search over a split and scoring it, with the compute of every example."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tqdm.auto import tqdm

from coconut.data import normalize_answer
from coconut.search.counters import ComputeCounter
from coconut.search.mdp import Problem
from coconut.search.result import SearchResult

Searcher = Callable[[Problem], SearchResult]


def evaluate_search(
    search: Searcher, problems: Sequence[Problem], counter: ComputeCounter
) -> dict[str, Any]:
    """Searches every problem one at a time and scores the answers.

    Args:
        search: the configured search.
        problems: the questions (records carry the gold answers).
        counter: the counter the search's policy and value report to.

    Returns:
        ``metrics`` (means per example: ``acc``, ``gen_tokens`` = policy tokens,
        ``forward_passes`` of both models, ``sec_per_example``, ...) and ``predictions``.
    """
    total, predictions = ComputeCounter(), []
    correct = finished = expansions = 0
    for problem in tqdm(problems, desc="search", leave=False):
        before, start = counter.snapshot(), time.perf_counter()
        result = search(problem)
        result.compute = counter.since(before)
        result.compute.seconds = time.perf_counter() - start
        total.add(result.compute)
        gold = normalize_answer(problem.record["answer"])
        predicted = normalize_answer(result.answer)
        correct += predicted == gold
        finished += result.finished
        expansions += result.expansions
        predictions.append(_prediction(problem, result, gold, predicted))
    return {
        "metrics": _metrics(total, len(problems), correct, finished, expansions),
        "predictions": predictions,
    }


def _prediction(
    problem: Problem, result: SearchResult, gold: str, predicted: str
) -> dict[str, Any]:
    return {
        "index": problem.index,
        "gold": gold,
        "predicted": predicted,
        "correct": predicted == gold,
        "finished": result.finished,
        "score": result.score,
        "steps": [s.text for s in result.state.steps],
        **result.compute.as_dict(),
    }


def _metrics(
    total: ComputeCounter, n: int, correct: int, finished: int, expansions: int
) -> Mapping[str, float]:
    if n == 0:
        raise ValueError("no examples to search")
    passes = total.policy_forward_passes + total.value_forward_passes
    return {
        "acc": correct / n,
        "gen_tokens": total.policy_tokens / n,
        "forward_passes": passes / n,
        "policy_forward_passes": total.policy_forward_passes / n,
        "value_forward_passes": total.value_forward_passes / n,
        "value_states": total.value_states / n,
        "policy_prompt_tokens": total.policy_prompt_tokens / n,
        "sec_per_example": total.seconds / n,
        "finished": finished / n,
        "expansions": expansions / n,
        "num_examples": n,
    }
