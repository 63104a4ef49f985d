"""Recognising a file's task from its records, a run's task from its data config."""

from __future__ import annotations

import json

import pytest

from coconut.data import generate_prontoqa, generate_prosqa
from coconut.data.symbolic import symbolize_records
from coconut.data.tasks import (
    TaskMismatchError,
    check_task,
    data_task,
    name_task,
    recognise_task,
    record_task,
)

GSM8K = [
    {"question": "Tom has 3 apples and buys 4. How many?", "steps": ["<<3+4=7>>"], "answer": "7"},
    {"question": "What is 2 times 1,000?", "steps": [], "answer": "2,000"},
]
MEMORY = [
    {"question": "Is the sky blue?", "steps": ["The sky scatters blue light."],
     "step_kinds": ["memory"], "answer": "True"},
]  # fmt: skip


@pytest.fixture(scope="module")
def prosqa():
    return generate_prosqa(4, 0, num_nodes=10, min_steps=2, max_steps=3)


def test_each_task_is_recognised_from_its_records(prosqa):
    assert recognise_task(prosqa) == "prosqa"
    assert recognise_task(symbolize_records(prosqa)) == "prosqa_symbolic"
    assert recognise_task(generate_prontoqa(4, 0, hops=3)) == "prontoqa"
    assert recognise_task(GSM8K) == "gsm8k"
    assert recognise_task(MEMORY) == "memory_reason"


def test_graph_fields_alone_say_prosqa_and_unknown_records_say_nothing(prosqa):
    assert record_task({**prosqa[0], "question": "What now?"}) == "prosqa"
    assert recognise_task([{"question": "q?", "steps": ["s."], "answer": "a"}]) is None
    assert recognise_task([]) is None


def test_a_file_is_what_most_of_its_records_are(prosqa):
    assert recognise_task([*GSM8K, *prosqa]) == "prosqa"  # 4 against 2


@pytest.mark.parametrize(
    ("name", "task"),
    [("prosqa", "prosqa"), ("prosqa_small", "prosqa"), ("prosqa_symbolic", "prosqa_symbolic"),
     ("prontoqa_tiny", "prontoqa"), ("gsm8k", "gsm8k"), ("strategyqa", "memory_reason"),
     ("toy", None), ("prosqafoo", None)],
)  # fmt: skip
def test_data_config_names(name, task):
    assert name_task(name) == task


def test_an_unknown_name_is_told_by_the_training_file(tmp_path):
    train = tmp_path / "train.json"
    train.write_text(json.dumps(GSM8K))
    assert data_task({"name": "toy", "splits": {"train": str(train)}}) == "gsm8k"
    assert data_task({"name": "toy", "splits": {"train": str(tmp_path / "gone.json")}}) is None
    assert data_task({"name": "prosqa_tiny", "splits": {"train": str(train)}}) == "prosqa"


def test_check_task_names_both_tasks(prosqa):
    with pytest.raises(TaskMismatchError) as info:
        check_task(GSM8K, "split_path=g.json", "prosqa", "run r")
    message = str(info.value)
    assert message.startswith("split_path=g.json: a gsm8k file, but run r learned prosqa")
    assert "\n" not in message
    check_task(prosqa, "f", "prosqa", "run r")  # same task
    check_task(prosqa, "f", None, "run r")  # the run's task is unknown
    check_task([{"question": "q", "steps": [], "answer": "x"}], "f", "prosqa", "run r")
