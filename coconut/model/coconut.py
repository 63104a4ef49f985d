"""The Coconut wrapper: a causal LM whose ``<|latent|>`` positions read the previous hidden state.

``Coconut`` keeps the call shape of the paper's reference module (``Coconut(base_causallm,
latent_token_id, start_latent_id, end_latent_id, eos_token_id)`` and
``forward(input_ids, attention_mask, labels, position_ids)``) but runs the latent chain as
a few cached chunk passes (see ``coconut.model.plan``) instead of rebuilding the input
embeddings position by position.

This is the façade: the work lives in the modules below it (``backbone``: decoder, head,
positions and the latent pass; ``decode``, ``generation``, ``interleaved``: decoding;
``serialization``: I/O), none of which imports this one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn
from transformers import PreTrainedModel

from coconut.model.backbone import (
    LatentPass,
    check_supported,
    decoder_and_head,
    latent_pass,
    marker_ids,
    positions_from_mask,
)
from coconut.model.decode import GenerationResult
from coconut.model.generation import generate
from coconut.model.interleaved import generate_interleaved
from coconut.model.loss import chunked_shifted_cross_entropy, shifted_cross_entropy
from coconut.model.plan import check_inputs
from coconut.model.projection import build_projection, check_spec
from coconut.model.serialization import load_coconut, load_reference_state_dict, save_coconut


@dataclass
class CoconutOutput:
    """What ``Coconut.forward`` returns.

    Attributes:
        loss: mean next-token cross entropy over ``labels != -100``, or ``None``.
        logits: ``(B, T, V)`` logits at every input position; ``None`` when the loss was
            computed in chunks (``loss_chunk_size`` set and ``labels`` given).
        inputs_embeds: ``(B, T, D)`` input embeddings after the latent positions were filled.
        num_passes: number of chunk passes through the base model.
        layers: every layer's ``(B, T, D)`` hidden states, the embedding output first
            (``forward(..., output_layers=True)``); ``None`` otherwise.
    """

    loss: torch.Tensor | None
    logits: torch.Tensor | None
    inputs_embeds: torch.Tensor
    num_passes: int
    layers: tuple[torch.Tensor, ...] | None = None


class Coconut(nn.Module):
    """Chain of Continuous Thought around any HF causal LM that accepts ``inputs_embeds``.

    Args:
        base_causallm: the language model (GPT-2, Llama, ...), already resized for the
            marker tokens (see ``add_latent_tokens``).
        latent_token_id: id of ``<|latent|>``.
        start_latent_id: id of ``<|start-latent|>``.
        end_latent_id: id of ``<|end-latent|>``.
        eos_token_id: id that ends generation.
        latent_markers: false for a model trained with bare thoughts (no marker span).
        loss_chunk_size: when set, a forward with ``labels`` computes the loss this many
            labelled positions at a time from the hidden states and returns no logits
            (:func:`coconut.model.loss.chunked_shifted_cross_entropy`); ``None`` computes
            the ``(B, T, V)`` logits.
        thought_projection: the spec of a trainable module applied to each hidden state
            fed back into a latent (:mod:`coconut.model.projection`; CODI's projection);
            ``None`` feeds the hidden state itself. Saved and loaded with the model.
    """

    def __init__(
        self,
        base_causallm: PreTrainedModel,
        latent_token_id: int,
        start_latent_id: int,
        end_latent_id: int,
        eos_token_id: int,
        latent_markers: bool = True,
        loss_chunk_size: int | None = None,
        thought_projection: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__()
        check_supported(base_causallm)
        if loss_chunk_size is not None and loss_chunk_size < 1:
            raise ValueError(f"loss_chunk_size must be at least 1 or None, got {loss_chunk_size}")
        self.latent_markers = bool(latent_markers)
        self.loss_chunk_size = loss_chunk_size
        self.base_causallm = base_causallm
        self.latent_token_id = int(latent_token_id)
        self.start_latent_id = int(start_latent_id)
        self.end_latent_id = int(end_latent_id)
        self.eos_token_id = int(eos_token_id)
        vocab = base_causallm.get_input_embeddings().weight.shape[0]
        for name in ("latent_token_id", "start_latent_id", "end_latent_id", "eos_token_id"):
            if not 0 <= getattr(self, name) < vocab:
                raise ValueError(
                    f"{name}={getattr(self, name)} is outside the vocabulary ({vocab})"
                )
        self.thought_projection_spec, self.thought_projection = None, None
        if thought_projection is not None:
            weight = base_causallm.get_input_embeddings().weight
            self.thought_projection_spec = check_spec(thought_projection, weight.shape[1])
            projection = build_projection(self.thought_projection_spec, weight.shape[1])
            self.thought_projection = projection.to(weight.dtype)

    @property
    def marker_ids(self) -> tuple[int, int, int]:
        return marker_ids(self)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        position_ids: torch.Tensor | None = None,
        output_layers: bool = False,
    ) -> CoconutOutput:
        """Runs the latent chain and the LM head over a batch.

        Args:
            input_ids: ``(B, T)`` token ids; latents must sit inside marker spans unless
                ``latent_markers`` is false (a model trained with bare thoughts).
            attention_mask: ``(B, T)``, 1 on real tokens; any padding side works.
            labels: ``(B, T)`` targets, ``-100`` where no loss is taken; shifted inside.
            position_ids: ``(B, T)``; computed from ``attention_mask`` when omitted.
            output_layers: also return every layer's hidden states (``layers``).
        """
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        check_inputs(
            input_ids, attention_mask, labels, position_ids, self.marker_ids, self.latent_markers
        )
        if position_ids is None:
            position_ids = positions_from_mask(attention_mask)
        result = latent_pass(
            self, input_ids, attention_mask, position_ids, False, all_layers=output_layers
        )
        _, head = decoder_and_head(self.base_causallm)
        passes, layers = result.plan.num_passes, result.layers
        if labels is not None and self.loss_chunk_size is not None:
            loss = chunked_shifted_cross_entropy(result.hidden, head, labels, self.loss_chunk_size)
            return CoconutOutput(loss, None, result.inputs_embeds, passes, layers)
        logits = head(result.hidden)
        loss = None if labels is None else shifted_cross_entropy(logits, labels)
        return CoconutOutput(loss, logits, result.inputs_embeds, passes, layers)

    def latent_pass(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        position_ids: torch.Tensor,
        keep_cache: bool,
    ) -> LatentPass:
        """Runs the decoder chunk by chunk (:func:`coconut.model.backbone.latent_pass`)."""
        return latent_pass(self, input_ids, attention_mask, position_ids, keep_cache)

    @torch.no_grad()
    def generate(
        self,
        input_ids,
        attention_mask=None,
        max_new_tokens: int = 64,
        latent_steps: int | None = None,
        **kwargs,
    ) -> GenerationResult:
        """Batched greedy decoding; see ``coconut.model.generation.generate``.

        With ``latent_steps``, the model may open latent spans while it generates, each
        of ``latent_steps`` thoughts (``coconut.model.interleaved``; memory_latent).
        """
        if latent_steps is not None:
            return generate_interleaved(
                self, input_ids, attention_mask, max_new_tokens, latent_steps, **kwargs
            )
        return generate(self, input_ids, attention_mask, max_new_tokens, **kwargs)

    def save_pretrained(self, save_directory: str | Path, tokenizer=None) -> None:
        """Writes weights (safetensors), config, marker ids and optionally the tokenizer."""
        save_coconut(self, save_directory, tokenizer)

    @classmethod
    def from_pretrained(cls, directory: str | Path, **hf_kwargs) -> Coconut:
        """Loads a model written by ``save_pretrained``."""
        return load_coconut(cls, directory, **hf_kwargs)

    def load_reference_state_dict(self, state_dict: dict[str, torch.Tensor]) -> None:
        """Loads a state dict saved by the paper's reference code (``base_causallm.*`` keys)."""
        load_reference_state_dict(self, state_dict)
