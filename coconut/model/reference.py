"""Slow, obviously-correct references for testing and benchmarking ``Coconut``.

``naive_forward`` recomputes the whole sequence from scratch after every latent pass and
fills latents row by row in Python; ``naive_generate`` decodes one prompt with no cache.
Neither is meant for training.
"""

from __future__ import annotations

import torch

from coconut.model.backbone import LatentModel, decoder_and_head, positions_from_mask


def naive_forward(
    model: LatentModel, input_ids: torch.Tensor, attention_mask: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Returns ``(logits, inputs_embeds)`` computed without any cache.

    Pass ``j`` fills, in every row, its ``j``-th latent with the hidden state just before
    it, computed by a full pass over the current embeddings.
    """
    decoder, head = decoder_and_head(model.base_causallm)
    positions = positions_from_mask(attention_mask)
    embeds = model.base_causallm.get_input_embeddings()(input_ids)
    latent = input_ids.eq(model.latent_token_id) & attention_mask.bool()
    per_row = [row.nonzero().flatten().tolist() for row in latent]
    for j in range(max((len(cols) for cols in per_row), default=0)):
        hidden = decoder(
            inputs_embeds=embeds, attention_mask=attention_mask, position_ids=positions
        ).last_hidden_state
        rows = [list(embeds[b].unbind(0)) for b in range(len(per_row))]
        for b, cols in enumerate(per_row):
            if j < len(cols):
                rows[b][cols[j]] = hidden[b, cols[j] - 1]
        embeds = torch.stack([torch.stack(r) for r in rows])
    hidden = decoder(
        inputs_embeds=embeds, attention_mask=attention_mask, position_ids=positions
    ).last_hidden_state
    return head(hidden), embeds


@torch.no_grad()
def naive_generate(model: LatentModel, prompt: torch.Tensor, max_new_tokens: int) -> list[int]:
    """Greedy decoding of one unpadded 1-D prompt, recomputing everything each token."""
    ids = prompt[None]
    new: list[int] = []
    for _ in range(max_new_tokens):
        logits, _ = naive_forward(model, ids, torch.ones_like(ids))
        token = int(logits[0, -1].argmax())
        new.append(token)
        if token == model.eos_token_id:
            break
        ids = torch.cat([ids, ids.new_tensor([[token]])], dim=1)
    return new
