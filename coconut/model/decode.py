"""The one batched, KV-cached greedy decode loop under every ``Coconut.generate`` mode.

Prompts may have different lengths, paddings and numbers of latents. They are first
moved to left padding so that every row's next token lands in the same column; the
prompt (latent chain included) is run once through :func:`~coconut.model.backbone.latent_pass`,
keeping its cache, and each new column is then one cached single-column pass.

What a step feeds is pluggable (:class:`NextInput`): it picks each row's next token from
the last hidden states and gives the input embedding of that token, an embedding row
(``coconut.model.generation``) or, inside a latent span the model opened itself, the
hidden state (``coconut.model.interleaved``). The loop does the rest: padding after
EOS, counting tokens and passes, stopping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import torch
from torch import nn

from coconut.model.backbone import (
    LatentModel,
    decoder_and_head,
    latent_pass,
    marker_ids,
    positions_from_mask,
)
from coconut.model.kv_cache import cache_keyword, returned_cache
from coconut.model.plan import check_inputs


@dataclass
class GenerationResult:
    """What ``Coconut.generate`` returns.

    Attributes:
        sequences: ``(B, n)`` new token ids; after a row's EOS, filled with ``pad_token_id``.
        num_new_tokens: ``(B,)`` tokens each row generated, its EOS included.
        num_forward_passes: passes through the base model, latent chunk passes included.
    """

    sequences: torch.Tensor
    num_new_tokens: torch.Tensor
    num_forward_passes: int


class NextInput(Protocol):
    """How a decode step chooses what the model reads next."""

    def choose(self, hidden: torch.Tensor, done: torch.Tensor) -> torch.Tensor:
        """``(B,)`` next tokens from the ``(B, D)`` last hidden states.

        ``done`` marks rows that already emitted EOS; the loop pads them afterwards.
        """
        ...

    def inputs(self, tokens: torch.Tensor, hidden: torch.Tensor) -> torch.Tensor:
        """``(B, D)`` input embeddings of the chosen ``tokens`` for the next pass."""
        ...


def left_align(
    input_ids: torch.Tensor, attention_mask: torch.Tensor, pad_token_id: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Re-pads rows on the left; each row's real tokens must be contiguous."""
    mask = attention_mask.bool()
    starts = torch.nn.functional.pad(mask.int(), (1, 0)).diff(dim=1).clamp(min=0).sum(1)
    if bool((starts > 1).any()):
        rows = (starts > 1).nonzero().flatten().tolist()
        raise ValueError(f"attention_mask rows {rows} have gaps; real tokens must be contiguous")
    length = mask.shape[1]
    lengths = mask.sum(1, keepdim=True)  # (B, 1)
    first = mask.int().argmax(1, keepdim=True)  # (B, 1)
    cols = torch.arange(length, device=mask.device)[None]  # (1, T)
    offset = length - lengths
    source = (first + cols - offset).clamp(0, length - 1)
    real = cols >= offset
    ids = torch.where(real, input_ids.gather(1, source), pad_token_id)
    return ids, real.long()


@dataclass
class _Cursor:
    """The cached decoder after its latest pass: what the next single-column pass needs."""

    decoder: nn.Module
    keyword: str
    mask: torch.Tensor  # (B, t) attention mask so far
    cache: object
    hidden: torch.Tensor  # (B, D) last hidden state of the latest column
    next_pos: torch.Tensor  # (B, 1) position id of the next column
    passes: int

    def advance(self, inputs: torch.Tensor) -> None:
        """Runs one cached pass over the ``(B, D)`` input embeddings of a new column."""
        self.mask = torch.cat([self.mask, torch.ones_like(self.mask[:, :1])], dim=1)
        out = self.decoder(
            inputs_embeds=inputs[:, None],
            attention_mask=self.mask,
            position_ids=self.next_pos,
            **{self.keyword: self.cache},
            use_cache=True,
        )
        self.cache, self.passes = returned_cache(out), self.passes + 1
        self.next_pos = self.next_pos + 1
        self.hidden = out.last_hidden_state[:, -1]


def prefill(model: LatentModel, ids: torch.Tensor, mask: torch.Tensor) -> _Cursor:
    """Runs left-aligned prompts (latent chain included) once, keeping the cache."""
    positions = positions_from_mask(mask)
    prompt = latent_pass(model, ids, mask, positions, keep_cache=True)
    decoder, _ = decoder_and_head(model.base_causallm)
    return _Cursor(
        decoder,
        cache_keyword(decoder),
        mask,
        prompt.cache,
        prompt.hidden[:, -1],
        positions[:, -1:] + 1,
        prompt.plan.num_passes,
    )


@torch.no_grad()
def decode(
    model: LatentModel,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor | None,
    max_new_tokens: int,
    next_input: NextInput,
    pad_token_id: int | None = None,
) -> GenerationResult:
    """Batched greedy decoding; each row stops at ``model.eos_token_id``.

    Args:
        model: the Coconut model (or anything shaped like :class:`LatentModel`).
        input_ids: ``(B, T)`` prompts (may hold complete latent spans).
        attention_mask: ``(B, T)``; any padding side; ``None`` means all real.
        max_new_tokens: budget per row, >= 1.
        next_input: picks each step's tokens and their input embeddings.
        pad_token_id: written after a row's eos (default: eos).
    """
    if max_new_tokens < 1:
        raise ValueError(f"max_new_tokens must be >= 1, got {max_new_tokens}")
    if attention_mask is None:
        attention_mask = torch.ones_like(input_ids)
    check_inputs(input_ids, attention_mask, None, None, marker_ids(model), model.latent_markers)
    eos = model.eos_token_id
    pad = eos if pad_token_id is None else pad_token_id
    cursor = prefill(model, *left_align(input_ids, attention_mask, pad))
    done = torch.zeros(len(input_ids), dtype=torch.bool, device=input_ids.device)
    lengths = torch.zeros(len(input_ids), dtype=torch.long, device=input_ids.device)
    tokens = []
    for step in range(max_new_tokens):
        token = torch.where(done, pad, next_input.choose(cursor.hidden, done))  # (B,)
        tokens.append(token)
        lengths += (~done).long()
        done |= token.eq(eos)
        if step == max_new_tokens - 1 or bool(done.all()):
            break
        cursor.advance(next_input.inputs(token, cursor.hidden))
    return GenerationResult(torch.stack(tokens, 1), lengths, cursor.passes)
