"""ProntoQA rules a search can check: the ontology's rules, candidate steps, oracle Q.

A ProntoQA step joins a conclusion about the entity and the rule applied next, "Max is a
vumpus. Each vumpus is a brimpus.", the chain ends with the conclusion about the queried
property, "Max is not wooden.", and the answer is True or False. The world reads the
rules of the question ("Each X is a Y.", "Every X is not P.", "Xpuses are Ypuses.", ...),
so it can list the exact next steps, reward a step that applies a stated rule to the
current concept, and give the oracle Q: can the conclusion giving the gold answer still
be derived?
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coconut.data import normalize_answer
from coconut.data import prontoqa_grammar as grammar
from coconut.data.prontoqa import PROPERTY_FAMILIES
from coconut.data.prosqa_text import split_sentences
from coconut.data.word_forms import with_article
from coconut.search.mdp import ANSWER_PREFIX

_PROPERTIES = frozenset(word for family in PROPERTY_FAMILIES for word in family)


@dataclass(frozen=True)
class Rule:
    """``subject`` is [not] ``predicate`` (a concept, or a property when not ``concept``)."""

    subject: str
    predicate: str
    concept: bool
    negated: bool
    sentence: str


@dataclass(frozen=True)
class ProntoQAWorld:
    """The rules of one ProntoQA question.

    Attributes:
        entity: the queried person.
        start: the concepts the question says the entity belongs to.
        rules: the stated rules, by subject concept, in question order.
        query: ``(property, negated)`` of the closing question.
        gold: the gold answer (normalised) or ``None``.
    """

    entity: str
    start: tuple[str, ...]
    rules: Mapping[str, tuple[Rule, ...]]
    query: tuple[str, bool]
    gold: str | None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> ProntoQAWorld:
        """Parses the question.

        Raises:
            ValueError: if the question does not end with a ProntoQA query.
        """
        sentences = split_sentences(record["question"])
        query = grammar.parse_query(sentences[-1]) if sentences else None
        if query is None:
            raise ValueError(f"not a ProntoQA question: {record['question']!r}")
        rules: dict[str, list[Rule]] = {}
        start = []
        for sentence in sentences[:-1]:
            fact = grammar.parse_entity_fact(sentence)
            if fact and fact.subject == query.entity:
                start.append(fact.obj)
                continue
            rule = _parse_rule(sentence, query.prop)
            if rule is not None:
                rules.setdefault(rule.subject, []).append(rule)
        gold = record.get("answer")
        return cls(
            entity=query.entity,
            start=tuple(start),
            rules={k: tuple(v) for k, v in rules.items()},
            query=(query.prop, query.negated),
            gold=None if gold is None else normalize_answer(gold),
        )

    def _walk(self, steps: Sequence[str]) -> tuple[str, Any] | None:
        """Where the steps lead: ``("start", None)``, ``("concept", name)``,
        ``("property", rule)`` (a property rule was applied, its conclusion is due) or
        ``("concluded", (property, negated))``; ``None`` if a step breaks the chain."""
        where: tuple[str, Any] = ("start", None)
        for step in steps:
            where = self._advance(where, step)
            if where is None:
                return None
        return where

    def _advance(self, where: tuple[str, Any], step: str) -> tuple[str, Any] | None:
        kind, value = where
        if kind == "property":
            return (
                ("concluded", (value.predicate, value.negated))
                if step == _conclusion(self.entity, value)
                else None
            )
        if kind == "concluded":
            return None
        options = self.start if kind == "start" else (value,)
        for concept in options:
            for rule in self.rules.get(concept, ()):
                if step == _applied(self.entity, concept, rule):
                    return ("concept", rule.predicate) if rule.concept else ("property", rule)
        return None

    def candidates(self, steps: Sequence[str]) -> list[str]:
        """Every rule applicable to the current concept, the due conclusion, or the
        answer once the queried property is concluded."""
        where = self._walk(steps)
        if where is None:
            return []
        kind, value = where
        if kind == "property":
            return [_conclusion(self.entity, value)]
        if kind == "concluded":
            prop, negated = value
            if prop != self.query[0]:
                return []
            return [f"{ANSWER_PREFIX} {negated == self.query[1]}"]
        concepts = self.start if kind == "start" else (value,)
        return [_applied(self.entity, c, r) for c in concepts for r in self.rules.get(c, ())]

    def reward(self, steps: Sequence[str], step: str, answer: str | None) -> float:
        """1 if ``step`` is one of the candidates after ``steps``, else 0."""
        return float(" ".join(step.split()) in self.candidates(steps))

    def oracle_q(self, steps: Sequence[str], answer: str | None) -> float:
        """1 if the answer is right, or, before it, if the conclusion that gives the gold
        answer (the queried property with the right sign) can still be derived; else 0."""
        if self.gold is None:
            raise ValueError("the oracle Q needs the gold answer")
        if answer is not None:
            return float(normalize_answer(answer) == self.gold)
        where = self._walk(steps)
        if where is None:
            return 0.0
        goal = (self.query[0], self.query[1] == (self.gold == "True"))
        kind, value = where
        if kind == "concluded":
            return float(value == goal)
        if kind == "property":
            return float((value.predicate, value.negated) == goal)
        concepts = self.start if kind == "start" else (value,)
        return float(any(self._derives(c, goal) for c in concepts))

    def _derives(self, concept: str, goal: tuple[str, bool]) -> bool:
        seen, stack = {concept}, [concept]
        while stack:
            for rule in self.rules.get(stack.pop(), ()):
                if not rule.concept and (rule.predicate, rule.negated) == goal:
                    return True
                if rule.concept and rule.predicate not in seen:
                    seen.add(rule.predicate)
                    stack.append(rule.predicate)
        return False


def _parse_rule(sentence: str, queried: str) -> Rule | None:
    """The rule of ``sentence``; in "Xs are [not] W." W is a property when it is the
    queried one, a known property word, or not a plural."""
    if found := grammar.parse_singular_rule(sentence):
        return Rule(found.subject, found.obj, found.article, found.negated, sentence)
    if found := grammar.parse_plural_rule(sentence):
        predicate = found.obj
        concept = predicate.endswith("es") and predicate not in {queried, *_PROPERTIES}
        obj = grammar.singular(predicate) if concept else predicate
        return Rule(grammar.singular(found.subject), obj, concept, found.negated, sentence)
    return None


def _applied(entity: str, concept: str, rule: Rule) -> str:
    return f"{entity} is {with_article(concept)}. {rule.sentence}"


def _conclusion(entity: str, rule: Rule) -> str:
    return f"{entity} is {'not ' if rule.negated else ''}{rule.predicate}."
