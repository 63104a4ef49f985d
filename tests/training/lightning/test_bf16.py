"""bf16 autocast on CPU (``trainer.precision=bf16-mixed``): it runs, and its loss is fp32's.

The tolerance: bf16 keeps 8 bits of mantissa (relative rounding 2^-8 = 0.4%). Through two
layers of a small random model the loss of a latent layout stays within 2% of fp32.
"""

from __future__ import annotations

import pytest
import torch
from omegaconf import OmegaConf

from coconut.curriculum import Collator, build_method, build_sequence, tokenize_example
from coconut.data.symbolic import generate_prosqa_symbolic
from coconut.model.tokens import TokenIds
from coconut.tokenizers.symbolic import build_symbolic_tokenizer
from coconut.training.setup.model import build_model
from coconut.training.train import train

RELATIVE_TOLERANCE = 0.02


def _batch():
    torch.manual_seed(0)
    tokenizer = build_symbolic_tokenizer()
    records = generate_prosqa_symbolic(4, seed=0, num_nodes=10, max_steps=4)
    model_cfg = OmegaConf.create({
        "name": "t", "source": "scratch", "init_token": None, "arch": {
            "_target_": "transformers.GPT2Config", "n_layer": 2, "n_head": 4, "n_embd": 128,
            "n_positions": 128}})  # fmt: skip
    model, ids = build_model(model_cfg, tokenizer)
    method = build_method(name="coconut", max_latent_stage=4, epochs_per_stage=1)
    seqs = [build_sequence(tokenize_example(r, tokenizer), 2, method, ids) for r in records]
    collate = Collator(pad_id=ids.eos, latent_id=TokenIds.from_tokenizer(tokenizer).latent)
    batch = collate([{"input_ids": s.input_ids, "labels": s.labels} for s in seqs])
    return model, batch


def test_bf16_autocast_loss_matches_fp32_on_a_latent_layout():
    model, batch = _batch()
    args = (batch["input_ids"], batch["attention_mask"])
    kwargs = {"labels": batch["labels"], "position_ids": batch["position_ids"]}
    fp32 = model(*args, **kwargs).loss
    with torch.autocast("cpu", dtype=torch.bfloat16):
        bf16 = model(*args, **kwargs).loss
    assert torch.isfinite(bf16)
    assert abs(bf16.item() - fp32.item()) <= RELATIVE_TOLERANCE * fp32.item()
    bf16.backward()
    assert all(p.grad is None or torch.isfinite(p.grad).all() for p in model.parameters())


@pytest.mark.slow
def test_a_bf16_mixed_run_trains_on_cpu(tiny_cfg, tmp_path):
    results = train(tiny_cfg("trainer.precision=bf16-mixed", "debug=fast_dev_run"))
    assert results["global_step"] == 1 and 0.0 <= results["val"]["acc"] <= 1.0
    saved = OmegaConf.load(tmp_path / "run" / "config.yaml")
    assert saved.trainer.precision == "bf16-mixed" and saved.trainer.accelerator == "cpu"
    assert results["precision"] == "bf16-mixed"  # the precision that ran, in the records


@pytest.mark.parametrize("precision", ["16-mixed", "16", "16-true"])
def test_float16_on_cpu_is_refused_before_any_work(tiny_cfg, tmp_path, precision):
    """Lightning would run bf16 on a CPU while the run recorded 16-mixed."""
    with pytest.raises(ValueError, match=rf"trainer.precision={precision}: float16 needs a GPU"):
        train(tiny_cfg(f"trainer.precision={precision}", "debug=fast_dev_run"))
    assert not (tmp_path / "run").exists()


@pytest.mark.slow
def test_the_records_state_the_precision_that_ran(tiny_cfg):
    assert train(tiny_cfg("debug=fast_dev_run"))["precision"] == "32-true"
