"""Reordering a question's facts and options, for per-epoch shuffling.

A ProsQA or ProntoQA question is a list of facts followed by a query, and the order of
the facts (and of ProsQA's two options) carries no information. Shuffling them every time
an example is used keeps a model from learning the order, as *Reasoning by Superposition*
does with the symbolic form. Three forms are recognised:

- symbolic ProsQA (:mod:`coconut.data.symbolic`): edges ``"s t |"``, then
  ``"[Q] a b [R] root"``; edges and the two options are shuffled;
- ProsQA: fact sentences, then ``"Is <entity> a <first> or <second>?"``; facts and
  options are shuffled;
- ProntoQA: fact sentences, then ``"True or false: ..."``; facts are shuffled.

:func:`question_form` tells which form a question has (``None`` when none), so that a
file can be checked once, before training, and :func:`shuffle_question` rewrites one.
"""

from __future__ import annotations

import random

from coconut.data import symbolic
from coconut.data.prosqa_text import parse_query, query_sentence, split_sentences

FORMS = ("prosqa_symbolic", "prosqa", "prontoqa")
_PRONTOQA_QUERY = "True or false:"


def question_form(question: str) -> str | None:
    """The form of ``question`` (one of :data:`FORMS`), or ``None``."""
    if symbolic.QUERY_MARK in question:
        try:
            symbolic.parse_question(question)
        except ValueError:
            return None
        return "prosqa_symbolic"
    sentences = split_sentences(question)
    if len(sentences) >= 2 and parse_query(sentences[-1]) is not None:
        return "prosqa"
    if len(sentences) >= 2 and sentences[-1].startswith(_PRONTOQA_QUERY):
        return "prontoqa"
    return None


def shuffle_question(question: str, rng: random.Random) -> str:
    """``question`` with its facts (and ProsQA options) in an order drawn from ``rng``.

    Raises:
        ValueError: if ``question`` has none of the :data:`FORMS`.
    """
    form = question_form(question)
    if form is None:
        raise ValueError(f"cannot shuffle the facts of {question[:80]!r}: unknown question form")
    if form == "prosqa_symbolic":
        edges, options, root = symbolic.parse_question(question)
        rng.shuffle(edges)
        rng.shuffle(options)
        return symbolic.symbolic_question(edges, options, root)
    *facts, query = split_sentences(question)
    rng.shuffle(facts)
    if form == "prosqa":
        entity, *options = parse_query(query)  # type: ignore[misc]
        rng.shuffle(options)
        query = query_sentence(entity, *options)
    return " ".join([*facts, query])
