"""Plain batched greedy decoding for ``Coconut``: every step feeds the argmax token.

The prompt may hold complete latent spans (filled during the prefill); new tokens are
always read through their embedding rows. The loop itself, with left alignment, prefill
and cached steps, is :func:`coconut.model.decode.decode`; ``GenerationResult`` and
``left_align`` live there and are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from coconut.model.backbone import LatentModel, decoder_and_head
from coconut.model.decode import GenerationResult, decode, left_align

__all__ = ["GenerationResult", "GreedyTokens", "generate", "left_align"]


@dataclass
class GreedyTokens:
    """The next input is the most likely token, read through its embedding row."""

    head: nn.Module
    embedding: nn.Module

    @classmethod
    def of(cls, model: LatentModel) -> GreedyTokens:
        _, head = decoder_and_head(model.base_causallm)
        return cls(head, model.base_causallm.get_input_embeddings())

    def choose(self, hidden: torch.Tensor, done: torch.Tensor) -> torch.Tensor:
        return self.head(hidden).argmax(-1)

    def inputs(self, tokens: torch.Tensor, hidden: torch.Tensor) -> torch.Tensor:
        return self.embedding(tokens)


def generate(
    model: LatentModel,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor | None,
    max_new_tokens: int,
    pad_token_id: int | None = None,
) -> GenerationResult:
    """Greedy decoding of a batch; each row stops at ``model.eos_token_id``.

    Produces the same tokens as decoding each prompt alone (up to float ties).
    """
    return decode(
        model, input_ids, attention_mask, max_new_tokens, GreedyTokens.of(model), pad_token_id
    )
