"""Fixtures of the search tests: scripted policies (see ``scripted.py``) and generated
ProsQA with a byte-level tokenizer."""

from __future__ import annotations

import pytest
from scripted import CHAIN, bigram, word_tokenizer


@pytest.fixture
def words():
    return word_tokenizer()


@pytest.fixture
def chain_lm():
    return bigram(CHAIN)


@pytest.fixture(scope="session")
def prosqa_records():
    """200 generated ProsQA examples."""
    from coconut.data import generate_prosqa

    return generate_prosqa(n=200, seed=12)


@pytest.fixture(scope="session")
def prosqa_tokenizer(prosqa_records):
    from coconut.tokenizers.bpe import train_tokenizer
    from coconut.tokenizers.saved import record_texts

    return train_tokenizer(record_texts(prosqa_records), vocab_size=600)
