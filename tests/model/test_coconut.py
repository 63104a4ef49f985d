"""Coconut.forward: parity with the base model, the naive reference, padding, gradients."""

from __future__ import annotations

import pytest
import torch
from tiny import BOT, EOT, LAT, mixed_batch, tiny_base, tiny_coconut
from torch.testing import assert_close

from coconut.model import Coconut
from coconut.model.loss import shifted_cross_entropy
from coconut.model.reference import naive_forward


def test_no_latents_equals_base_model(model):
    ids = torch.randint(3, 45, (2, 12))
    labels = ids.clone()
    labels[:, :4] = -100
    ours = model(ids, torch.ones_like(ids), labels=labels)
    theirs = model.base_causallm(input_ids=ids, labels=labels)
    assert ours.num_passes == 1
    assert_close(ours.logits, theirs.logits)
    assert_close(ours.loss, theirs.loss)


def test_mixed_batch_equals_naive_reference(model):
    ids, mask = mixed_batch()
    out = model(ids, mask)
    ref_logits, ref_embeds = naive_forward(model, ids, mask)
    real = mask.bool()
    assert_close(out.logits[real], ref_logits[real], rtol=1e-10, atol=1e-10)
    assert_close(out.inputs_embeds[real], ref_embeds[real], rtol=1e-10, atol=1e-10)
    # the filled latents really are hidden states, not token embeddings
    token_embeds = model.base_causallm.get_input_embeddings()(ids)
    assert not torch.allclose(out.inputs_embeds[0, 5], token_embeds[0, 5])


def test_result_does_not_depend_on_padding(model):
    ids, mask = mixed_batch()
    batch = model(ids, mask).logits
    for row in range(len(ids)):
        real = mask[row].bool()
        alone = model(ids[row][real][None], torch.ones(1, int(real.sum()), dtype=torch.long))
        assert_close(batch[row][real], alone.logits[0], rtol=1e-10, atol=1e-10)


def test_aligned_latents_take_max_latents_plus_one_passes(model):
    ids = torch.randint(3, 45, (3, 16))
    ids[:, 3] = BOT
    ids[:, 4:8] = LAT
    ids[:, 8] = EOT
    ids[1, 6:8] = 7  # row 1 has only two latents
    ids[1, 6] = EOT
    assert model(ids).num_passes == 5


def test_gradients_equal_naive_reference(arch):
    ids, mask = mixed_batch()
    labels = torch.where(mask.bool(), ids, -100)
    ours, ref = tiny_coconut(arch), tiny_coconut(arch)  # eval mode: no dropout
    ours(ids, mask, labels=labels).loss.backward()
    logits, _ = naive_forward(ref, ids, mask)
    shifted_cross_entropy(logits, labels).backward()
    # Llama's RMSNorm computes in float32 even in a float64 model, so its gradients
    # agree only to float32 precision; GPT-2 runs fully in float64.
    tol = {"rtol": 1e-8, "atol": 1e-10} if arch == "gpt2" else {"rtol": 1e-5, "atol": 1e-6}
    for (name, p), (_, q) in zip(ours.named_parameters(), ref.named_parameters(), strict=True):
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
        assert_close(p.grad, q.grad, **tol, msg=name)


def test_gradient_flows_through_the_chain_of_thoughts(model):
    """The answer's loss reaches a question token only through the latent chain."""
    ids = torch.randint(3, 45, (1, 12))
    ids[0, 2], ids[0, 3:6], ids[0, 6] = BOT, LAT, EOT
    embeds_grad = []
    embedding = model.base_causallm.get_input_embeddings()

    def keep_grad(module, inputs, output):
        output.register_hook(embeds_grad.append)

    handle = embedding.register_forward_hook(keep_grad)
    labels = torch.full_like(ids, -100)
    labels[0, -1] = ids[0, -1]
    model(ids, labels=labels).loss.backward()
    handle.remove()
    grad = embeds_grad[0][0]  # (T, D)
    assert grad[0].abs().sum() > 0
    assert torch.all(grad[3:6] == 0)  # latent token embeddings are replaced, never used


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda ids: ids.__setitem__((0, 5), LAT), "outside"),
        (lambda ids: ids.__setitem__((0, 0), LAT), "position 0"),
        (lambda ids: ids.__setitem__((1, slice(8, 10)), torch.tensor([BOT, LAT])), "outside"),
    ],
)
def test_latents_outside_a_span_are_rejected(edit, message):
    model = tiny_coconut("gpt2")
    ids = torch.randint(3, 45, (2, 10))
    edit(ids)
    with pytest.raises(ValueError, match=message):
        model(ids)


def test_mismatched_shapes_are_rejected():
    model = tiny_coconut("gpt2")
    ids = torch.randint(3, 45, (2, 10))
    with pytest.raises(ValueError, match="attention_mask shape"):
        model(ids, torch.ones(2, 9, dtype=torch.long))
    with pytest.raises(ValueError, match="labels shape"):
        model(ids, labels=torch.ones(2, 11, dtype=torch.long))
    with pytest.raises(ValueError, match=r"\(batch, seq\)"):
        model(ids[0])


def test_base_model_without_inputs_embeds_is_rejected():
    class NoEmbeds(torch.nn.Module):
        base_model = torch.nn.Identity()

        def get_output_embeddings(self):
            return torch.nn.Linear(2, 2)

    with pytest.raises(ValueError, match="inputs_embeds"):
        Coconut(NoEmbeds(), 1, 2, 3, 0)


def test_marker_ids_outside_vocabulary_are_rejected():
    with pytest.raises(ValueError, match="latent_token_id=500"):
        Coconut(tiny_base("gpt2"), 500, BOT, EOT, 0)


def test_bare_latents_equal_the_naive_reference_when_markers_are_off(model):
    """Without markers (``latent_markers=False``) a latent only needs a real token before
    it; the chain is computed as with markers (checked against the naive reference)."""
    ids, mask = mixed_batch()
    bare = ids.clone()
    bare[bare.eq(BOT) | bare.eq(EOT)] = 7  # plain tokens where the markers were
    with pytest.raises(ValueError, match="outside"):
        model(bare, mask)
    model.latent_markers = False
    out = model(bare, mask)
    ref_logits, _ = naive_forward(model, bare, mask)
    real = mask.bool()
    assert_close(out.logits[real], ref_logits[real], rtol=1e-10, atol=1e-10)
    first = bare.clone()
    first[0, 0] = LAT
    with pytest.raises(ValueError, match="position 0"):
        model(first)
