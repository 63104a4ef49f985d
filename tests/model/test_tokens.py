"""Adding the marker tokens to a tokenizer and a model."""

import pytest
import torch
from tiny import WORDS, tiny_base, tiny_word_tokenizer

from coconut.model import LATENT, PAUSE, START_LATENT, add_latent_tokens
from coconut.model.tokens import TokenIds


def test_markers_are_added_resized_and_initialised(arch):
    tokenizer, base = tiny_word_tokenizer(), tiny_base(arch, vocab=len(WORDS))
    ids = add_latent_tokens(tokenizer, base, init_token="<<")
    assert [ids.start_latent, ids.latent, ids.end_latent, ids.pause] == [
        len(WORDS) + i for i in range(4)
    ]
    assert base.get_input_embeddings().weight.shape[0] == len(WORDS) + 4
    source = WORDS.index("<<")
    for table in (base.get_input_embeddings(), base.get_output_embeddings()):
        for new in range(len(WORDS), len(WORDS) + 4):
            torch.testing.assert_close(table.weight[new], table.weight[source])
    assert tokenizer.encode(f"w1 {START_LATENT}{LATENT}{LATENT} {PAUSE}") == [
        WORDS.index("w1"), ids.start_latent, ids.latent, ids.latent, ids.pause
    ]  # fmt: skip


def test_adding_twice_changes_nothing():
    tokenizer, base = tiny_word_tokenizer(), tiny_base("gpt2", vocab=len(WORDS))
    first = add_latent_tokens(tokenizer, base)
    assert add_latent_tokens(tokenizer, base) == first
    assert base.get_input_embeddings().weight.shape[0] == len(WORDS) + 4


def test_init_token_must_be_one_token():
    tokenizer, base = tiny_word_tokenizer(), tiny_base("gpt2", vocab=len(WORDS))
    with pytest.raises(ValueError, match="encodes to 2 tokens"):
        add_latent_tokens(tokenizer, base, init_token="w1 w2")


def test_lookup_without_markers_fails_clearly():
    with pytest.raises(ValueError, match="add_latent_tokens"):
        TokenIds.from_tokenizer(tiny_word_tokenizer())
