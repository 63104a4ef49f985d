"""Fixtures of the model tests: each runs on a tiny GPT-2 and a tiny Llama."""

from __future__ import annotations

import pytest
import torch
from tiny import WORDS, tiny_base, tiny_coconut, tiny_word_tokenizer

from coconut.model import Coconut, add_latent_tokens


@pytest.fixture(params=["gpt2", "llama"])
def arch(request) -> str:
    return request.param


@pytest.fixture
def model(arch) -> Coconut:
    return tiny_coconut(arch)


@pytest.fixture
def tokenizer_and_model(arch):
    torch.manual_seed(0)
    tokenizer = tiny_word_tokenizer()
    base = tiny_base(arch, vocab=len(WORDS))
    ids = add_latent_tokens(tokenizer, base, init_token="<<")
    model = Coconut(base, ids.latent, ids.start_latent, ids.end_latent, 0)
    return tokenizer, model.eval()
