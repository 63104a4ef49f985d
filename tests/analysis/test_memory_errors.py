"""The memory/reasoning error classifier on constructed ProsQA and ProntoQA generations."""

from __future__ import annotations

import pytest

from coconut.analysis import classify, error_shares
from coconut.analysis.memory_errors import generated_steps

PROSQA_Q = (
    "Every terpus is a brimpus. Tom is a terpus. Every brimpus is a lempus. "
    "Every gerpus is a scrompus. Is Tom a lempus or scrompus?"
)
PRONTO_Q = (
    "Tumpuses are gorpuses. Each gorpus is not happy. Alex is a tumpus. "
    "True or false: Alex is happy."
)


@pytest.mark.parametrize(
    ("question", "generated", "memory", "reasoning"),
    [
        # correct chains, as CoT writes them
        (
            PROSQA_Q,
            "Tom is a terpus.\nEvery terpus is a brimpus.\nEvery brimpus is a lempus.\n"
            "### Tom is a lempus.",
            False,
            False,
        ),
        (
            PROSQA_Q,
            "Tom is a terpus.\nEvery terpus is a brimpus.\nTom is a brimpus.\n"
            "Every brimpus is a lempus.\nTom is a lempus.\n### Tom is a lempus.",
            False,
            False,
        ),
        # a rule the question does not state: memory error
        (
            PROSQA_Q,
            "Tom is a terpus.\nEvery terpus is a gerpus.\n### Tom is a gerpus.",
            True,
            False,
        ),
        # a conclusion without its premises: reasoning error
        (PROSQA_Q, "Tom is a terpus.\nTom is a scrompus.\n### Tom is a scrompus.", False, True),
        (
            PROSQA_Q,
            "Every terpus is a gerpus.\nTom is a scrompus.\n### Tom is a scrompus.",
            True,
            True,
        ),
        # ProntoQA: plural rules, negation
        (
            PRONTO_Q,
            "Alex is a tumpus. Tumpuses are gorpuses. Alex is a gorpus. Each gorpus is not happy. "
            "Alex is not happy.\n### False",
            False,
            False,
        ),
        (
            PRONTO_Q,
            "Alex is a tumpus. Tumpuses are gorpuses. Alex is a gorpus. Each gorpus is not happy. "
            "Alex is happy.\n### True",
            False,
            True,
        ),
        (PRONTO_Q, "Alex is a tumpus. Tumpuses are happy. Alex is happy.\n### True", True, False),
    ],
)
def test_classify(question: str, generated: str, memory: bool, reasoning: bool) -> None:
    assert classify(question, generated) == {"memory_error": memory, "reasoning_error": reasoning}


def test_emitted_tags_decide_the_kind() -> None:
    # "Tom is a terpus." tagged reason: it must follow from earlier steps, and does not.
    text = "<|reason_0|><|reason_1|>Tom is a terpus.\n<|answer_0|>### Tom is a lempus."
    steps = generated_steps(text, PROSQA_Q)
    assert [(s.text, s.kind) for s in steps] == [("Tom is a terpus.", "reason")]
    assert classify(PROSQA_Q, text) == {"memory_error": False, "reasoning_error": True}
    tagged = "<|memory_0|>Every terpus is a brimpus.\n<|memory_0|>Tom is a brimpus.\n###"
    assert classify(PROSQA_Q, tagged) == {"memory_error": True, "reasoning_error": False}
    # Ignoring the tags, the kinds come from the form: the rule is a stated fact and the
    # entity sentence follows from "Tom is a terpus." ... which is missing here.
    assert classify(PROSQA_Q, tagged, use_tags=False) == {
        "memory_error": False,
        "reasoning_error": True,
    }


def test_latent_spans_are_not_checked() -> None:
    text = (
        "Tom is a terpus.\nEvery terpus is a brimpus.\n<|start-latent|><|latent|><|end-latent|>"
        "Every brimpus is a lempus.\n### Tom is a lempus."
    )
    assert [s.text for s in generated_steps(text, PROSQA_Q)] == [
        "Tom is a terpus.",
        "Every terpus is a brimpus.",
        "Every brimpus is a lempus.",
    ]
    assert classify(PROSQA_Q, text) == {"memory_error": False, "reasoning_error": False}


def test_error_shares() -> None:
    predictions = [
        {"index": 0, "correct": True, "generated": "anything"},
        {"index": 0, "correct": False, "generated": "Every terpus is a gerpus.\n###"},
        {"index": 0, "correct": False, "generated": "Tom is a scrompus.\n###"},
        {"index": 0, "correct": False, "generated": "Tom is a scrompus.\n###"},
        {"index": 1, "correct": False, "generated": "### True"},
    ]
    shares = error_shares("prosqa", [PROSQA_Q, PRONTO_Q], predictions)
    assert shares == {
        "wrong": 4.0,
        "memory_only": 0.25,
        "reasoning_only": 0.5,
        "both": 0.0,
        "neither": 0.25,
        "any_memory": 0.25,
        "any_reasoning": 0.5,
    }


def test_uncheckable_dataset_is_refused() -> None:
    with pytest.raises(ValueError, match="supports \\('prosqa', 'prontoqa'\\), not 'strategyqa'"):
        error_shares("strategyqa", [], [])
