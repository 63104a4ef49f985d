"""Decoding with latent spans opened during generation (memory_latent), against a naive loop."""

from __future__ import annotations

import pytest
import torch
from tiny import BOT, EOS, EOT, LAT, tiny_coconut

from coconut.model import Coconut


def naive_interleaved(model: Coconut, prompt: list[int], steps: int, c: int) -> list[int]:
    """Re-runs the full forward on the growing sequence: no cache, one row."""
    seq, out, remaining, close = list(prompt), [], 0, False
    for _ in range(steps):
        # A trailing eot closes an open span for the input check; causal, so it changes
        # nothing before it.
        logits = model(torch.tensor([[*seq, EOT]])).logits[0, -2].clone()
        logits[[LAT, EOT]] = float("-inf")
        if remaining:
            token, remaining = LAT, remaining - 1
            close = remaining == 0
        elif close:
            token, close = EOT, False
        else:
            token = int(logits.argmax())
            remaining = c if token == BOT else 0
        seq.append(token)
        out.append(token)
        if token == EOS:
            break
    return out


@pytest.fixture
def thinking_model(arch: str) -> Coconut:
    """A tiny model nudged to open latent spans now and then (found by trying rows)."""
    model = tiny_coconut(arch)
    head = model.base_causallm.get_output_embeddings().weight
    with torch.no_grad():
        head[BOT] = head[{"gpt2": 4, "llama": 10}[arch]] * 1.2  # bot beats that token
        head[EOS] = -head[EOS].abs()
    return model


@pytest.mark.parametrize("c", [1, 2])
def test_matches_naive_loop(thinking_model: Coconut, c: int) -> None:
    gen = torch.Generator().manual_seed(0)
    prompts = [torch.randint(3, 45, (n,), generator=gen).tolist() for n in (5, 9, 7)]
    width = max(map(len, prompts))
    ids = torch.tensor([[EOS] * (width - len(p)) + p for p in prompts])
    mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts])
    result = thinking_model.generate(ids, mask, max_new_tokens=14, latent_steps=c)
    rows = []
    for row, prompt in enumerate(prompts):
        got = result.sequences[row, : result.num_new_tokens[row]].tolist()
        assert got == naive_interleaved(thinking_model, prompt, 14, c)
        rows.append(got)
    flat = [t for r in rows for t in r]
    assert BOT in flat and any(t not in (BOT, LAT, EOT) for t in flat)  # both modes used
    for got in rows:  # every span: bot, c latents, eot
        for i, t in enumerate(got):
            if t == BOT and i + c + 1 < len(got):
                assert got[i + 1 : i + c + 2] == [LAT] * c + [EOT]


def test_bad_latent_steps(model: Coconut) -> None:
    with pytest.raises(ValueError, match="latent_steps must be >= 1"):
        model.generate(torch.tensor([[3, 4]]), max_new_tokens=3, latent_steps=0)
