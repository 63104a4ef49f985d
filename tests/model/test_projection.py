"""The thought projection: fed-back states go through it in every pass and decode mode,
it is saved and loaded with the model, and a model without one is unchanged."""

from __future__ import annotations

import json

import pytest
import torch
from tiny import BOT, EOS, EOT, LAT, mixed_batch, tiny_base

from coconut.model import Coconut
from coconut.model.projection import WEIGHTS_NAME, build_projection, check_spec

SPEC = {"hidden": 16, "dropout": 0.0, "layer_norm": True}


def _projected(arch: str) -> Coconut:
    torch.manual_seed(0)
    return Coconut(tiny_base(arch).double(), LAT, BOT, EOT, EOS, thought_projection=SPEC).eval()


def test_each_latent_reads_the_projected_state_of_the_position_before(arch):
    model = _projected(arch)
    ids, mask = mixed_batch()
    out = model(ids, mask)
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    base = model.base_causallm
    for row, col in ids.eq(LAT).nonzero().tolist():
        # the full pass over the filled prefix gives the state the latent must read
        prefix = out.inputs_embeds[row : row + 1, :col]
        hidden = base(
            inputs_embeds=prefix,
            attention_mask=mask[row : row + 1, :col],
            position_ids=positions[row : row + 1, :col],
            output_hidden_states=True,
        ).hidden_states[-1][0, -1]
        expected = model.thought_projection(hidden)
        torch.testing.assert_close(out.inputs_embeds[row, col], expected)


def test_all_layers_come_back_joined_over_the_chunks(arch):
    model = _projected(arch)
    ids, mask = mixed_batch()
    out = model(ids, mask, output_layers=True)
    assert len(out.layers) == model.base_causallm.config.num_hidden_layers + 1
    assert all(layer.shape == out.inputs_embeds.shape for layer in out.layers)
    head = model.base_causallm.get_output_embeddings()
    torch.testing.assert_close(head(out.layers[-1]), out.logits)


def test_save_and_load_keep_the_projection_and_the_answers(tmp_path, arch):
    model = _projected(arch)
    with torch.no_grad():  # away from its initialisation, so loading must copy it
        for p in model.thought_projection.parameters():
            p.add_(0.1)
    model.save_pretrained(tmp_path)
    saved = json.loads((tmp_path / "coconut.json").read_text())
    assert saved["thought_projection"] == SPEC and (tmp_path / WEIGHTS_NAME).is_file()
    loaded = Coconut.from_pretrained(tmp_path, dtype=torch.float64).eval()
    for key, value in model.state_dict().items():
        torch.testing.assert_close(loaded.state_dict()[key], value, rtol=0, atol=0)
    ids, mask = mixed_batch()
    a = model.generate(ids, mask, max_new_tokens=6)
    b = loaded.generate(ids, mask, max_new_tokens=6)
    assert torch.equal(a.sequences, b.sequences)
    c = model.generate(ids, mask, max_new_tokens=6, latent_steps=2)
    d = loaded.generate(ids, mask, max_new_tokens=6, latent_steps=2)
    assert torch.equal(c.sequences, d.sequences)


def test_generation_reads_the_projected_thoughts_of_the_prompt(arch):
    """The first generated token is the argmax of the forward's last logits."""
    model = _projected(arch)
    ids = torch.tensor([[3, 4, BOT, LAT, LAT, EOT], [5, 6, BOT, LAT, LAT, EOT]])
    mask = torch.ones_like(ids)
    first = model.generate(ids, mask, max_new_tokens=1).sequences[:, 0]
    logits = model(ids, mask).logits[:, -1]
    assert torch.equal(first, logits.argmax(-1))


def test_a_model_without_projection_saves_no_projection(tmp_path):
    torch.manual_seed(0)
    model = Coconut(tiny_base("gpt2"), LAT, BOT, EOT, EOS)
    assert model.thought_projection is None
    model.save_pretrained(tmp_path)
    assert "thought_projection" not in json.loads((tmp_path / "coconut.json").read_text())
    assert not (tmp_path / WEIGHTS_NAME).exists()


def test_bad_specs_are_refused_by_key():
    with pytest.raises(ValueError, match="hidden: must be an int >= 1"):
        check_spec({"hidden": 0, "dropout": 0.0, "layer_norm": True}, 8)
    with pytest.raises(ValueError, match="dropout: must lie in"):
        check_spec({"hidden": 4, "dropout": 1.0, "layer_norm": True}, 8)
    with pytest.raises(ValueError, match="keys must be"):
        check_spec({"hidden": 4}, 8)
    layers = build_projection({"hidden": None, "dropout": 0.0, "layer_norm": False}, 8)
    assert [type(m).__name__ for m in layers] == ["Dropout", "Linear", "GELU", "Linear"]
    assert layers[1].out_features == 8  # hidden null: the model's width
