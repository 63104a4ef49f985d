"""The one builder of tiny random GPT-2s for the tests (offline, no download)."""

from __future__ import annotations

from typing import Any

import torch
from transformers import GPT2Config, GPT2LMHeadModel


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
