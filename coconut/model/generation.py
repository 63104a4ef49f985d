"""Batched, KV-cached greedy decoding for ``Coconut``.

Prompts may have different lengths, paddings and numbers of latents. They are first
moved to left padding so that every row's next token lands in the same column; the
prompt (latent chain included) is run once through ``backbone.latent_pass``, keeping its
cache, and each new token is then one cached single-column pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from coconut.model.backbone import LatentModel, decoder_and_head, latent_pass, marker_ids
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
    if max_new_tokens < 1:
        raise ValueError(f"max_new_tokens must be >= 1, got {max_new_tokens}")
    if attention_mask is None:
        attention_mask = torch.ones_like(input_ids)
    check_inputs(input_ids, attention_mask, None, None, marker_ids(model))
    eos = model.eos_token_id
    pad = eos if pad_token_id is None else pad_token_id
    ids, mask = left_align(input_ids, attention_mask, pad)
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    prefill = latent_pass(model, ids, mask, positions, keep_cache=True)
    _, head = decoder_and_head(model.base_causallm)
    cache, passes = prefill.cache, prefill.plan.num_passes
    next_pos = positions[:, -1:] + 1  # (B, 1)
    logits = head(prefill.hidden[:, -1])  # (B, V)
    done = torch.zeros(len(ids), dtype=torch.bool, device=ids.device)
    lengths = torch.zeros(len(ids), dtype=torch.long, device=ids.device)
    tokens = []
    embed = model.base_causallm.get_input_embeddings()
    decoder, _ = decoder_and_head(model.base_causallm)
    keyword = cache_keyword(decoder)
    for step in range(max_new_tokens):
        token = torch.where(done, pad, logits.argmax(-1))  # (B,)
        tokens.append(token)
        lengths += (~done).long()
        done |= token.eq(eos)
        if step == max_new_tokens - 1 or bool(done.all()):
            break
        mask = torch.cat([mask, torch.ones_like(mask[:, :1])], dim=1)
        out = decoder(
            inputs_embeds=embed(token[:, None]),
            attention_mask=mask,
            position_ids=next_pos,
            **{keyword: cache},
            use_cache=True,
        )
        cache, passes, next_pos = returned_cache(out), passes + 1, next_pos + 1
        logits = head(out.last_hidden_state[:, -1])
    return GenerationResult(torch.stack(tokens, 1), lengths, passes)
