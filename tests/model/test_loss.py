"""coconut.model.loss: the chunked loss equals the dense one and never builds full logits."""

from __future__ import annotations

import math

import pytest
import torch
from tiny import mixed_batch, tiny_coconut
from torch.testing import assert_close

from coconut.model import Coconut
from coconut.model.backbone import decoder_and_head
from coconut.model.loss import chunked_shifted_cross_entropy, shift_labels


def _labels(ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    labels = torch.where(mask.bool(), ids, -100)
    labels[:, :6] = -100  # a question part without loss, as in training batches
    return labels


def test_shift_labels_moves_targets_one_left():
    labels = torch.tensor([[-100, 5, 6, 7]])
    assert shift_labels(labels).tolist() == [[5, 6, 7, -100]]


@pytest.mark.parametrize("chunk", [1, 3, 1000])
def test_chunked_loss_and_gradients_equal_the_dense_ones(arch, chunk):
    ids, mask = mixed_batch()
    labels = _labels(ids, mask)
    dense, chunked = tiny_coconut(arch), tiny_coconut(arch)
    chunked.loss_chunk_size = chunk
    want = dense(ids, mask, labels=labels)
    got = chunked(ids, mask, labels=labels)
    assert got.logits is None
    # both compute the loss in fp32 (as HF does); only the order of the sums differs
    assert_close(got.loss, want.loss, rtol=1e-6, atol=1e-7)
    want.loss.backward()
    got.loss.backward()
    for (name, p), (_, q) in zip(chunked.named_parameters(), dense.named_parameters(), strict=True):
        assert_close(p.grad, q.grad, rtol=1e-5, atol=1e-7, msg=name)


def test_the_head_sees_at_most_chunk_size_rows(arch):
    ids, mask = mixed_batch()
    labels = _labels(ids, mask)
    model = tiny_coconut(arch)
    model.loss_chunk_size = 4
    _, head = decoder_and_head(model.base_causallm)
    rows = []
    hook = head.register_forward_hook(lambda mod, args, out: rows.append(args[0].shape))
    model(ids, mask, labels=labels).loss.backward()  # the backward recomputes each chunk
    hook.remove()
    labelled = int(shift_labels(labels).ne(-100).sum())
    assert all(len(shape) == 2 and shape[0] <= 4 for shape in rows)
    assert sum(shape[0] for shape in rows) == 2 * labelled  # forward + recompute


def test_without_labels_the_logits_are_returned(arch):
    model = tiny_coconut(arch)
    model.loss_chunk_size = 2
    ids, mask = mixed_batch()
    out = model(ids, mask)
    assert out.loss is None
    assert out.logits.shape == (*ids.shape, 64)


def test_no_labelled_position_gives_nan_as_the_dense_loss_does(arch):
    model = tiny_coconut(arch)
    hidden = torch.randn(2, 5, 32, dtype=torch.float64)
    labels = torch.full((2, 5), -100)
    _, head = decoder_and_head(model.base_causallm)
    assert math.isnan(chunked_shifted_cross_entropy(hidden, head, labels, 3).item())


def test_a_chunk_size_below_one_is_refused(arch):
    model = tiny_coconut(arch)
    with pytest.raises(ValueError, match="loss_chunk_size must be at least 1"):
        Coconut(model.base_causallm, 61, 60, 62, 0, loss_chunk_size=0)
    _, head = decoder_and_head(model.base_causallm)
    with pytest.raises(ValueError, match="chunk_size must be at least 1, got 0"):
        chunked_shifted_cross_entropy(torch.zeros(1, 2, 32), head, torch.zeros(1, 2).long(), 0)
