"""End-to-end memory/reason runs through ``train(cfg)``: tiny GPT-2 and tiny Llama, LoRA."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coconut.model import Coconut
from coconut.training.train import train

LLAMA = [
    "model=tiny_llama",
    "model.arch.num_hidden_layers=2",
    "model.arch.hidden_size=32",
    "model.arch.intermediate_size=64",
    "model.arch.max_position_embeddings=256",
    "model.tokenizer_vocab_size=320",
]


def _tagged_cfg(tiny_cfg, *overrides: str):
    return tiny_cfg("data.tagging=prontoqa", "trainer.max_epochs=2",
                    "trainer.limit_train_batches=2", *overrides)  # fmt: skip


@pytest.fixture
def llama_cfg(tiny_args, compose_cfg, toy_data_dir: Path, tmp_path: Path):
    """As ``tiny_cfg``, with the tiny Llama instead of the tiny GPT-2."""

    def make(*overrides: str):
        base = [o for o in tiny_args(toy_data_dir, tmp_path / "run") if not o.startswith("model")]
        return compose_cfg([*base, *LLAMA, *overrides])

    return make


@pytest.mark.slow
@pytest.mark.parametrize("arch", ["gpt2", "llama"])
@pytest.mark.parametrize("method", ["memory_reason", "memory_latent"])
def test_lora_run_end_to_end(tiny_cfg, llama_cfg, tmp_path: Path, method: str, arch: str):
    make = tiny_cfg if arch == "gpt2" else llama_cfg
    cfg = _tagged_cfg(make, f"method={method}", "adapter=lora", "method.max_latent_stage=1")
    results = train(cfg)
    run = tmp_path / "run"
    assert results["method"] == method and results["global_step"] == 4
    assert 0.0 <= results["test"]["acc"] <= 1.0 and results["test"]["num_examples"] == 8
    saved = run / "model"
    assert (saved / "adapter" / "adapter_model.safetensors").is_file()
    meta = json.loads((saved / "adapter_meta.json").read_text())
    assert meta["adapter"]["target_modules"]  # the architecture's defaults
    loaded = Coconut.from_pretrained(saved).eval()
    state = loaded.state_dict()
    # Training moved the adapters and the new rows, and loading brought them back.
    lora_b = [v for k, v in state.items() if "lora_B" in k]
    deltas = [v for k, v in state.items() if "trainable_tokens_delta" in k]
    assert lora_b and any(bool(v.abs().sum() > 0) for v in lora_b)
    assert deltas and any(bool(v.abs().sum() > 0) for v in deltas)
    assert not any(p.requires_grad for n, p in loaded.named_parameters() if "lora_" not in n
                   and "trainable_tokens_delta" not in n)  # fmt: skip


@pytest.mark.slow
def test_full_fine_tune_memory_reason_shuffled(tiny_cfg):
    results = train(_tagged_cfg(tiny_cfg, "method=memory_reason_shuffled", "adapter=full"))
    assert results["method"] == "memory_reason_shuffled" and results["global_step"] == 4


def test_untagged_data_is_named(tiny_cfg):
    with pytest.raises(ValueError, match="split 'train', example 0: this method needs steps"):
        train(tiny_cfg("method=memory_reason", "debug=fast_dev_run"))


def test_bad_lora_target_lists_modules(tiny_cfg):
    cfg = tiny_cfg("method=cot", "adapter=lora", "adapter.target_modules=[q_proj]",
                   "debug=fast_dev_run")  # fmt: skip
    with pytest.raises(ValueError, match=r"no modules \['q_proj'\]; its modules are .*c_attn"):
        train(cfg)
