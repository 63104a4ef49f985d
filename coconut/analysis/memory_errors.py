"""Memory vs reasoning errors of wrong answers on ProsQA and ProntoQA, checked mechanically.

The memory/reason paper (arXiv 2411.13504) finds most wrong answers to be reasoning
errors. On ProsQA and ProntoQA every sentence is a fact or a one-hop inference, so a
generated chain can be checked without a judge model:

- each generated step (one sentence; tag tokens and latent spans removed) has a kind:
  the kind of the type tokens before it when the model emitted some (memory_reason;
  ``use_tags=False`` ignores them, as for memory_reason_shuffled, whose tags are
  permuted on purpose), else by its form: a rule ("Every A is a B.", "As are Bs.",
  "Each A is not P.") or an entity sentence stated in the question is memory, any other
  entity sentence reason;
- a **memory error** is a memory step that is not a sentence of the question;
- a **reasoning error** is a reason step ``E is [not] X`` that does not follow from the
  steps before it: no earlier step ``E is a C`` with an earlier rule ``C -> [not] X``.

A wrong answer is classified as memory only, reasoning only, both, or neither (the chain
checks out but the answer does not, or there is no chain). Steps inside latent spans are
not language and cannot be checked (memory_latent's reason steps).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coconut.data import prontoqa_grammar as grammar
from coconut.data.prosqa_text import split_sentences

CHECKABLE = ("prosqa", "prontoqa")
_TAG = re.compile(r"<\|(memory|reason|answer|plan|prefix)_\d+\|>")
_LATENT_SPAN = re.compile(r"<\|start-latent\|>.*?(?:<\|end-latent\|>|$)", re.DOTALL)
_MARKERS = re.compile(r"<\|[a-z-]+\|>")


@dataclass(frozen=True)
class Step:
    """One generated sentence and its kind (``memory`` or ``reason``)."""

    text: str
    kind: str


def parse_rule(sentence: str) -> tuple[str, bool, str] | None:
    """``(concept, negated, object)`` of a rule sentence, or None."""
    text = sentence.strip()
    if found := grammar.parse_singular_rule(text.lower()):
        return found.subject, found.negated, found.obj
    found = grammar.parse_plural_rule(text.lower())
    if found and text[0].isupper():
        return grammar.singular(found.subject), found.negated, grammar.singular(found.obj)
    return None


def parse_entity(sentence: str) -> tuple[str, bool, str] | None:
    """``(entity, negated, object)`` of an entity sentence ("Tom is not a wumpus."), or None."""
    text = sentence.strip()
    if text.lower().startswith(("every ", "each ")):
        return None
    found = grammar.parse_entity_fact(text)
    return None if found is None else (found.subject, found.negated, found.obj.lower())


def _norm(sentence: str) -> str:
    return " ".join(sentence.split()).lower().rstrip(".")


def generated_steps(text: str, question: str, use_tags: bool = True) -> list[Step]:
    """The checkable sentences of a generation (before ``###``), each with its kind."""
    body = text.split("###")[0]
    body = _LATENT_SPAN.sub("\n", body)
    stated = {_norm(s) for s in split_sentences(question)}
    steps, pending = [], None
    for piece in re.split(r"(<\|(?:memory|reason|answer|plan|prefix)_\d+\|>)", body):
        tag = _TAG.fullmatch(piece)
        if tag:
            if use_tags and tag[1] in ("memory", "reason"):
                pending = tag[1]
            continue
        for sentence in split_sentences(_MARKERS.sub(" ", piece).replace("\n", " ")):
            kind = pending or _kind_by_form(sentence, stated)
            steps.append(Step(sentence, kind))
            pending = None
    return steps


def _kind_by_form(sentence: str, stated: set[str]) -> str:
    if parse_rule(sentence) is not None or _norm(sentence) in stated:
        return "memory"
    return "reason"


def _follows(sentence: str, earlier: Sequence[str]) -> bool:
    claim = parse_entity(sentence)
    if claim is None:
        return False
    entity, negated, obj = claim
    classes = set()
    for s in earlier:
        fact = parse_entity(s)
        if fact and fact[0] == entity and not fact[1]:
            classes.add(fact[2])
    for s in earlier:
        rule = parse_rule(s)
        if rule and rule[0] in classes and rule[1] == negated and rule[2] == obj:
            return True
    return False


def classify(question: str, generated: str, use_tags: bool = True) -> dict[str, bool]:
    """Whether a generation holds a memory error and a reasoning error."""
    steps = generated_steps(generated, question, use_tags)
    stated = {_norm(s) for s in split_sentences(question)}
    memory_error = reasoning_error = False
    for i, step in enumerate(steps):
        if step.kind == "memory":
            memory_error |= _norm(step.text) not in stated
        else:
            reasoning_error |= not _follows(step.text, [s.text for s in steps[:i]])
    return {"memory_error": memory_error, "reasoning_error": reasoning_error}


def error_shares(
    task: str,
    questions: Sequence[str],
    predictions: Sequence[Mapping[str, Any]],
    use_tags: bool = True,
) -> dict[str, float]:
    """Shares of the wrong answers with each kind of error, as the paper reports them.

    Args:
        task: the dataset (``prosqa`` or ``prontoqa``).
        questions: question text of each example, by index.
        predictions: records with ``index``, ``correct`` and ``generated`` (as written by
            ``coconut-eval``).
        use_tags: take a step's kind from the type tokens the model emitted before it.

    Returns:
        ``wrong`` (count) and the shares ``memory_only``, ``reasoning_only``, ``both``,
        ``neither``, ``any_memory``, ``any_reasoning`` among wrong answers.

    Raises:
        ValueError: for a dataset whose facts cannot be checked mechanically.
    """
    if task not in CHECKABLE:
        raise ValueError(
            f"error analysis needs facts that can be checked mechanically: it supports "
            f"{CHECKABLE}, not {task!r} (for strategyqa/truthfulqa use tag_statistics)"
        )
    counts: Counter[str] = Counter()
    for p in predictions:
        if p["correct"]:
            continue
        found = classify(questions[p["index"]], p["generated"], use_tags)
        m, r = found["memory_error"], found["reasoning_error"]
        counts[
            "both" if m and r else "memory_only" if m else "reasoning_only" if r else "neither"
        ] += 1
    wrong = sum(counts.values())
    shares = {
        k: counts[k] / wrong if wrong else 0.0
        for k in ("memory_only", "reasoning_only", "both", "neither")
    }
    shares["any_memory"] = shares["memory_only"] + shares["both"]
    shares["any_reasoning"] = shares["reasoning_only"] + shares["both"]
    return {"wrong": float(wrong), **shares}
