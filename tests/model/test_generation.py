"""Batched KV-cached generation against per-example decoding and HF generate."""

from __future__ import annotations

import pytest
import torch
from tiny import EOS, mixed_batch

from coconut.model.generation import left_align
from coconut.model.reference import naive_generate


def test_batched_equals_per_example(model):
    ids, mask = mixed_batch()
    result = model.generate(ids, mask, max_new_tokens=8)
    for row in range(len(ids)):
        expected = naive_generate(model, ids[row][mask[row].bool()], 8)
        n = int(result.num_new_tokens[row])
        assert result.sequences[row, :n].tolist() == expected
        assert torch.all(result.sequences[row, n:] == EOS)


def test_rows_stop_at_eos_and_passes_are_counted(model):
    ids, mask = mixed_batch()
    head = model.base_causallm.get_output_embeddings()

    def prefer_eos(module, inputs, logits):
        return logits.index_add(-1, torch.tensor([EOS]), torch.full_like(logits[..., :1], 1e4))

    handle = head.register_forward_hook(prefer_eos)
    result = model.generate(ids, mask, max_new_tokens=8)
    handle.remove()
    assert result.num_new_tokens.tolist() == [1, 1, 1, 1]
    assert result.sequences.shape == (4, 1)
    # after left alignment the latent columns are 5,6,7 / 10,11 / 9,10 (row 3 moves
    # right by its 6 pads): 6 distinct columns, so 7 prefill chunks and no decode step
    assert result.num_forward_passes == 7


def test_matches_hf_generate_without_latents(model):
    ids = torch.randint(3, 45, (3, 9))
    mask = torch.ones_like(ids)
    ids[1, :2], mask[1, :2] = EOS, 0
    ours = model.generate(ids, mask, max_new_tokens=6)
    theirs = model.base_causallm.generate(
        input_ids=ids, attention_mask=mask, max_new_tokens=6, do_sample=False,
        pad_token_id=EOS, eos_token_id=EOS, use_cache=True,
    )  # fmt: skip
    for row in range(3):
        n = int(ours.num_new_tokens[row])
        assert ours.sequences[row, :n].tolist() == theirs[row, 9 : 9 + n].tolist()


def test_left_align_moves_padding_to_the_left():
    ids = torch.tensor([[5, 6, 0, 0], [0, 7, 8, 0], [1, 2, 3, 4]])
    mask = torch.tensor([[1, 1, 0, 0], [0, 1, 1, 0], [1, 1, 1, 1]])
    out, out_mask = left_align(ids, mask, pad_token_id=9)
    assert out.tolist() == [[9, 9, 5, 6], [9, 9, 7, 8], [1, 2, 3, 4]]
    assert out_mask.tolist() == [[0, 0, 1, 1], [0, 0, 1, 1], [1, 1, 1, 1]]


def test_gaps_in_the_mask_are_rejected():
    with pytest.raises(ValueError, match="gaps"):
        left_align(torch.ones(1, 4, dtype=torch.long), torch.tensor([[1, 0, 1, 1]]), 0)


def test_max_new_tokens_must_be_positive(model):
    with pytest.raises(ValueError, match="max_new_tokens"):
        model.generate(torch.ones(1, 3, dtype=torch.long), max_new_tokens=0)
