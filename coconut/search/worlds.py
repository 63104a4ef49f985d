"""Task rules a search can check: the question's facts, process rewards and the oracle Q.

ProntoQA's world lives in :mod:`coconut.search.prontoqa_world`.

A *world* is built from one record. ProsQA worlds know the stated facts (the question's
sentences), so they can list the exact candidate steps from the current node, reward a
step that states a fact continuing the chain, and give the oracle Q: is the gold target
still reachable (or, for the answer line, is the answer right)? GSM8K worlds only reward
steps whose calculator equations ``<<a*b=c>>`` are correct.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from coconut.data import normalize_answer
from coconut.data.calculator import equation_holds, equations
from coconut.data.graph import ReasoningGraph
from coconut.data.prosqa_text import parse_fact, parse_query, split_sentences
from coconut.search.mdp import ANSWER_PREFIX
from coconut.search.prontoqa_world import ProntoQAWorld


@dataclass(frozen=True)
class ProsQAWorld:
    """The facts of one ProsQA question.

    Attributes:
        entity: the person the question asks about.
        options: the two concepts of the closing question.
        facts: for each subject, its stated facts ``(object, sentence)`` in question order.
        gold: the gold answer (normalised), or ``None`` when unknown.
        graph: the stated facts as a graph over concept names, rooted at the entity
            (target and negative target: the options in the query's order).
    """

    entity: str
    options: tuple[str, str]
    facts: Mapping[str, tuple[tuple[str, str], ...]]
    gold: str | None
    graph: ReasoningGraph = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pairs = [(subject, obj) for subject, objs in self.facts.items() for obj, _ in objs]
        graph = ReasoningGraph.from_facts(pairs, self.entity, *self.options)
        object.__setattr__(self, "graph", graph)

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> ProsQAWorld:
        """Parses the question's sentences.

        Raises:
            ValueError: if the question does not end with a ProsQA query.
        """
        sentences = split_sentences(record["question"])
        query = parse_query(sentences[-1]) if sentences else None
        if query is None:
            raise ValueError(f"not a ProsQA question (no closing query): {record['question']!r}")
        facts: dict[str, list[tuple[str, str]]] = {}
        for sentence in sentences[:-1]:
            parsed = parse_fact(sentence)
            if parsed is not None:
                facts.setdefault(parsed[0], []).append((parsed[1], sentence))
        gold = record.get("answer")
        return cls(
            entity=query[0],
            options=(query[1], query[2]),
            facts={k: tuple(v) for k, v in facts.items()},
            gold=None if gold is None else normalize_answer(gold),
        )

    @property
    def target(self) -> str | None:
        """The concept of the gold answer."""
        parsed = parse_fact(self.gold) if self.gold else None
        return None if parsed is None else parsed[1]

    def current_node(self, steps: Sequence[str]) -> str | None:
        """Where the chain of ``steps`` ends, or ``None`` if a step is not a stated fact
        continuing it."""
        node = self.entity
        for step in steps:
            parsed = parse_fact(step)
            if parsed is None or parsed[0] != node or not self._stated(*parsed):
                return None
            node = parsed[1]
        return node

    def candidates(self, steps: Sequence[str]) -> list[str]:
        """Every fact whose subject is the current node, then the answer line when the
        node is one of the query's options."""
        node = self.current_node(steps)
        if node is None:
            return []
        out = [sentence for _, sentence in self.facts.get(node, ())]
        if node in self.options and node != self.entity:
            out.append(f"{ANSWER_PREFIX} {self.entity} is a {node}.")
        return out

    def reward(self, steps: Sequence[str], step: str, answer: str | None) -> float:
        """1 if ``step`` states a fact continuing the chain of ``steps`` (for the answer
        line: names the concept the chain reached), else 0."""
        node = self.current_node(steps)
        if node is None:
            return 0.0
        if answer is not None:
            parsed = parse_fact(answer)
            return float(parsed is not None and parsed == (self.entity, node))
        return float(self.current_node([*steps, step]) is not None)

    def oracle_q(self, steps: Sequence[str], answer: str | None) -> float:
        """1 if the answer is right, or, before the answer, if the chain is intact and the
        gold target is still reachable from its end; else 0."""
        if self.gold is None:
            raise ValueError("the oracle Q needs the gold answer")
        if answer is not None:
            return float(normalize_answer(answer) == self.gold)
        node, target = self.current_node(steps), self.target
        return float(node is not None and target is not None and self._reaches(node, target))

    def _stated(self, subject: str, obj: str) -> bool:
        return any(o == obj for o, _ in self.facts.get(subject, ()))

    def _reaches(self, start: str, goal: str) -> bool:
        source, end = self.graph.index(start), self.graph.index(goal)
        if source is None or end is None:
            return start == goal
        return self.graph.reaches(source, end)


@dataclass(frozen=True)
class CalculatorWorld:
    """GSM8K: rewards steps whose calculator equations all hold; no oracle, no facts."""

    gold: str | None = None

    def reward(self, steps: Sequence[str], step: str, answer: str | None) -> float:
        """1 unless the step holds an equation ``<<expr=value>>`` that does not evaluate
        to its value."""
        if answer is not None:
            return 1.0
        return float(all(equation_holds(e) for e in equations(step)))

    def candidates(self, steps: Sequence[str]) -> list[str]:
        raise ValueError("search.proposer=enumerate needs ProsQA or ProntoQA; GSM8K has no facts")

    def oracle_q(self, steps: Sequence[str], answer: str | None) -> float:
        """The oracle is known only for the answer line (is it right?)."""
        if answer is None:
            raise ValueError("search.value=oracle needs ProsQA or ProntoQA (GSM8K has no oracle)")
        return float(normalize_answer(answer) == self.gold)


def world_for(record: Mapping[str, Any]) -> ProsQAWorld | ProntoQAWorld | CalculatorWorld:
    """The world of ``record``: ProsQA or ProntoQA by the closing question, else GSM8K."""
    sentences = split_sentences(record["question"])
    if sentences and parse_query(sentences[-1]) is not None:
        return ProsQAWorld.from_record(record)
    if sentences and sentences[-1].startswith("True or false:"):
        return ProntoQAWorld.from_record(record)
    gold = record.get("answer")
    return CalculatorWorld(None if gold is None else normalize_answer(gold))
