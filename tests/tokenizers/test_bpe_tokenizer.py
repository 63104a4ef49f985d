"""The data-built byte-level BPE tokenizer: round trips, special tokens, save and load."""

import os

import pytest
import torch
from tiny import tiny_gpt2
from transformers import AutoTokenizer

from coconut.model import add_latent_tokens
from coconut.model.tokens import SPECIAL_TOKENS
from coconut.tokenizers.bpe import (
    MIN_VOCAB_SIZE,
    load_or_train_tokenizer,
    train_tokenizer,
)
from coconut.tokenizers.saved import record_texts

RECORDS = [
    {
        "question": f"Tom is a {a}. Every {a} is a {b}. Is Tom a {b} or {c}?",
        "steps": [f"Tom is a {a}.", f"Every {a} is a {b}.", f"Tom is a {b}."],
        "answer": f"Tom is a {b}.",
    }
    for a, b, c in [("wumpus", "yumpus", "zumpus"), ("grimpus", "lempus", "dumpus")] * 10
]

ROUND_TRIP = [
    "Tom is a wumpus.\n",
    "  two leading spaces, trailing  ",
    "tabs\tand\nnewlines\n\n",
    "unseen: ünïcödé 数字 🙂 <<3*4=12>> #### 12",
    "a<|latent|><|latent|>b<|end-latent|><|pause|><|start-latent|>",
    "<|endoftext|>",
    "",
]


@pytest.fixture(scope="module")
def tokenizer():
    return train_tokenizer(record_texts(RECORDS), vocab_size=400)


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_exact_round_trip(tokenizer, text):
    assert tokenizer.decode(tokenizer.encode(text, add_special_tokens=False)) == text


def test_special_tokens_are_single_ids(tokenizer):
    assert tokenizer.eos_token == tokenizer.bos_token == "<|endoftext|>"
    assert tokenizer.pad_token == tokenizer.unk_token == "<|endoftext|>"
    assert tokenizer.eos_token_id == 0
    for i, token in enumerate(SPECIAL_TOKENS, start=1):
        assert tokenizer.encode(token, add_special_tokens=False) == [i]
        assert tokenizer.encode(f"x{token}y", add_special_tokens=False)[1:-1] == [i]
    assert set(SPECIAL_TOKENS) <= set(tokenizer.all_special_tokens)


def test_learns_merges_within_the_vocab_size(tokenizer):
    assert MIN_VOCAB_SIZE < len(tokenizer) <= 400
    assert len(tokenizer.encode(" wumpus", add_special_tokens=False)) == 1


def test_training_is_deterministic(tokenizer):
    again = train_tokenizer(record_texts(RECORDS), vocab_size=400)
    assert again.get_vocab() == tokenizer.get_vocab()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"vocab_size": 100}, "vocab_size"), ({"min_frequency": 0}, "min_frequency")],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        train_tokenizer(["text"], **kwargs)


def test_load_or_train_saves_then_loads(tmp_path, tokenizer):
    out = tmp_path / "run" / "tokenizer"
    trained = load_or_train_tokenizer(RECORDS, out, vocab_size=400)
    assert (out / "tokenizer.json").is_file()
    assert not [name for name in os.listdir(out) if name.startswith(".")]  # no temp left

    def untouchable():
        raise AssertionError("records must not be read when a tokenizer is saved")
        yield

    loaded = load_or_train_tokenizer(untouchable(), out, vocab_size=400)
    auto = AutoTokenizer.from_pretrained(out)
    for tok in (loaded, auto):
        assert tok.get_vocab() == trained.get_vocab() == tokenizer.get_vocab()
        assert tok.eos_token_id == 0
        for text in ROUND_TRIP:
            ids = tok.encode(text, add_special_tokens=False)
            assert ids == trained.encode(text, add_special_tokens=False)
            assert tok.decode(ids) == text


def test_load_or_train_into_a_directory_with_other_files(tmp_path):
    (tmp_path / "config.yaml").write_text("keep me")
    load_or_train_tokenizer(RECORDS, tmp_path, vocab_size=300)
    assert (tmp_path / "config.yaml").read_text() == "keep me"
    assert (tmp_path / "tokenizer.json").is_file()


def test_load_or_train_rejects_bad_records(tmp_path):
    with pytest.raises(ValueError, match="example 1: missing field 'answer'"):
        load_or_train_tokenizer([RECORDS[0], {"question": "q", "steps": []}], tmp_path)
    with pytest.raises(ValueError, match="no records"):
        load_or_train_tokenizer([], tmp_path)
    assert not (tmp_path / "tokenizer.json").exists()


def test_add_latent_tokens_reuses_the_markers(tokenizer):
    model = tiny_gpt2(len(tokenizer), 64)
    before = model.get_input_embeddings().weight.detach().clone()
    ids = add_latent_tokens(tokenizer, model)
    assert (ids.start_latent, ids.latent, ids.end_latent, ids.pause) == (1, 2, 3, 4)
    assert len(tokenizer) == before.shape[0]
    torch.testing.assert_close(model.get_input_embeddings().weight, before)
