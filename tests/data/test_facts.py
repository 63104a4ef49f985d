"""Reordering the facts and options of a question, in each recognised form."""

from __future__ import annotations

import random
import re

import pytest

from coconut.data.facts import question_form, shuffle_question
from coconut.data.prosqa_text import split_sentences

SYMBOLIC = "0 2 | 2 3 | 3 4 | 1 5 | [Q] 4 5 [R] 0"
PROSQA = "Tom is a wumpus. Every wumpus is a yumpus. Ann is a rompus. Is Tom a yumpus or rompus?"
PRONTOQA = "Every wumpus is a yumpus. Tom is a wumpus. Yumpuses are hot. True or false: Tom is hot."


def test_forms_are_told_apart():
    assert question_form(SYMBOLIC) == "prosqa_symbolic"
    assert question_form(PROSQA) == "prosqa"
    assert question_form(PRONTOQA) == "prontoqa"
    assert question_form("Natalia sold 48 clips. How many?") is None
    assert question_form("0 2 | [Q] 4 [R] 0") is None


def test_symbolic_edges_and_options_move_and_stay_the_same_multiset():
    seen_orders, seen_options = set(), set()
    for seed in range(20):
        text = shuffle_question(SYMBOLIC, random.Random(seed))
        facts, query = text.split(" [Q] ")
        edges = SYMBOLIC.split(" [Q] ")[0]
        assert sorted(re.findall(r"\d+ \d+", facts)) == sorted(re.findall(r"\d+ \d+", edges))
        assert query.endswith(" [R] 0") and sorted(query.split()[:2]) == ["4", "5"]
        seen_orders.add(facts)
        seen_options.add(query)
    assert len(seen_orders) > 5 and len(seen_options) == 2


@pytest.mark.parametrize("question", [PROSQA, PRONTOQA])
def test_sentences_move_and_the_query_stays_last(question):
    *facts, query = split_sentences(question)
    orders = set()
    for seed in range(20):
        *moved, last = split_sentences(shuffle_question(question, random.Random(seed)))
        assert sorted(moved) == sorted(facts)
        assert last.split()[:2] == query.split()[:2]
        orders.add(tuple(moved))
    assert len(orders) > 2


def test_prosqa_options_swap():
    queries = {split_sentences(shuffle_question(PROSQA, random.Random(s)))[-1] for s in range(20)}
    assert queries == {"Is Tom a yumpus or rompus?", "Is Tom a rompus or yumpus?"}


def test_an_unknown_form_is_refused():
    with pytest.raises(ValueError, match="unknown question form"):
        shuffle_question("What is 2 + 2?", random.Random(0))
