"""Greedy decoding that thinks in latent spans wherever the model opens one.

The memory_latent method keeps memory steps in language and replaces reason steps by
continuous thoughts, so thoughts appear *during* generation, not only in the prompt.
Whenever a row emits ``<|start-latent|>``, its next ``latent_steps`` positions are
``<|latent|>`` thoughts (the input embedding is the previous position's last hidden
state, exactly as :class:`~coconut.model.Coconut`'s forward fills them), then
``<|end-latent|>`` is inserted and free decoding resumes. Outside a span the latent and
eot tokens are never chosen. Rows decide independently; one cached pass per column of
the shared loop :func:`coconut.model.decode.decode`.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from coconut.model.backbone import LatentModel, decoder_and_head, fed_back
from coconut.model.decode import GenerationResult, decode


@dataclass
class LatentSpans:
    """The next input is a free token, or a thought inside a span the row opened.

    Attributes:
        remaining: ``(B,)`` thoughts still to come in each row's open span.
        close: ``(B,)`` rows whose span ends now, so their next token is eot.
    """

    head: nn.Module
    embedding: nn.Module
    ids: tuple[int, int, int]  # (start_latent_id, latent_token_id, end_latent_id)
    latent_steps: int
    model: LatentModel | None = None  # its thought_projection, if any, fills thoughts
    remaining: torch.Tensor | None = None
    close: torch.Tensor | None = None

    @classmethod
    def of(cls, model: LatentModel, latent_steps: int) -> LatentSpans:
        _, head = decoder_and_head(model.base_causallm)
        ids = (model.start_latent_id, model.latent_token_id, model.end_latent_id)
        return cls(head, model.base_causallm.get_input_embeddings(), ids, latent_steps, model)

    def choose(self, hidden: torch.Tensor, done: torch.Tensor) -> torch.Tensor:
        bot, latent, eot = self.ids
        if self.remaining is None or self.close is None:
            self.remaining = torch.zeros(len(hidden), dtype=torch.long, device=hidden.device)
            self.close = torch.zeros(len(hidden), dtype=torch.bool, device=hidden.device)
        logits = self.head(hidden).float()  # (B, V)
        logits[:, [latent, eot]] = float("-inf")
        thinking = self.remaining > 0
        token = torch.where(self.close, eot, logits.argmax(-1))
        token = torch.where(thinking, latent, token)
        self.close = thinking & self.remaining.eq(1)
        remaining = torch.where(thinking, self.remaining - 1, self.remaining)
        opens = ~done & ~thinking & token.eq(bot)
        self.remaining = torch.where(opens, self.latent_steps, remaining)
        return token

    def inputs(self, tokens: torch.Tensor, hidden: torch.Tensor) -> torch.Tensor:
        embedded = self.embedding(tokens)  # (B, D)
        thought = tokens.eq(self.ids[1])[:, None]
        if self.model is not None and getattr(self.model, "thought_projection", None) is not None:
            hidden = fed_back(self.model, hidden)
        return torch.where(thought, hidden.to(embedded.dtype), embedded)


@torch.no_grad()
def generate_interleaved(
    model: LatentModel,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor | None,
    max_new_tokens: int,
    latent_steps: int,
    pad_token_id: int | None = None,
) -> GenerationResult:
    """Batched greedy decoding with latent spans opened by the model itself.

    Args:
        model: the Coconut model.
        input_ids: ``(B, T)`` prompts (may hold complete latent spans).
        attention_mask: ``(B, T)``; any padding side.
        max_new_tokens: budget per row; thoughts and markers count as new tokens.
        latent_steps: thoughts per span (the method's ``c_thought``), >= 1.
        pad_token_id: written after a row's eos (default: eos).
    """
    if max_new_tokens < 1 or latent_steps < 1:
        raise ValueError(
            f"max_new_tokens and latent_steps must be >= 1, got {max_new_tokens}, {latent_steps}"
        )
    spans = LatentSpans.of(model, latent_steps)
    return decode(model, input_ids, attention_mask, max_new_tokens, spans, pad_token_id)
