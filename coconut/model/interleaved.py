"""Greedy decoding that thinks in latent spans wherever the model opens one.

The memory_latent method keeps memory steps in language and replaces reason steps by
continuous thoughts, so thoughts appear *during* generation, not only in the prompt.
Whenever a row emits ``<|start-latent|>``, its next ``latent_steps`` positions are
``<|latent|>`` thoughts (the input embedding is the previous position's last hidden
state, exactly as :class:`~coconut.model.Coconut`'s forward fills them), then
``<|end-latent|>`` is inserted and free decoding resumes. Outside a span the latent and
eot tokens are never chosen. Rows decide independently; one cached pass per column.
"""

from __future__ import annotations

import torch

from coconut.model.backbone import LatentModel, decoder_and_head, latent_pass, marker_ids
from coconut.model.generation import GenerationResult, left_align
from coconut.model.kv_cache import cache_keyword, returned_cache
from coconut.model.plan import check_inputs


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
    if attention_mask is None:
        attention_mask = torch.ones_like(input_ids)
    check_inputs(input_ids, attention_mask, None, None, marker_ids(model))
    decoder, head = decoder_and_head(model.base_causallm)
    keyword = cache_keyword(decoder)
    embed = model.base_causallm.get_input_embeddings()
    eos = model.eos_token_id
    pad = eos if pad_token_id is None else pad_token_id
    ids, mask = left_align(input_ids, attention_mask, pad)
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    prefill = latent_pass(model, ids, mask, positions, keep_cache=True)
    cache, passes = prefill.cache, prefill.plan.num_passes
    hidden = prefill.hidden[:, -1]  # (B, D)
    next_pos = positions[:, -1:] + 1  # (B, 1)
    batch = len(ids)
    remaining = torch.zeros(batch, dtype=torch.long, device=ids.device)
    close = torch.zeros(batch, dtype=torch.bool, device=ids.device)
    done = torch.zeros(batch, dtype=torch.bool, device=ids.device)
    lengths = torch.zeros(batch, dtype=torch.long, device=ids.device)
    tokens = []
    for step in range(max_new_tokens):
        logits = head(hidden).float()  # (B, V)
        logits[:, [model.latent_token_id, model.end_latent_id]] = float("-inf")
        free = logits.argmax(-1)
        thinking = remaining > 0
        token = torch.where(close, model.end_latent_id, free)
        token = torch.where(thinking, model.latent_token_id, token)
        token = torch.where(done, pad, token)
        close = thinking & remaining.eq(1)
        remaining = torch.where(thinking, remaining - 1, remaining)
        opens = ~done & ~thinking & token.eq(model.start_latent_id)
        remaining = torch.where(opens, latent_steps, remaining)
        tokens.append(token)
        lengths += (~done).long()
        done |= token.eq(eos)
        if step == max_new_tokens - 1 or bool(done.all()):
            break
        embedded = embed(token)  # (B, D)
        inputs = torch.where(
            token.eq(model.latent_token_id)[:, None], hidden.to(embedded.dtype), embedded
        )
        mask = torch.cat([mask, torch.ones_like(mask[:, :1])], dim=1)
        out = decoder(
            inputs_embeds=inputs[:, None],
            attention_mask=mask,
            position_ids=next_pos,
            **{keyword: cache},
            use_cache=True,
        )
        cache, passes, next_pos = returned_cache(out), passes + 1, next_pos + 1
        hidden = out.last_hidden_state[:, -1]
    return GenerationResult(torch.stack(tokens, 1), lengths, passes)
