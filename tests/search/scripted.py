"""Scripted policies for the search tests: a bigram LM over a word vocabulary, a tiny GPT-2.

The bigram policy's next-token distribution depends only on the last token, so the tokens
a search generates (and so every counter) can be worked out by hand.
"""

from __future__ import annotations

from types import SimpleNamespace

import tiny
import torch
from tokenizers import Tokenizer, models, pre_tokenizers
from torch import nn
from transformers import GPT2LMHeadModel, PreTrainedTokenizerFast

EOS = "<|endoftext|>"
WORDS = [EOS, "Q", "\n", "s1", "e1\n", "s2", "e2\n", "###", "yes", "no"]


def word_tokenizer(words: list[str] = WORDS) -> PreTrainedTokenizerFast:
    """A tokenizer whose tokens are ``words`` (decoding joins them with spaces)."""
    vocab = {w: i for i, w in enumerate(words)}
    backend = Tokenizer(models.WordLevel(vocab, unk_token=EOS))
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return PreTrainedTokenizerFast(
        tokenizer_object=backend, eos_token=EOS, pad_token=EOS, unk_token=EOS
    )


class BigramLM(nn.Module):
    """A causal LM whose logits at a position are ``table[token]`` (log-probabilities)."""

    def __init__(self, table: torch.Tensor, n_positions: int = 64) -> None:
        super().__init__()
        self.table = table
        self.config = SimpleNamespace(n_positions=n_positions)

    def forward(self, input_ids, attention_mask=None, position_ids=None, past_key_values=None,
                use_cache=False):  # fmt: skip
        return SimpleNamespace(logits=self.table[input_ids], past_key_values=None)


def bigram(transitions: dict[str, dict[str, float]], words: list[str] = WORDS) -> BigramLM:
    """A :class:`BigramLM` from ``{token: {next token: probability}}`` (others: never)."""
    index = {w: i for i, w in enumerate(words)}
    table = torch.full((len(words), len(words)), float("-inf"))
    for token, nexts in transitions.items():
        for nxt, p in nexts.items():
            table[index[token], index[nxt]] = torch.log(torch.tensor(p))
    table[torch.isinf(table).all(-1)] = 0.0  # unscripted tokens: uniform
    return BigramLM(table)


# Q \n | s1 e1\n | s2 e2\n | ### yes <eos>: two steps and the answer, deterministic.
CHAIN = {
    "\n": {"s1": 1.0},
    "s1": {"e1\n": 1.0},
    "e1\n": {"s2": 1.0},
    "s2": {"e2\n": 1.0},
    "e2\n": {"###": 1.0},
    "###": {"yes": 1.0},
    "yes": {EOS: 1.0},
    "no": {EOS: 1.0},
}


def tiny_gpt2(vocab_size: int, n_positions: int = 512) -> GPT2LMHeadModel:
    """A 2-layer, 32-dim random GPT-2 (seed 0) in eval mode."""
    return tiny.tiny_gpt2(vocab_size, n_positions, seed=0).eval()
