"""The sentences of ProsQA: how facts, the question and the answer are written and read.

Facts are "Every <concept> is a <concept>." or "<Name> is a <concept>."; the question ends
with "Is <Name> a <concept> or <concept>?"; the answer is "<Name> is a <concept>.". The
published files always write "a", even before a vowel ("a impus"); the parsers accept
"a" and "an".
"""

from __future__ import annotations

import re

_SENTENCE_BREAK = re.compile(r"(?<=[.?!])\s+")
_FACT = re.compile(r"^(?:Every (?P<concept>\S+)|(?P<entity>\S+)) is an? (?P<object>\S+)\.$")
_QUERY = re.compile(r"^Is (?P<entity>\S+) an? (?P<first>\S+) or (?P<second>\S+)\?$")


def split_sentences(text: str) -> list[str]:
    """Split text after ``.``, ``?`` or ``!`` followed by whitespace."""
    text = text.strip()
    return _SENTENCE_BREAK.split(text) if text else []


def fact_sentence(subject: str, obj: str, *, entity: bool) -> str:
    """The sentence stating the edge ``subject -> obj``.

    Args:
        subject: name of the parent node.
        obj: name of the child node (a concept).
        entity: whether the parent is a person entity (a node without parents).
    """
    head = subject if entity else f"Every {subject}"
    return f"{head} is a {obj}."


def query_sentence(entity: str, first: str, second: str) -> str:
    """The closing question, "Is Tom a wumpus or yumpus?"."""
    return f"Is {entity} a {first} or {second}?"


def answer_sentence(entity: str, concept: str) -> str:
    """The answer, "Tom is a wumpus."."""
    return fact_sentence(entity, concept, entity=True)


def parse_fact(sentence: str) -> tuple[str, str] | None:
    """``(subject, object)`` of a fact or answer sentence, or None if it is not one."""
    match = _FACT.match(sentence.strip())
    if match is None:
        return None
    return match["concept"] or match["entity"], match["object"]


def parse_query(sentence: str) -> tuple[str, str, str] | None:
    """``(entity, first, second)`` of the closing question, or None if it is not one."""
    match = _QUERY.match(sentence.strip())
    return None if match is None else (match["entity"], match["first"], match["second"])
