"""The sentences of ProntoQA: the one place their patterns live and are parsed.

A ProntoQA question states rules about concepts, facts about an entity and a query::

    Every wumpus is a yumpus.        (singular rule; also "Each ...", "... is not P.")
    Wumpuses are not dull.           (plural rule)
    Alex is a wumpus.                (entity fact; also "Alex is not dull.")
    True or false: Alex is not dull. (query)

Each parse function reads one sentence, its closing period included, and returns the
words as written (readers lower-case or singularise them as they need) or ``None``. The
ProntoQA readers (:mod:`coconut.probe.prontoqa`, :mod:`coconut.search.prontoqa_world`,
:mod:`coconut.data.vocab`, :mod:`coconut.analysis.memory_errors`) all use these.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_OBJECT = r"(?P<neg>not )?(?P<art>an? )?(?P<obj>\w+)"
SINGULAR_RULE = re.compile(r"(?i:every|each) (?P<subject>\w+) is " + _OBJECT)
"""``Every X is [not] [a] Y`` (``Each`` too; the keyword in any case)."""
PLURAL_RULE = re.compile(r"(?P<subject>\w+) are (?P<neg>not )?(?P<obj>\w+)")
"""``Xs are [not] Ys``."""
ENTITY_FACT = re.compile(r"(?P<subject>[A-Z]\w*) is " + _OBJECT)
"""``Name is [not] [a] Y``."""
QUERY = re.compile(r"True or false:\s*(?P<entity>[A-Z]\w*) is (?P<neg>not )?(?P<obj>\w+)")
"""``True or false: Name is [not] P``."""
NAMED_FACT = re.compile(r"\b(?P<subject>[A-Z][a-z]+) is an? (?P<obj>[a-z]+)\.")
"""``Name is a x.`` anywhere in a text: how person names are told from other words."""
CONCLUSION_END = re.compile(r" is (?P<neg>not )?(?P<obj>\w+)$")
"""The end of a conclusion, ``... is [not] P``, at the end of a text without its period."""
QUERY_NAME = re.compile(r"True or false: (?P<entity>[A-Z][a-z]+) is")
"""The name a query asks about, anywhere in a text."""


@dataclass(frozen=True)
class Statement:
    """One rule or entity fact: ``subject`` is [not] [a] ``obj``.

    Attributes:
        subject: the concept (a rule) or entity (a fact), as written.
        obj: the object word, as written.
        negated: whether the sentence says "not".
        article: whether the object has "a"/"an" before it (it is then a concept).
        plural: whether the sentence is a plural rule ("Xs are Ys").
    """

    subject: str
    obj: str
    negated: bool
    article: bool
    plural: bool = False


@dataclass(frozen=True)
class Query:
    """``True or false: entity is [not] prop.``"""

    entity: str
    prop: str
    negated: bool


def _body(sentence: str) -> str | None:
    """``sentence`` stripped and without its closing period (``None`` without one)."""
    text = sentence.strip()
    return text[:-1] if text.endswith(".") else None


def _statement(match: re.Match[str] | None, plural: bool = False) -> Statement | None:
    if match is None:
        return None
    article = not plural and bool(match["art"])
    return Statement(match["subject"], match["obj"], bool(match["neg"]), article, plural)


def parse_singular_rule(sentence: str) -> Statement | None:
    """``Every X is [not] [a] Y.`` / ``Each ...``, or ``None``."""
    body = _body(sentence)
    return None if body is None else _statement(SINGULAR_RULE.fullmatch(body))


def parse_plural_rule(sentence: str) -> Statement | None:
    """``Xs are [not] Ys.``, or ``None``."""
    body = _body(sentence)
    return None if body is None else _statement(PLURAL_RULE.fullmatch(body), plural=True)


def parse_rule(sentence: str) -> Statement | None:
    """A singular or a plural rule, or ``None``."""
    return parse_singular_rule(sentence) or parse_plural_rule(sentence)


def parse_entity_fact(sentence: str) -> Statement | None:
    """``Name is [not] [a] Y.`` (not a rule), or ``None``."""
    body = _body(sentence)
    if body is None or SINGULAR_RULE.fullmatch(body):
        return None
    return _statement(ENTITY_FACT.fullmatch(body))


def parse_query(sentence: str) -> Query | None:
    """``True or false: Name is [not] P.``, the whole sentence, or ``None``."""
    body = _body(sentence)
    match = None if body is None else QUERY.fullmatch(body)
    return None if match is None else Query(match["entity"], match["obj"], bool(match["neg"]))


def find_query(text: str) -> tuple[Query, int] | None:
    """The first query anywhere in ``text`` (closing period optional) and where it
    starts, or ``None``."""
    match = QUERY.search(text)
    if match is None:
        return None
    return Query(match["entity"], match["obj"], bool(match["neg"])), match.start()


def named_entities(text: str) -> Iterator[str]:
    """Person names of ``text``: subjects of "Name is a x." and of the query."""
    yield from (m["subject"] for m in NAMED_FACT.finditer(text))
    yield from (m["entity"] for m in QUERY_NAME.finditer(text))


def singular(word: str) -> str:
    """Singular of a plural word, lower-cased: ``"Rempuses"`` -> ``"rempus"``, ``"cats"``
    -> ``"cat"``; a word ending in ``"us"`` but not ``"uses"`` (``"nervous"``) is kept."""
    word = word.lower()
    if word.endswith("ses"):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("us") else word
