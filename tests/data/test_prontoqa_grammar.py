"""ProntoQA sentence patterns and parsers, hand-checked."""

from __future__ import annotations

from coconut.data.prontoqa_grammar import (
    Query,
    Statement,
    find_query,
    named_entities,
    parse_entity_fact,
    parse_plural_rule,
    parse_query,
    parse_rule,
    parse_singular_rule,
    singular,
)


def test_singular_rules():
    assert parse_singular_rule("Every wumpus is a yumpus.") == Statement(
        "wumpus", "yumpus", negated=False, article=True
    )
    assert parse_singular_rule("Each vumpus is not dull.") == Statement(
        "vumpus", "dull", negated=True, article=False
    )
    assert parse_singular_rule("every impus is an yumpus.") == Statement(
        "impus", "yumpus", False, True
    )
    assert parse_singular_rule("Every wumpus is a yumpus") is None  # no period


def test_plural_rules():
    assert parse_plural_rule("Wumpuses are not yumpuses.") == Statement(
        "Wumpuses", "yumpuses", negated=True, article=False, plural=True
    )
    assert parse_rule("Cats are dull.") == Statement("Cats", "dull", False, False, True)
    assert parse_rule("Alex is a cat.") is None


def test_entity_facts():
    assert parse_entity_fact("Alex is a wumpus.") == Statement("Alex", "wumpus", False, True)
    assert parse_entity_fact(" Max is not wooden. ") == Statement("Max", "wooden", True, False)
    assert parse_entity_fact("Every wumpus is a yumpus.") is None
    assert parse_entity_fact("alex is a wumpus.") is None


def test_queries():
    assert parse_query("True or false: Alex is not dull.") == Query("Alex", "dull", True)
    assert parse_query("True or false: Alex is dull") is None
    text = "Alex is a cat. True or false: Alex is dull"
    assert find_query(text) == (Query("Alex", "dull", False), 15)
    assert find_query("Alex is dull.") is None


def test_named_entities_and_singular():
    text = "Every cat is a dog. Alex is a cat. Sam is not a dog. True or false: Rex is dull."
    assert sorted(named_entities(text)) == ["Alex", "Rex"]
    assert singular("Rempuses") == "rempus" and singular("cats") == "cat"
    assert singular("nervous") == "nervous" and singular("dull") == "dull"
