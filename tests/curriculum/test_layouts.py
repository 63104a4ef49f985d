"""Exact token and label layouts of every method at every stage, and eval prompts.

The example (see conftest) is question [1, 2], steps [3, 4], [5], [6, 7, 8] and answer
[9, eos]; every expected list below is written out by hand.
"""

import pytest
from special_ids import BOT, EOS, EOT, LAT, PAUSE, X

from coconut.curriculum import (
    TokenizedExample,
    build_method,
    build_prompt,
    build_sequence,
    max_sequence_length,
)
from coconut.methods import TABLE1_METHODS

COCONUT = {"name": "coconut", "c_thought": 2, "max_latent_stage": 4}

CASES = [
    # (method kwargs, stage, input_ids, labels, n_latent)
    # coconut, c=2, M=4: k=0, k=1, k=2, k=S=3, S<k<=M, k>M with and without padding
    (COCONUT, 0,
     [1, 2, BOT, EOT, 3, 4, 5, 6, 7, 8, 9, EOS],
     [X, X, X, X, 3, 4, 5, 6, 7, 8, 9, EOS], 0),
    (COCONUT, 1,
     [1, 2, BOT, LAT, LAT, EOT, 5, 6, 7, 8, 9, EOS],
     [X, X, X, X, X, X, 5, 6, 7, 8, 9, EOS], 2),
    (COCONUT, 2,
     [1, 2, BOT, LAT, LAT, LAT, LAT, EOT, 6, 7, 8, 9, EOS],
     [X, X, X, X, X, X, X, X, 6, 7, 8, 9, EOS], 4),
    (COCONUT, 3,
     [1, 2, BOT, LAT, LAT, LAT, LAT, LAT, LAT, EOT, 9, EOS],
     [X, X, X, X, X, X, X, X, X, X, 9, EOS], 6),
    (COCONUT, 4,
     [1, 2, BOT, LAT, LAT, LAT, LAT, LAT, LAT, LAT, LAT, EOT, 9, EOS],
     [X, X, X, X, X, X, X, X, X, X, X, X, 9, EOS], 8),
    (COCONUT, 5,
     [1, 2, BOT, LAT, LAT, LAT, LAT, LAT, LAT, EOT, 9, EOS],
     [X, X, X, X, X, X, X, X, X, X, 9, EOS], 6),
    (COCONUT, 9,
     [1, 2, BOT, LAT, LAT, LAT, LAT, LAT, LAT, EOT, 9, EOS],
     [X, X, X, X, X, X, X, X, X, X, 9, EOS], 6),
    ({**COCONUT, "pad_latent_to_max": True}, 5,
     [1, 2, BOT, LAT, LAT, LAT, LAT, LAT, LAT, LAT, LAT, EOT, 9, EOS],
     [X, X, X, X, X, X, X, X, X, X, X, X, 9, EOS], 8),
    ({**COCONUT, "pad_latent_to_max": True}, 1,
     [1, 2, BOT, LAT, LAT, EOT, 5, 6, 7, 8, 9, EOS],
     [X, X, X, X, X, X, 5, 6, 7, 8, 9, EOS], 2),
    # coconut, c=2, M=2: the final stage replaces min(S, M) = 2 steps, one step is dropped
    ({"name": "coconut", "c_thought": 2, "max_latent_stage": 2}, 3,
     [1, 2, BOT, LAT, LAT, LAT, LAT, EOT, 9, EOS],
     [X, X, X, X, X, X, X, X, 9, EOS], 4),
    # coconut, c=1, M=1: past M every language step goes, though only one was replaced
    ({"name": "coconut", "c_thought": 1, "max_latent_stage": 1}, 1,
     [1, 2, BOT, LAT, EOT, 5, 6, 7, 8, 9, EOS],
     [X, X, X, X, X, 5, 6, 7, 8, 9, EOS], 1),
    ({"name": "coconut", "c_thought": 1, "max_latent_stage": 1}, 2,
     [1, 2, BOT, LAT, EOT, 9, EOS],
     [X, X, X, X, X, 9, EOS], 1),
    # coconut, c=1, M=6
    ({"name": "coconut", "c_thought": 1, "max_latent_stage": 6}, 2,
     [1, 2, BOT, LAT, LAT, EOT, 6, 7, 8, 9, EOS],
     [X, X, X, X, X, X, 6, 7, 8, 9, EOS], 2),
    # no_curriculum: the coconut layout at its only stage M + 1
    ({"name": "no_curriculum", "c_thought": 2, "max_latent_stage": 4}, 5,
     [1, 2, BOT, LAT, LAT, LAT, LAT, LAT, LAT, EOT, 9, EOS],
     [X, X, X, X, X, X, X, X, X, X, 9, EOS], 6),
    ({"name": "no_curriculum", "c_thought": 2, "max_latent_stage": 4, "pad_latent_to_max": True},
     5,
     [1, 2, BOT, LAT, LAT, LAT, LAT, LAT, LAT, LAT, LAT, EOT, 9, EOS],
     [X, X, X, X, X, X, X, X, X, X, X, X, 9, EOS], 8),
    # pause_as_thought: coconut's layout with pause tokens, which are not latent thoughts
    ({"name": "pause_as_thought", "c_thought": 2, "max_latent_stage": 4}, 0,
     [1, 2, BOT, EOT, 3, 4, 5, 6, 7, 8, 9, EOS],
     [X, X, X, X, 3, 4, 5, 6, 7, 8, 9, EOS], 0),
    ({"name": "pause_as_thought", "c_thought": 2, "max_latent_stage": 4}, 1,
     [1, 2, BOT, PAUSE, PAUSE, EOT, 5, 6, 7, 8, 9, EOS],
     [X, X, X, X, X, X, 5, 6, 7, 8, 9, EOS], 0),
    ({"name": "pause_as_thought", "c_thought": 2, "max_latent_stage": 4}, 5,
     [1, 2, BOT, PAUSE, PAUSE, PAUSE, PAUSE, PAUSE, PAUSE, EOT, 9, EOS],
     [X, X, X, X, X, X, X, X, X, X, 9, EOS], 0),
    ({"name": "pause_as_thought", "c_thought": 3, "max_latent_stage": 1,
      "pad_latent_to_max": True}, 2,
     [1, 2, BOT, PAUSE, PAUSE, PAUSE, EOT, 9, EOS],
     [X, X, X, X, X, X, X, 9, EOS], 0),
    # no_thought: steps removed as in coconut, no thought tokens between the markers
    ({"name": "no_thought", "max_latent_stage": 4}, 0,
     [1, 2, BOT, EOT, 3, 4, 5, 6, 7, 8, 9, EOS],
     [X, X, X, X, 3, 4, 5, 6, 7, 8, 9, EOS], 0),
    ({"name": "no_thought", "max_latent_stage": 4}, 1,
     [1, 2, BOT, EOT, 5, 6, 7, 8, 9, EOS],
     [X, X, X, X, 5, 6, 7, 8, 9, EOS], 0),
    ({"name": "no_thought", "max_latent_stage": 4}, 3,
     [1, 2, BOT, EOT, 9, EOS],
     [X, X, X, X, 9, EOS], 0),
    ({"name": "no_thought", "max_latent_stage": 1}, 1,
     [1, 2, BOT, EOT, 5, 6, 7, 8, 9, EOS],
     [X, X, X, X, 5, 6, 7, 8, 9, EOS], 0),
    ({"name": "no_thought", "max_latent_stage": 1}, 2,
     [1, 2, BOT, EOT, 9, EOS],
     [X, X, X, X, 9, EOS], 0),
    # cot and no_cot ignore the stage
    ({"name": "cot"}, 0,
     [1, 2, 3, 4, 5, 6, 7, 8, 9, EOS],
     [X, X, 3, 4, 5, 6, 7, 8, 9, EOS], 0),
    ({"name": "cot"}, 3,
     [1, 2, 3, 4, 5, 6, 7, 8, 9, EOS],
     [X, X, 3, 4, 5, 6, 7, 8, 9, EOS], 0),
    ({"name": "no_cot"}, 0,
     [1, 2, 9, EOS],
     [X, X, 9, EOS], 0),
    # pause_token: M * c pause tokens after the question, no steps
    ({"name": "pause_token", "c_thought": 2, "max_latent_stage": 4}, 0,
     [1, 2, PAUSE, PAUSE, PAUSE, PAUSE, PAUSE, PAUSE, PAUSE, PAUSE, 9, EOS],
     [X, X, X, X, X, X, X, X, X, X, 9, EOS], 0),
    # icot, 2 tokens per stage, M=4: the step tokens are 3 4 5 6 7 8
    ({"name": "icot", "icot_tokens_per_stage": 2, "max_latent_stage": 4}, 0,
     [1, 2, 3, 4, 5, 6, 7, 8, 9, EOS],
     [X, X, 3, 4, 5, 6, 7, 8, 9, EOS], 0),
    ({"name": "icot", "icot_tokens_per_stage": 2, "max_latent_stage": 4}, 1,
     [1, 2, 5, 6, 7, 8, 9, EOS],
     [X, X, 5, 6, 7, 8, 9, EOS], 0),
    ({"name": "icot", "icot_tokens_per_stage": 2, "max_latent_stage": 4}, 2,
     [1, 2, 7, 8, 9, EOS],
     [X, X, 7, 8, 9, EOS], 0),
    ({"name": "icot", "icot_tokens_per_stage": 2, "max_latent_stage": 4}, 3,
     [1, 2, 9, EOS],
     [X, X, 9, EOS], 0),
    ({"name": "icot", "icot_tokens_per_stage": 4, "max_latent_stage": 4}, 1,
     [1, 2, 7, 8, 9, EOS],
     [X, X, 7, 8, 9, EOS], 0),
    ({"name": "icot", "icot_tokens_per_stage": 2, "max_latent_stage": 1}, 2,
     [1, 2, 9, EOS],
     [X, X, 9, EOS], 0),
]  # fmt: skip


