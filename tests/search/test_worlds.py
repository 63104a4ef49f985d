"""ProsQA worlds (facts, candidates, rewards, oracle Q) and GSM8K calculator rewards."""

from __future__ import annotations

import pytest

from coconut.search.prontoqa_world import ProntoQAWorld
from coconut.search.worlds import CalculatorWorld, ProsQAWorld, world_for

RECORD = {
    "question": "Tom is a wumpus. Every wumpus is a yumpus. Every wumpus is a rempus. "
    "Every yumpus is a zumpus. Every rempus is a dumpus. Is Tom a zumpus or dumpus?",
    "steps": ["Tom is a wumpus.", "Every wumpus is a yumpus.", "Every yumpus is a zumpus."],
    "answer": "Tom is a zumpus.",
}


def test_parses_entity_options_and_target():
    world = world_for(RECORD)
    assert isinstance(world, ProsQAWorld)
    assert world.entity == "Tom" and world.options == ("zumpus", "dumpus")
    assert world.target == "zumpus"


def test_candidates_are_the_facts_of_the_current_node_then_the_answer():
    world = world_for(RECORD)
    assert world.candidates([]) == ["Tom is a wumpus."]
    assert world.candidates(["Tom is a wumpus."]) == [
        "Every wumpus is a yumpus.",
        "Every wumpus is a rempus.",
    ]
    assert world.candidates(RECORD["steps"]) == ["### Tom is a zumpus."]
    assert world.candidates(["Tom is a yumpus."]) == []  # not a stated fact: off the chain


def test_process_rewards():
    world = world_for(RECORD)
    assert world.reward([], "Tom is a wumpus.", None) == 1.0
    assert world.reward([], "Tom is a yumpus.", None) == 0.0  # not stated
    assert world.reward(["Tom is a wumpus."], "Every yumpus is a zumpus.", None) == 0.0  # skips
    assert world.reward(RECORD["steps"], "### Tom is a zumpus.", "Tom is a zumpus.") == 1.0
    assert world.reward(RECORD["steps"], "### Tom is a dumpus.", "Tom is a dumpus.") == 0.0


def test_oracle_q_is_reachability_of_the_target():
    world = world_for(RECORD)
    assert world.oracle_q([], None) == 1.0
    assert world.oracle_q(["Tom is a wumpus.", "Every wumpus is a yumpus."], None) == 1.0
    assert world.oracle_q(["Tom is a wumpus.", "Every wumpus is a rempus."], None) == 0.0
    assert world.oracle_q(["Tom is a wumpus.", "Every yumpus is a zumpus."], None) == 0.0
    assert world.oracle_q([], "Tom is a zumpus.") == 1.0
    assert world.oracle_q([], "Tom is a dumpus.") == 0.0


def test_calculator_rewards_and_no_oracle_for_gsm8k():
    world = world_for({"question": "How many? 3 apples.", "steps": [], "answer": "6"})
    assert isinstance(world, CalculatorWorld)
    assert world.reward([], "<<3*2=6>>", None) == 1.0
    assert world.reward([], "<<3*2=6>> <<6/4=1.5>>", None) == 1.0
    assert world.reward([], "<<3*2=7>>", None) == 0.0
    assert world.reward([], "<<2**99999=1>>", None) == 0.0  # no powers: never evaluated
    assert world.reward([], "<<1/0=1>>", None) == 0.0
    assert world.oracle_q([], "6") == 1.0
    with pytest.raises(ValueError, match=r"search\.value=oracle"):
        world.oracle_q([], None)
    with pytest.raises(ValueError, match=r"search\.proposer=enumerate"):
        world.candidates([])


PRONTO = {
    "question": "Every wumpus is a yumpus. Yumpuses are not hot. Each wumpus is a rempus. "
    "Rempuses are dumpuses. Each dumpus is hot. Max is a wumpus. True or false: Max is hot.",
    "steps": [
        "Max is a wumpus. Each wumpus is a rempus.",
        "Max is a rempus. Rempuses are dumpuses.",
        "Max is a dumpus. Each dumpus is hot.",
        "Max is hot.",
    ],
    "answer": "True",
}


def test_prontoqa_world_walks_the_rules():
    world = world_for(PRONTO)
    assert isinstance(world, ProntoQAWorld)
    assert world.candidates([]) == [
        "Max is a wumpus. Every wumpus is a yumpus.",
        "Max is a wumpus. Each wumpus is a rempus.",
    ]
    steps = PRONTO["steps"]
    assert world.candidates(steps[:3]) == ["Max is hot."]
    assert world.candidates(steps) == ["### True"]
    # through yumpus the queried property is "not hot": the answer would be False
    wrong = ["Max is a wumpus. Every wumpus is a yumpus.", "Max is a yumpus. Yumpuses are not hot."]
    assert world.candidates([*wrong, "Max is not hot."]) == ["### False"]
    assert world.oracle_q(wrong, None) == 0.0  # derives "not hot": the wrong answer
    assert world.oracle_q(steps[:1], None) == 1.0
    assert world.oracle_q([*wrong, "Max is not hot."], "False") == 0.0
    assert world.oracle_q(steps, "True") == 1.0
    assert world.reward([], steps[0], None) == 1.0
    assert world.reward([], steps[1], None) == 0.0  # skips the first hop
