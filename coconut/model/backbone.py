"""The base causal LM as Coconut drives it: its parts, its positions, the latent pass.

Everything here works on any object shaped like :class:`LatentModel` (a ``base_causallm``
plus the marker and eos ids), so the ``Coconut`` façade, the decode loop, the references
and serialization all build on this module and none of them needs the façade itself.

``latent_pass`` runs the latent chain as a few cached chunk passes (see
``coconut.model.plan``) instead of rebuilding the input embeddings position by position.
A model with a ``thought_projection`` (:mod:`coconut.model.projection`) feeds each
latent the projected hidden state instead (:func:`fed_back`).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Protocol

import torch
from torch import nn
from transformers.cache_utils import Cache

from coconut.model.kv_cache import cache_keyword, returned_cache
from coconut.model.plan import LatentPlan, make_plan


class LatentModel(Protocol):
    """What the latent pass, decoding and serialization read from a Coconut model."""

    base_causallm: nn.Module
    latent_token_id: int
    start_latent_id: int
    end_latent_id: int
    eos_token_id: int
    latent_markers: bool


@dataclass
class LatentPass:
    """Result of running the latent chain over a whole sequence.

    ``layers`` (asked for with ``all_layers``) holds the decoder's hidden states of every
    layer, as transformers' ``output_hidden_states`` gives them: the embedding output
    first, the last hidden state (after the final norm) last, each ``(B, T, D)``.
    """

    hidden: torch.Tensor  # (B, T, D) last hidden states
    inputs_embeds: torch.Tensor  # (B, T, D) inputs with latents filled
    cache: Cache | None
    plan: LatentPlan
    layers: tuple[torch.Tensor, ...] | None = None


def fed_back(model: LatentModel, hidden: torch.Tensor) -> torch.Tensor:
    """The input embedding of a latent whose previous position's last hidden state is
    ``hidden`` (``(..., D)``): ``hidden`` itself, or its ``thought_projection``."""
    projection = getattr(model, "thought_projection", None)
    return hidden if projection is None else projection(hidden)


def marker_ids(model: LatentModel) -> tuple[int, int, int]:
    """``(start_latent_id, latent_token_id, end_latent_id)``, as ``check_inputs`` takes them."""
    return model.start_latent_id, model.latent_token_id, model.end_latent_id


def positions_from_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """Position ids that count only attended tokens, so any padding gives the same result."""
    return (attention_mask.long().cumsum(-1) - 1).clamp(min=0)


def decoder_and_head(model: nn.Module) -> tuple[nn.Module, nn.Module]:
    """Splits a HF causal LM (or a PEFT wrapper of one) into its decoder and LM head."""
    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    decoder = getattr(inner, "base_model", None)
    head = inner.get_output_embeddings() if hasattr(inner, "get_output_embeddings") else None
    if decoder is None or decoder is inner or head is None:
        raise ValueError(
            f"{type(inner).__name__} is not a causal LM with a separate decoder and LM head"
        )
    return decoder, head


def check_supported(model: nn.Module) -> None:
    """Raises ``ValueError`` unless ``model`` is a causal LM whose decoder takes embeddings."""
    decoder, _ = decoder_and_head(model)
    if "inputs_embeds" not in inspect.signature(decoder.forward).parameters:
        raise ValueError(f"{type(decoder).__name__}.forward cannot take inputs_embeds")


def latent_pass(
    model: LatentModel,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    position_ids: torch.Tensor,
    keep_cache: bool,
    all_layers: bool = False,
) -> LatentPass:
    """Runs the decoder chunk by chunk, feeding hidden states into latent positions
    (with ``all_layers``, every layer's hidden states are returned too)."""
    decoder, _ = decoder_and_head(model.base_causallm)
    embeds = model.base_causallm.get_input_embeddings()(input_ids)  # (B, T, D)
    plan = make_plan(input_ids.eq(model.latent_token_id) & attention_mask.bool())
    use_cache = keep_cache or plan.num_passes > 1
    cache, hiddens, inputs, layers = None, [], [], []
    keyword = cache_keyword(decoder)
    extra = {"output_hidden_states": True} if all_layers else {}
    for i, (start, end) in enumerate(plan.bounds):
        chunk = embeds[:, start:end]
        if i > 0:  # only a chunk's first column can be a latent waiting for its input
            thought = fed_back(model, hiddens[-1][:, -1]).to(chunk.dtype)
            first = torch.where(plan.fill_rows[i, :, None], thought, chunk[:, 0])
            chunk = torch.cat([first[:, None], chunk[:, 1:]], dim=1)
        out = decoder(
            inputs_embeds=chunk,
            attention_mask=attention_mask[:, :end],
            position_ids=position_ids[:, start:end],
            **{keyword: cache},
            use_cache=use_cache,
            **extra,
        )
        cache = returned_cache(out) if use_cache else None
        hiddens.append(out.last_hidden_state)
        inputs.append(chunk)
        if all_layers:
            layers.append(out.hidden_states)
    stacked = None
    if all_layers:  # per layer, its chunks joined along the sequence
        stacked = tuple(torch.cat(chunks, 1) for chunks in zip(*layers, strict=True))
    return LatentPass(torch.cat(hiddens, 1), torch.cat(inputs, 1), cache, plan, stacked)
