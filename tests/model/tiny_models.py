"""Tiny random GPT-2 and Llama models, a word-level tokenizer and a mixed batch, offline."""

from __future__ import annotations

import torch
from tiny import tiny_gpt2
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import (
    LlamaConfig,
    LlamaForCausalLM,
    PreTrainedTokenizerFast,
)

from coconut.model import Coconut

WORDS = ["<eos>", "<unk>", "<<", *(f"w{i}" for i in range(45))]
VOCAB = 64  # room for the four marker tokens


def tiny_base(arch: str, vocab: int = VOCAB) -> torch.nn.Module:
    """A 2-layer, 32-dim random causal LM of the given architecture."""
    if arch == "gpt2":
        return tiny_gpt2(vocab, 128, bos_token_id=0, eos_token_id=0)
    config = LlamaConfig(
        num_hidden_layers=2, hidden_size=32, num_attention_heads=4, num_key_value_heads=2,
        intermediate_size=64, vocab_size=vocab, max_position_embeddings=128,
        bos_token_id=0, eos_token_id=0, pad_token_id=0,
    )  # fmt: skip
    return LlamaForCausalLM(config)


# Marker ids used with raw tiny models (no tokenizer needed).
BOT, LAT, EOT, EOS = 60, 61, 62, 0


def tiny_coconut(arch: str, dtype: torch.dtype = torch.float64) -> Coconut:
    torch.manual_seed(0)
    return Coconut(tiny_base(arch).to(dtype).eval(), LAT, BOT, EOT, EOS)


def make_tokenizer() -> PreTrainedTokenizerFast:
    """A word-level tokenizer over ``WORDS``; nothing is downloaded."""
    backend = Tokenizer(models.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return PreTrainedTokenizerFast(
        tokenizer_object=backend, eos_token="<eos>", unk_token="<unk>", pad_token="<eos>"
    )


def mixed_batch() -> tuple[torch.Tensor, torch.Tensor]:
    """Three rows: 3 latents, 2 latents at other columns, and none with left padding."""
    gen = torch.Generator().manual_seed(1)
    ids = torch.randint(3, 45, (4, 20), generator=gen)
    mask = torch.ones_like(ids)
    ids[0, 4], ids[0, 5:8], ids[0, 8] = BOT, LAT, EOT
    ids[1, 9], ids[1, 10:12], ids[1, 12] = BOT, LAT, EOT
    ids[2, :3], mask[2, :3] = EOS, 0
    ids[3, 14:], mask[3, 14:] = EOS, 0  # right padded, latent span inside
    ids[3, 2], ids[3, 3:5], ids[3, 5] = BOT, LAT, EOT
    return ids, mask
