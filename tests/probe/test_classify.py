"""The six-way classification of ProsQA outputs, one constructed output per class."""

from __future__ import annotations

import pytest

from coconut.curriculum import extract_answer
from coconut.data.graph import ReasoningGraph
from coconut.probe.classify import (
    CATEGORIES,
    CORRECT_LABEL,
    CORRECT_PATH,
    HALLUCINATION,
    INCORRECT_LABEL,
    LONGER_PATH,
    WRONG_TARGET,
    category_shares,
    classify_output,
    parse_step,
    split_output,
)

# Tom -> terpus -> brimpus -> lempus (target); Tom -> dumpus -> scrompus (neg target);
# terpus -> gerpus -> brimpus (a longer way to brimpus)
NAMES = ("Tom", "terpus", "brimpus", "lempus", "dumpus", "scrompus", "gerpus")
EDGES = ((0, 1), (1, 2), (2, 3), (0, 4), (4, 5), (1, 6), (6, 2))
GRAPH = ReasoningGraph(NAMES, EDGES, root=0, target=3, neg_target=5)
GOLD = "Tom is a lempus."
EOS = "<|endoftext|>"


def out(*steps: str, answer: str = GOLD) -> str:
    return "".join(s + "\n" for s in steps) + f"### {answer}{EOS}ignored"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            out("Tom is a terpus.", "Every terpus is a brimpus.", "Every brimpus is a lempus."),
            CORRECT_PATH,
        ),
        (
            out(
                "Tom is a terpus.",
                "Every terpus is a gerpus.",
                "Every gerpus is a brimpus.",
                "Every brimpus is a lempus.",
            ),
            LONGER_PATH,
        ),
        (out("Tom is a terpus.", "Every terpus is a lempus."), HALLUCINATION),
        (
            out("Tom is a dumpus.", "Every dumpus is a scrompus.", answer="Tom is a scrompus."),
            WRONG_TARGET,
        ),
        (out(), CORRECT_LABEL),
        (out(answer="Tom is a scrompus."), INCORRECT_LABEL),
    ],
)
def test_one_output_per_class(text, category):
    assert classify_output(text, GRAPH, GOLD).category == category


def test_a_path_continued_after_thoughts_counts_the_hops_before_it():
    # after 1 thought the model writes from terpus on: 1 + 2 hops is the shortest
    result = classify_output(
        out("Every terpus is a brimpus.", "Every brimpus is a lempus."), GRAPH, GOLD, k=1
    )
    assert result.category == CORRECT_PATH and result.path == (1, 2, 3)
    longer = out(
        "Every terpus is a gerpus.", "Every gerpus is a brimpus.", "Every brimpus is a lempus."
    )
    assert classify_output(longer, GRAPH, GOLD, k=1).category == LONGER_PATH


def test_without_thoughts_the_chain_must_start_at_the_entity():
    # with no thought the chain must start at Tom: at k=0 this one is disconnected from him
    text = out("Every brimpus is a lempus.")
    result = classify_output(text, GRAPH, GOLD, k=0)
    assert result.category == HALLUCINATION
    assert "2 hop(s) from the entity, but only 0 thought(s)" in result.reason
    assert classify_output(text, GRAPH, GOLD).category == HALLUCINATION  # k=0 by default
    assert classify_output(text, GRAPH, GOLD, k=1).category == HALLUCINATION
    assert classify_output(text, GRAPH, GOLD, k=2).category == CORRECT_PATH


def test_the_class_and_the_accuracy_read_the_same_answer_line():
    # with two ### lines both the class and the accuracy read the last answer
    chain = ("Tom is a terpus.", "Every terpus is a brimpus.", "Every brimpus is a lempus.")
    text = "".join(s + "\n" for s in chain) + f"### Tom is a scrompus.\n### {GOLD}{EOS}"
    assert extract_answer(text, EOS) == GOLD
    assert split_output(text, EOS)[1] == GOLD
    result = classify_output(text, GRAPH, GOLD)
    assert result.answer_correct  # as accuracy counts it
    assert result.category == HALLUCINATION and "answer line before the last" in result.reason
    wrong_last = "".join(s + "\n" for s in chain) + f"### {GOLD}\n### Tom is a scrompus.{EOS}"
    assert extract_answer(wrong_last, EOS) == "Tom is a scrompus."
    assert not classify_output(wrong_last, GRAPH, GOLD).answer_correct


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (out("Tom is a terpus.", "Every brimpus is a lempus."), "not where step 0 ended"),
        (out("Tom is a terpus.", "Every terpus is a wugpus."), "'wugpus', not a node"),
        (out("Tom likes terpus."), "is not 'X is a Y'"),
        (out("Every scrompus is a lempus."), "no edge"),
    ],
)
def test_hallucinations_say_why(text, reason):
    result = classify_output(text, GRAPH, GOLD)
    assert result.category == HALLUCINATION and reason in result.reason


def test_a_valid_path_to_the_target_with_a_wrong_answer_is_a_wrong_target():
    text = out("Every brimpus is a lempus.", answer="Tom is a scrompus.")
    assert classify_output(text, GRAPH, GOLD, k=2).category == WRONG_TARGET


def test_a_path_starting_off_the_entity_s_reach_is_a_hallucination():
    graph = ReasoningGraph((*NAMES, "orphan"), (*EDGES, (7, 3)), root=0, target=3)
    result = classify_output(out("Every orphan is a lempus."), graph, GOLD)
    assert result.category == HALLUCINATION and "not reachable" in result.reason


def test_no_answer_marker_is_an_incorrect_label():
    assert classify_output("", GRAPH, GOLD).category == INCORRECT_LABEL
    assert split_output("a\n\nb\n### c\nd") == (["a", "b"], "c")


def test_parse_step_shapes():
    assert parse_step("Every terpus is a brimpus.") == ("terpus", "brimpus")
    assert parse_step("Tom is an impus") == ("Tom", "impus")
    assert parse_step("Tom is happy.") is None


def test_category_shares():
    shares = category_shares([CORRECT_PATH, CORRECT_PATH, HALLUCINATION, CORRECT_LABEL])
    assert list(shares) == list(CATEGORIES)
    assert shares[CORRECT_PATH] == 0.5 and shares[HALLUCINATION] == 0.25
    assert shares[LONGER_PATH] == 0.0
    with pytest.raises(ValueError, match="unknown"):
        category_shares(["Nope"])
    with pytest.raises(ValueError, match="no outputs"):
        category_shares([])