@pytest.mark.parametrize(("kwargs", "stage", "input_ids", "labels", "n_latent"), CASES)
def test_layout(ex, ids, kwargs, stage, input_ids, labels, n_latent):
    seq = build_sequence(ex, stage, build_method(**kwargs), ids)
    assert seq.input_ids == input_ids
    assert seq.labels == labels
    assert seq.n_latent == n_latent


PROMPTS = [
    # (method kwargs, stage, prompt)
    (COCONUT, 0, [1, 2, BOT, EOT]),
    (COCONUT, 1, [1, 2, BOT, LAT, LAT, EOT]),
    (COCONUT, 5, [1, 2, BOT, LAT, LAT, LAT, LAT, LAT, LAT, EOT]),
    ({"name": "no_curriculum", "c_thought": 1, "max_latent_stage": 2}, 3,
     [1, 2, BOT, LAT, LAT, EOT]),
    ({"name": "pause_as_thought", "c_thought": 1, "max_latent_stage": 4}, 2,
     [1, 2, BOT, PAUSE, PAUSE, EOT]),
    ({"name": "no_thought", "max_latent_stage": 4}, 2, [1, 2, BOT, EOT]),
    ({"name": "pause_token", "c_thought": 1, "max_latent_stage": 3}, 0,
     [1, 2, PAUSE, PAUSE, PAUSE]),
    ({"name": "cot"}, 0, [1, 2]),
    ({"name": "no_cot"}, 0, [1, 2]),
    ({"name": "icot", "icot_tokens_per_stage": 2}, 2, [1, 2]),
]  # fmt: skip


