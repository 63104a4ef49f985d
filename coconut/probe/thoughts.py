"""Decoding continuous thoughts: each thought's hidden state, norm and top tokens.

Thought ``i`` (1-based) of a prompt is the input embedding of its ``i``-th
``<|latent|>``: the last hidden state of the position before it. Passing it through the
LM head (the logits at that previous position) shows which tokens the thought is
closest to, the view of the paper's Figure 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from transformers import PreTrainedTokenizerBase

from coconut.model import Coconut
from coconut.probe.prompts import chunks, thought_batch


@dataclass
class DecodedThought:
    """One continuous thought.

    Attributes:
        index: 1-based position of the thought in its chain.
        hidden: the thought vector, ``(D,)``, on the CPU.
        norm: its L2 norm.
        top_tokens: the ``top_k`` most likely tokens through the LM head.
        top_ids: their ids.
        top_probs: their probabilities.
    """

    index: int
    hidden: torch.Tensor
    norm: float
    top_tokens: list[str]
    top_ids: list[int]
    top_probs: list[float]

    def to_dict(self) -> dict:
        """JSON-friendly view (without the hidden state)."""
        return {
            "index": self.index,
            "norm": self.norm,
            "top_tokens": self.top_tokens,
            "top_probs": self.top_probs,
        }


@torch.no_grad()
def decode_thoughts(
    model: Coconut,
    tokenizer: PreTrainedTokenizerBase,
    questions: list[str],
    k: int,
    top_k: int = 5,
    batch_size: int = 32,
) -> list[list[DecodedThought]]:
    """The ``k`` thoughts of each question, decoded through the LM head.

    Args:
        model: a Coconut model.
        tokenizer: its tokenizer.
        questions: question texts (without the trailing newline).
        k: thoughts per prompt.
        top_k: tokens reported per thought.
        batch_size: prompts per forward pass.

    Returns:
        One list of ``k`` thoughts per question.
    """
    if top_k < 1:
        raise ValueError(f"top_k must be >= 1, got {top_k}")
    device = next(model.parameters()).device
    decoded: list[list[DecodedThought]] = []
    for group in chunks(list(questions), batch_size):
        batch = thought_batch(model, tokenizer, group, k)
        out = model(batch.input_ids.to(device), batch.attention_mask.to(device))
        for row, start in enumerate(batch.latent_starts):
            decoded.append(
                [_decode_one(tokenizer, out, row, start + i, i + 1, top_k) for i in range(k)]
            )
    return decoded


def _decode_one(tokenizer, out, row: int, column: int, index: int, top_k: int) -> DecodedThought:
    hidden = out.inputs_embeds[row, column].float().cpu()
    probs = out.logits[row, column - 1].float().softmax(-1)
    values, ids = probs.topk(min(top_k, probs.numel()))
    id_list = ids.tolist()
    return DecodedThought(
        index=index,
        hidden=hidden,
        norm=float(hidden.norm()),
        top_tokens=[tokenizer.decode([i]) for i in id_list],
        top_ids=id_list,
        top_probs=values.cpu().tolist(),
    )
