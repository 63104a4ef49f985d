"""The one builder of tiny random models and tokenizers for the tests (offline, no download).

- :func:`tiny_gpt2`: a random GPT-2 (2 layers, 2 heads, 32 wide unless told);
- :func:`tiny_base`: a 2-layer, 32-dim random GPT-2 or Llama over :data:`VOCAB` ids;
- :func:`tiny_coconut`: that model wrapped in :class:`~coconut.model.Coconut` with the
  marker ids :data:`BOT`, :data:`LAT`, :data:`EOT` and eos :data:`EOS`;
- :func:`tiny_word_tokenizer`: a word-level tokenizer over :data:`WORDS`;
- :func:`mixed_batch`: a batch of rows with latent spans at different columns and padding.

The byte-level BPE tokenizer trained on toy records is ``toy_tokenizer`` of
``tests/conftest.py`` (the ``make_tokenizer`` fixture).
"""

from __future__ import annotations

from typing import Any

import torch
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import (
    GPT2Config,
    GPT2LMHeadModel,
    LlamaConfig,
    LlamaForCausalLM,
    PreTrainedTokenizerFast,
)

from coconut.model import Coconut


def tiny_gpt2(
    vocab_size: int,
    n_positions: int = 256,
    *,
    n_layer: int = 2,
    n_head: int = 2,
    n_embd: int = 32,
    seed: int | None = None,
    **config: Any,
) -> GPT2LMHeadModel:
    """A random GPT-2 (2 layers, 2 heads, 32 wide unless told), seeded with ``seed`` when
    given; further ``GPT2Config`` fields go in ``config``."""
    if seed is not None:
        torch.manual_seed(seed)
    shape = {"n_layer": n_layer, "n_head": n_head, "n_embd": n_embd}
    return GPT2LMHeadModel(
        GPT2Config(vocab_size=vocab_size, n_positions=n_positions, **shape, **config)
    )


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


def tiny_word_tokenizer() -> PreTrainedTokenizerFast:
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
