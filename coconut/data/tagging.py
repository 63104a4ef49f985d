"""Tagging the steps of our own datasets as memory or reason, by rule (no external model).

- ProsQA: the chain of facts becomes each stated fact (memory) followed by the conclusion
  it yields (reason): "Tom is a terpus." (memory), "Every terpus is a brimpus." (memory),
  "Tom is a brimpus." (reason), ... The first step states the entity's own fact, which
  yields nothing new. The graph fields are left out of the tagged record, since its steps
  are no longer a path of edges; the facts stay in the question.
- ProntoQA: every sentence of the steps becomes one step; a sentence stated in the
  question is memory, a derived one reason.
- GSM8K: a step (or a sentence of a raw solution) with a ``<<a=b>>`` calculator
  annotation is reason, the rest memory.

Every tagger takes one ``{question, steps, answer}`` record and returns a new record with
``step_kinds``; an unparseable step raises ``ValueError`` naming the step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from coconut.data.calculator import has_annotation
from coconut.data.prosqa_text import fact_sentence, parse_fact, split_sentences
from coconut.data.schema import ANSWER, QUESTION, STEP_KINDS, STEPS, DataValidationError, Problem

Record = Mapping[str, Any]


def _base(record: Record, steps: list[str], kinds: list[str]) -> dict[str, Any]:
    return {
        QUESTION: record[QUESTION],
        STEPS: steps,
        ANSWER: record[ANSWER],
        STEP_KINDS: kinds,
    }


def tag_prosqa(record: Record) -> dict[str, Any]:
    """Stated facts as memory, each followed by the conclusion it yields as reason.

    Raises:
        ValueError: if a step is not a ProsQA fact sentence or the chain is broken.
    """
    steps, kinds, entity, current = [], [], None, None
    for i, step in enumerate(record[STEPS]):
        fact = parse_fact(step)
        if fact is None:
            raise ValueError(f"step {i}: {step!r} is not a ProsQA fact sentence")
        subject, obj = fact
        steps.append(step)
        kinds.append("memory")
        if i == 0:
            entity, current = subject, obj
            continue
        if subject != current:
            raise ValueError(f"step {i}: {step!r} does not continue from {current!r}")
        current = obj
        steps.append(fact_sentence(entity, obj, entity=True))
        kinds.append("reason")
    return _base(record, steps, kinds)


def _normal(sentence: str) -> str:
    return " ".join(sentence.split()).lower()


def tag_prontoqa(record: Record) -> dict[str, Any]:
    """One step per sentence: memory if the question states it, else reason."""
    stated = {_normal(s) for s in split_sentences(record[QUESTION])}
    steps = [s for step in record[STEPS] for s in split_sentences(step)]
    kinds = ["memory" if _normal(s) in stated else "reason" for s in steps]
    return _base(record, steps, kinds)


def tag_gsm8k(record: Record) -> dict[str, Any]:
    """Steps with a calculator annotation are reason, the rest memory."""
    steps = list(record[STEPS])
    kinds = ["reason" if has_annotation(s) else "memory" for s in steps]
    return _base(record, steps, kinds)


def gsm8k_solution_steps(solution: str) -> tuple[list[str], list[str]]:
    """Sentences of a raw GSM8K solution (before ``####``) and their kinds."""
    body = solution.rpartition("####")[0] if "####" in solution else solution
    sentences = [s for line in body.splitlines() for s in split_sentences(line)]
    return sentences, ["reason" if has_annotation(s) else "memory" for s in sentences]


TAGGERS: dict[str, Callable[[Record], dict[str, Any]]] = {
    "prosqa": tag_prosqa,
    "prontoqa": tag_prontoqa,
    "gsm8k": tag_gsm8k,
}


def tag_records(records: Iterable[Record], rule: str, source: str = "<memory>") -> list[dict]:
    """Tags every record with the rule of one dataset.

    Raises:
        ValueError: for an unknown rule.
        DataValidationError: naming the source, example and step of every failure.
    """
    if rule not in TAGGERS:
        raise ValueError(f"tagging rule must be one of {sorted(TAGGERS)}, got {rule!r}")
    tagged, problems = [], []
    for index, record in enumerate(records):
        try:
            tagged.append(TAGGERS[rule](record))
        except ValueError as err:
            problems.append(Problem(index, STEPS, str(err), source))
    if problems:
        raise DataValidationError(problems)
    return tagged
