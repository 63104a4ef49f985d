"""LoRA adapters + new token rows through peft: what trains, what stays, save/load."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from tiny import BOT, EOS, EOT, LAT, tiny_base

from coconut.model import Coconut
from coconut.model.adapters import (
    DEFAULT_TARGETS,
    AdapterConfig,
    apply_adapter,
    target_modules,
)

NEW_ROWS = [BOT, LAT, EOT, 63]


def _adapted(arch: str) -> Coconut:
    torch.manual_seed(0)
    base = apply_adapter(tiny_base(arch), AdapterConfig(mode="lora", r=4), NEW_ROWS)
    return Coconut(base, LAT, BOT, EOT, EOS)


def _batch() -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(3)
    ids = torch.randint(1, 50, (2, 12), generator=gen)
    ids[0, 3], ids[0, 4:6], ids[0, 6], ids[1, 7] = BOT, LAT, EOT, 63
    return ids, ids.clone()


def _all_rows(model: Coconut) -> torch.Tensor:
    embed = model.base_causallm.get_input_embeddings()
    return embed(torch.arange(64)[None])[0].detach().clone()


def test_default_targets_per_architecture(arch: str) -> None:
    assert target_modules(tiny_base(arch), AdapterConfig(mode="lora")) == DEFAULT_TARGETS[arch]


def test_bad_target_lists_the_models_modules() -> None:
    config = AdapterConfig(mode="lora", target_modules=("q_proj",))
    with pytest.raises(ValueError, match=r"no modules \['q_proj'\]; its modules are .*'c_attn'"):
        apply_adapter(tiny_base("gpt2"), config, NEW_ROWS)


@pytest.mark.parametrize(
    ("node", "message"),
    [
        ({"mode": "qlora"}, "adapter mode"),
        ({"mode": "lora", "r": 0}, "adapter r"),
        ({"rank": 4}, r"unknown keys \['rank'\]"),
    ],
)
def test_bad_adapter_config(node: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AdapterConfig.from_mapping(node)


def test_full_mode_trains_everything() -> None:
    base = tiny_base("gpt2")
    assert apply_adapter(base, AdapterConfig(), NEW_ROWS) is base


def test_only_lora_and_new_rows_train(arch: str) -> None:
    model = _adapted(arch)
    trainable = [n for n, p in model.named_parameters() if p.requires_grad]
    assert trainable and all("lora_" in n or "trainable_tokens_delta" in n for n in trainable)
    frozen = {n: p.detach().clone() for n, p in model.named_parameters() if not p.requires_grad}
    rows_before = _all_rows(model)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2)
    ids, labels = _batch()
    for step in range(2):  # LoRA A gets a gradient from step 2 on (B starts at zero)
        model(ids, labels=labels).loss.backward()
        if step == 1:
            zero = [
                n
                for n, p in model.named_parameters()
                if p.requires_grad and (p.grad is None or not p.grad.abs().sum() > 0)
            ]
            assert zero == []
        optimizer.step()
        optimizer.zero_grad()
    for name, param in model.named_parameters():
        if not param.requires_grad:
            assert torch.equal(param, frozen[name]), name
    rows_after = _all_rows(model)
    old = [i for i in range(64) if i not in NEW_ROWS]
    assert torch.equal(rows_after[old], rows_before[old])  # bit-identical
    assert not torch.equal(rows_after[NEW_ROWS], rows_before[NEW_ROWS])


def test_save_load_gives_identical_logits(arch: str, tmp_path: Path) -> None:
    model = _adapted(arch)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2)
    ids, labels = _batch()
    for _ in range(2):
        model(ids, labels=labels).loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.eval()
    model.save_pretrained(tmp_path / "saved")
    assert (tmp_path / "saved" / "adapter" / "adapter_model.safetensors").is_file()
    assert (tmp_path / "saved" / "adapter_meta.json").is_file()
    loaded = Coconut.from_pretrained(tmp_path / "saved").eval()
    with torch.no_grad():
        torch.testing.assert_close(loaded(ids).logits, model(ids).logits, rtol=0, atol=0)
    assert loaded.latent_token_id == LAT
