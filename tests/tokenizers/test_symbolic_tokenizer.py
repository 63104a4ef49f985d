"""The fixed symbolic tokenizer: one token per node and marker, exact round trips."""

from __future__ import annotations

import pytest

from coconut.curriculum.text_format import record_texts
from coconut.model.tokens import SPECIAL_TOKENS
from coconut.tokenizers.symbolic import (
    MAX_NODES,
    build_symbolic_tokenizer,
    check_node_range,
    load_or_build_symbolic_tokenizer,
)

RECORD = {"question": "0 12 | 12 63 | 1 5 | [Q] 63 5 [R] 0", "steps": ["12", "63"], "answer": "63"}


@pytest.fixture(scope="module")
def tokenizer():
    return build_symbolic_tokenizer()


def test_every_word_is_one_token_and_texts_decode_exactly(tokenizer):
    for text in record_texts(RECORD):
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        words = text.replace("\n", " \n").split(" ")
        assert len(ids) == len(words)
        assert tokenizer.unk_token_id not in ids
        assert tokenizer.decode(ids) == text


def test_the_vocabulary_is_fixed(tokenizer):
    assert len(tokenizer) == 1 + len(SPECIAL_TOKENS) + 1 + MAX_NODES + 5
    assert tokenizer.eos_token_id == 0
    alone = tokenizer("7", add_special_tokens=False)["input_ids"]
    assert tokenizer("1 7", add_special_tokens=False)["input_ids"][1:] == alone
    assert tokenizer("1\n7", add_special_tokens=False)["input_ids"][2:] == alone
    assert build_symbolic_tokenizer().get_vocab() == tokenizer.get_vocab()


def test_markers_split_from_words(tokenizer):
    text = "<|start-latent|><|latent|><|end-latent|>12\n"
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    assert tokenizer.convert_ids_to_tokens(ids)[:3] == list(SPECIAL_TOKENS[:3])
    assert tokenizer.decode(ids, skip_special_tokens=True) == "12\n"


def test_an_index_past_the_range_is_refused_naming_the_largest(tmp_path):
    bad = {**RECORD, "question": "0 70 | 70 64 | [Q] 70 5 [R] 0", "answer": "70"}
    with pytest.raises(ValueError, match=r"train\.json\[1\]: node index 70 .* 0\.\.63"):
        check_node_range([RECORD, bad], source="train.json")
    with pytest.raises(ValueError, match="node index 70"):
        load_or_build_symbolic_tokenizer([bad], tmp_path / "tok")
    assert not (tmp_path / "tok").exists()


def test_saved_and_loaded_tokenizer_encodes_the_same(tmp_path, tokenizer):
    saved = load_or_build_symbolic_tokenizer([RECORD], tmp_path / "tok")
    loaded = load_or_build_symbolic_tokenizer([RECORD], tmp_path / "tok")
    text = "".join(record_texts(RECORD))
    assert saved(text)["input_ids"] == loaded(text)["input_ids"] == tokenizer(text)["input_ids"]
