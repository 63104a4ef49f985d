"""The ProntoQA ontology parsed out of a question, and its frontiers."""

from __future__ import annotations

import pytest

from coconut.probe.prontoqa import parse_ontology, singular

RECORD = {
    "question": "Tumpuses are gorpuses. Each gorpus is a wumpus. Every wumpus is not hot. "
    "Every tumpus is bright. Wumpuses are impuses. Jompuses are hot. Sam is a jompus. "
    "Alex is a tumpus. True or false: Alex is hot.",
    "steps": [
        "Alex is a tumpus. Tumpuses are gorpuses.",
        "Alex is a gorpus. Each gorpus is a wumpus.",
        "Alex is a wumpus. Every wumpus is not hot.",
        "Alex is not hot.",
    ],
    "answer": "False",
}


def names(graph, nodes):
    return [graph.names[i] for i in nodes]


def test_ontology_nodes_edges_and_target():
    g = parse_ontology(RECORD)
    assert g.names[g.root] == "Alex"
    assert names(g, g.frontier(1)) == ["tumpus"]
    assert sorted(names(g, g.frontier(2))) == ["bright", "gorpus"]
    assert names(g, g.frontier(3)) == ["wumpus"]
    assert sorted(names(g, g.frontier(4))) == ["impus", "not hot"]
    assert g.names[g.target] == "not hot" and g.names[g.neg_target] == "hot"
    assert g.texts[g.index("gorpus")] == " a gorpus" and g.texts[g.index("impus")] == " an impus"
    assert g.texts[g.target] == " not hot"
    assert "Sam" not in g.names  # facts about other entities are left out
    assert g.heights()[g.root] == 2  # Alex -> tumpus -> bright


def test_singular():
    assert singular("Gorpuses") == "gorpus" and singular("cats") == "cat"


def test_a_question_without_a_query_is_named():
    with pytest.raises(ValueError, match="example 3: no 'True or false"):
        parse_ontology({"question": "Every a is a b.", "steps": [], "answer": "True"}, 3)
