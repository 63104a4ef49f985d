"""ProsQA worlds (facts, candidates, rewards, oracle Q) and GSM8K calculator rewards."""

from __future__ import annotations

import pytest

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
