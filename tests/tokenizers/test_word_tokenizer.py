"""The word-level tokenizer: one token per word of the generators, exact decoding, saving."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tokenizers import pre_tokenizers

from coconut.data import generate_prontoqa, generate_prosqa
from coconut.model.tokens import SPECIAL_TOKENS
from coconut.tokenizers.saved import record_texts
from coconut.tokenizers.word import (
    UNK_TOKEN,
    count_unknown,
    load_or_train_word_tokenizer,
    pool_words,
    train_word_tokenizer,
    word_pieces,
)

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture(scope="module")
def tokenizer():
    """Built from a small ProsQA training set only (no ProntoQA text at all)."""
    return train_word_tokenizer(record_texts(generate_prosqa(50, seed=0)))


def _pieces(text: str) -> list[str]:
    return [
        piece
        for piece, _ in pre_tokenizers.ByteLevel(add_prefix_space=False).pre_tokenize_str(text)
    ]


def _full_texts(records: list[dict]) -> list[str]:
    return ["".join(record_texts([r])) for r in records]


def test_special_token_ids(tokenizer) -> None:
    assert tokenizer.convert_ids_to_tokens(list(range(6))) == [
        "<|endoftext|>",
        *SPECIAL_TOKENS,
        UNK_TOKEN,
    ]
    assert tokenizer.eos_token_id == tokenizer.pad_token_id == 0


@pytest.mark.parametrize(
    "records",
    [generate_prosqa(40, seed=7), generate_prontoqa(40, seed=7)],
    ids=["prosqa", "prontoqa"],
)
def test_another_generated_set_is_one_token_per_word(tokenizer, records) -> None:
    """The guarantee: every piece of another set from the generators is a single known token."""
    for text in _full_texts(records):
        ids = tokenizer(text)["input_ids"]
        assert count_unknown(tokenizer, ids) == 0
        assert len(ids) == len(_pieces(text))
        assert tokenizer.decode(ids) == text


def test_word_pieces_are_distinct_in_order() -> None:
    assert word_pieces(["Tom is a wumpus.", " Tom is", "Every wumpus\nis"]) == [
        "ĠTom",
        "Ġis",
        "Ġa",
        "Ġwumpus",
        ".",
        "ĠEvery",
        "Ċ",
    ]


def test_a_word_is_one_token_wherever_it_stands(tokenizer) -> None:
    """A step's first word is the question's word: at text start, after newline or space."""
    record = generate_prosqa(1, seed=3)[0]
    question, first_step, *_ = record_texts([record])
    entity = first_step.split()[0]
    (entity_id,) = tokenizer(" " + entity)["input_ids"]
    assert tokenizer(first_step)["input_ids"][0] == entity_id
    assert entity_id in tokenizer(question)["input_ids"]
    joined = tokenizer(question + first_step)["input_ids"]
    assert joined == tokenizer(question)["input_ids"] + tokenizer(first_step)["input_ids"]
    assert tokenizer.convert_ids_to_tokens(joined).count("Ċ") == 2


def test_decoding_drops_only_the_implied_spaces(tokenizer) -> None:
    text = "Tom is a wumpus.\nEvery wumpus is a yumpus.\n### Tom is a yumpus."
    ids = tokenizer(text)["input_ids"]
    assert tokenizer.convert_ids_to_tokens(ids)[:1] == ["ĠTom"]
    assert tokenizer.decode(ids) == text
    assert tokenizer.decode(tokenizer(" Tom")["input_ids"]) == "Tom"  # a real leading space


def test_every_pool_word_is_one_token(tokenizer) -> None:
    for word in pool_words():
        for text in (word, " " + word, "Tom.\n" + word):
            ids = tokenizer(text)["input_ids"]
            assert ids[-1:] == tokenizer(" " + word)["input_ids"], text
            assert count_unknown(tokenizer, ids) == 0, text


def test_unknown_words_are_counted(tokenizer) -> None:
    ids = tokenizer("Every zorblax is a wumpus.")["input_ids"]
    assert count_unknown(tokenizer, ids) == 1
    assert tokenizer.convert_ids_to_tokens(ids)[1] == UNK_TOKEN


def test_markers_never_split(tokenizer) -> None:
    text = "Tom is a wumpus.\n" + "".join(SPECIAL_TOKENS)
    tokens = tokenizer.convert_ids_to_tokens(tokenizer(text)["input_ids"])
    assert tokens[-4:] == list(SPECIAL_TOKENS)


def test_saved_and_reloaded_identically(tmp_path: Path) -> None:
    records = generate_prosqa(20, seed=1)
    first = load_or_train_word_tokenizer(records, tmp_path / "tok")
    again = load_or_train_word_tokenizer([], tmp_path / "tok")  # loads, does not rebuild
    assert first.get_vocab() == again.get_vocab()
    text = _full_texts(records)[0]
    assert first(text)["input_ids"] == again(text)["input_ids"]
    with pytest.raises(ValueError, match="no records"):
        load_or_train_word_tokenizer([], tmp_path / "empty")


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is absent")
def test_published_prosqa_valid_fits_the_context(tokenizer) -> None:
    """Measured: published ProsQA valid is 250 tokens on average, 339 at most, none unknown."""
    records = json.loads((SHARED_DATA / "prosqa" / "valid.json").read_text())
    lengths = []
    for text in _full_texts(records):
        ids = tokenizer(text)["input_ids"]
        assert count_unknown(tokenizer, ids) == 0
        assert tokenizer.decode(ids) == text
        lengths.append(len(ids))
    assert max(lengths) == 339 and sum(lengths) / len(lengths) == pytest.approx(250.04, abs=0.01)