@pytest.mark.parametrize(("kwargs", "stage", "prompt"), PROMPTS)
def test_eval_prompt(ex, ids, kwargs, stage, prompt):
    method = build_method(**kwargs)
    got = build_prompt(ex, stage, method, ids)
    assert got.input_ids == prompt
    assert got.labels == []
    assert got.prompt_len == len(prompt)
    train = build_sequence(ex, stage, method, ids)
    assert train.prompt_len == len(prompt)
    assert train.input_ids[: len(prompt)] == prompt
    assert got.n_latent == train.n_latent


@pytest.mark.parametrize("name", TABLE1_METHODS)
@pytest.mark.parametrize("stage", range(7))
def test_labels_mask_exactly_the_prompt(ex, ids, name, stage):
    method = build_method(name=name, c_thought=2, max_latent_stage=4, icot_tokens_per_stage=3)
    seq = build_sequence(ex, stage, method, ids)
    n = seq.prompt_len
    assert len(seq.labels) == len(seq.input_ids)
    assert seq.labels[:n] == [X] * n
    assert seq.labels[n:] == seq.input_ids[n:]
    assert seq.input_ids[-2:] == ex.answer
    assert seq.n_latent == seq.input_ids.count(LAT)


def test_layout_reads_right_as_text(ids):
    """The coconut layout at stage 1, decoded through a word-per-id vocabulary."""
    vocab = {BOT: "<bot>", LAT: "<lat>", EOT: "<eot>", EOS: "<eos>"}
    words = ["Q", "?", "s1a", "s1b", "s2", "s3a", "s3b", "s3c", "###A"]
    vocab.update({i + 1: w for i, w in enumerate(words)})
    ex = TokenizedExample([1, 2], [[3, 4], [5], [6, 7, 8]], [9, EOS])
    method = build_method(name="coconut", c_thought=1, max_latent_stage=3)
    seq = build_sequence(ex, 1, method, ids)
    assert (
        " ".join(vocab[i] for i in seq.input_ids)
        == "Q ? <bot> <lat> <eot> s2 s3a s3b s3c ###A <eos>"
    )


def test_negative_stage_is_rejected(ex, ids):
    with pytest.raises(ValueError, match="stage"):
        build_sequence(ex, -1, build_method(name="coconut"), ids)
    with pytest.raises(ValueError, match="stage"):
        build_prompt(ex, -1, build_method(name="cot"), ids)


@pytest.mark.parametrize(
    ("kwargs", "longest"),
    [
        # stage lengths 12, 12, 13, 12, 14, 12: the longest is stage 4 with 8 latents
        (COCONUT, 14),
        # only stage 5 is trained: 2 + 1 + 6 + 1 + 2
        ({"name": "no_curriculum", "c_thought": 2, "max_latent_stage": 4}, 12),
        ({"name": "cot"}, 10),
        ({"name": "pause_token", "c_thought": 3, "max_latent_stage": 4}, 16),
    ],
)
def test_max_sequence_length(ex, ids, kwargs, longest):
    short = TokenizedExample([1], [[2]], [3, EOS])
    assert max_sequence_length([short, ex], build_method(**kwargs), ids) == longest


def test_max_sequence_length_of_nothing_is_zero(ids):
    assert max_sequence_length([], build_method(name="coconut"), ids) == 0
