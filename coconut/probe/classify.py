"""Classifying a ProsQA output against its graph, as in the paper's analysis (Section 5).

An output is the language a model writes after its prompt (and after any continuous
thoughts): reasoning steps, one per line, then ``### answer``. Each step must read
``[Every] X is a Y`` and stands for the edge ``X -> Y``. The six classes:

- **Correct Path**: the steps form a connected path of real edges to the target, the
  answer is right, and the path (counting the hops from the entity to its first node) is
  a shortest one. After ``k`` forced thoughts the path may start at a node at most ``k``
  hops from the entity (the thoughts stand for those hops); with ``k = 0`` it must start
  at the entity itself;
- **Longer Path**: the same, but longer than the shortest path;
- **Hallucination**: a step that does not parse, names an unknown concept, states an edge
  the graph does not have, or does not continue from the step before; a path that starts
  farther from the entity than ``k`` hops; an answer line before the last one;
- **Wrong Target**: a valid path that ends elsewhere than the target, or whose answer is
  wrong;
- **Correct Label** / **Incorrect Label**: no reasoning steps, only an answer, right or
  wrong.

The answer is the one accuracy reads (:func:`coconut.curriculum.extract_answer`: the text
after the *last* ``###``), so an output's class and its correctness never disagree.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from coconut.curriculum import extract_answer
from coconut.data import normalize_answer
from coconut.data.graph import ReasoningGraph

CORRECT_PATH = "Correct Path"
LONGER_PATH = "Longer Path"
HALLUCINATION = "Hallucination"
WRONG_TARGET = "Wrong Target"
CORRECT_LABEL = "Correct Label"
INCORRECT_LABEL = "Incorrect Label"
CATEGORIES: tuple[str, ...] = (
    CORRECT_PATH,
    LONGER_PATH,
    HALLUCINATION,
    WRONG_TARGET,
    CORRECT_LABEL,
    INCORRECT_LABEL,
)
"""The six classes, in the order of the paper's figures."""

ANSWER_MARKER = "###"
_STEP = re.compile(r"^(?:Every |Each )?(?P<subject>.+?) is an? (?P<object>[^.]+?)\.?$")


@dataclass(frozen=True)
class Classification:
    """One output's class and why.

    Attributes:
        category: one of :data:`CATEGORIES`.
        reason: a short explanation (which step failed, where the path ended).
        path: the nodes of the parsed path (empty when it could not be parsed).
        answer_correct: whether the answer matches the gold one.
    """

    category: str
    reason: str
    path: tuple[int, ...] = ()
    answer_correct: bool = False


def split_output(text: str, eos_token: str | None = "<|endoftext|>") -> tuple[list[str], str]:
    """The lines before the last ``###`` and the answer after it (cut at ``eos_token``).

    The answer is :func:`~coconut.curriculum.extract_answer`'s, the one accuracy reads; an
    earlier answer line stays among the lines (and makes the output a Hallucination).
    """
    if eos_token:
        text = text.split(eos_token, 1)[0]
    body = text.rpartition(ANSWER_MARKER)[0] if ANSWER_MARKER in text else text
    steps = [line.strip() for line in body.splitlines() if line.strip()]
    return steps, extract_answer(text, None)


def parse_step(step: str) -> tuple[str, str] | None:
    """``(subject, object)`` of ``"[Every] X is a Y."``, or ``None``."""
    match = _STEP.match(step.strip())
    return None if match is None else (match["subject"].strip(), match["object"].strip())


def classify_output(
    text: str,
    graph: ReasoningGraph,
    gold_answer: str,
    eos_token: str | None = "<|endoftext|>",
    *,
    k: int = 0,
) -> Classification:
    """Puts one generated output into one of the six classes.

    Args:
        text: the generated continuation (steps and ``### answer``).
        graph: the example's graph.
        gold_answer: the example's answer, e.g. ``"Tom is a lempus."``.
        eos_token: text where generation ended; anything after it is ignored.
        k: continuous thoughts before ``text``: its path may start at most ``k`` hops
            from the entity (at the entity when ``k = 0``).
    """
    steps, answer = split_output(text, eos_token)
    correct = bool(answer) and normalize_answer(answer) == normalize_answer(gold_answer)
    if not steps:
        if correct:
            return Classification(CORRECT_LABEL, "answer only, right", (), True)
        return Classification(INCORRECT_LABEL, f"answer only: {answer!r}", (), False)
    path, problem = _walk(steps, graph)
    if problem:
        return Classification(HALLUCINATION, problem, tuple(path), correct)
    dist = graph.distances()
    start, end = path[0], path[-1]
    if dist[start] is None:
        reason = f"path starts at {graph.names[start]!r}, not reachable from the entity"
        return Classification(HALLUCINATION, reason, tuple(path), correct)
    if dist[start] > k:
        reason = (
            f"path starts at {graph.names[start]!r}, {dist[start]} hop(s) from the entity, "
            f"but only {k} thought(s) came before it"
        )
        return Classification(HALLUCINATION, reason, tuple(path), correct)
    if end != graph.target or not correct:
        reason = f"path ends at {graph.names[end]!r}, answer {answer!r}"
        return Classification(WRONG_TARGET, reason, tuple(path), correct)
    length = dist[start] + len(path) - 1
    if length == dist[graph.target]:
        return Classification(CORRECT_PATH, f"{length} hops, shortest", tuple(path), True)
    reason = f"{length} hops, shortest is {dist[graph.target]}"
    return Classification(LONGER_PATH, reason, tuple(path), True)


def _walk(steps: list[str], graph: ReasoningGraph) -> tuple[list[int], str | None]:
    """The nodes visited by ``steps``, or the first problem found."""
    path: list[int] = []
    for i, step in enumerate(steps):
        if step.startswith(ANSWER_MARKER):
            return path, f"step {i} {step!r} is an answer line before the last one"
        parsed = parse_step(step)
        if parsed is None:
            return path, f"step {i} {step!r} is not 'X is a Y'"
        a, b = (graph.index(name) for name in parsed)
        if a is None or b is None:
            unknown = parsed[0] if a is None else parsed[1]
            return path, f"step {i} names {unknown!r}, not a node of the graph"
        if path and a != path[-1]:
            return path, f"step {i} starts at {parsed[0]!r}, not where step {i - 1} ended"
        if not graph.has_edge(a, b):
            return path, f"step {i}: the graph has no edge {parsed[0]!r} -> {parsed[1]!r}"
        path = [*path, b] if path else [a, b]
    return path, None


def category_shares(categories: Iterable[str]) -> dict[str, float]:
    """The share of each of the six classes (0 for absent ones).

    Raises:
        ValueError: for an unknown class or no outputs at all.
    """
    counts = Counter(categories)
    unknown = set(counts) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"unknown categories {sorted(unknown)}")
    total = sum(counts.values())
    if total == 0:
        raise ValueError("no outputs to share out")
    return {c: counts[c] / total for c in CATEGORIES}
