"""Summary statistics of a set of examples, used to compare generated and published data."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from typing import Any

from coconut.data.prosqa_text import split_sentences
from coconut.data.schema import GRAPH_FIELDS


def _spread(name: str, values: Sequence[float]) -> dict[str, float]:
    mean = statistics.fmean(values)
    return {f"{name}_mean": mean, f"{name}_min": min(values), f"{name}_max": max(values)}


def _graph_stats(records: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    nodes = [len(r["idx_to_symbol"]) for r in records]
    persons = [
        n - len({child for _, child in r["edges"]}) for n, r in zip(nodes, records, strict=True)
    ]
    return (
        _spread("nodes", nodes)
        | _spread("edges", [len(r["edges"]) for r in records])
        | {"persons_mean": statistics.fmean(persons)}
    )


def example_stats(records: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Statistics of valid examples.

    Always: ``examples``, question length (characters, words, sentences) and steps per
    example. With ProsQA graph fields: nodes, edges and person entities (nodes without
    parents) per graph. When every answer is "True" or "False": ``true_fraction``.

    Args:
        records: examples in our schema (at least one).

    Returns:
        A flat mapping from statistic name to value.

    Raises:
        ValueError: if ``records`` is empty.
    """
    if not records:
        raise ValueError("no examples to summarise")
    questions = [r["question"] for r in records]
    stats: dict[str, float] = {"examples": len(records)}
    stats["question_chars_mean"] = statistics.fmean(len(q) for q in questions)
    stats["question_words_mean"] = statistics.fmean(len(q.split()) for q in questions)
    stats["question_sentences_mean"] = statistics.fmean(len(split_sentences(q)) for q in questions)
    stats |= _spread("steps", [len(r["steps"]) for r in records])
    if all(field in records[0] for field in GRAPH_FIELDS):
        stats |= _graph_stats(records)
    answers = [r["answer"] for r in records]
    if set(answers) <= {"True", "False"}:
        stats["true_fraction"] = answers.count("True") / len(answers)
    return stats
