"""coconut.training.setup.model: tokenizers of scratch runs started from other weights, and the
speed switches (attention kernel, chunked loss) that reach the model."""

from __future__ import annotations

import logging

import pytest
import torch
from omegaconf import OmegaConf

from coconut.data import generate_prosqa
from coconut.tokenizers.saved import save_tokenizer
from coconut.tokenizers.word import load_or_train_word_tokenizer
from coconut.training.setup.model import (
    adopt_source_tokenizer,
    build_model,
    build_tokenizer,
    source_tokenizer_dir,
    speed_options,
)
from coconut.training.train import train

WORD_MODEL = OmegaConf.create({"name": "w", "source": "scratch", "tokenizer": "word"})


def _source_run(tmp_path, seed):
    """A run directory whose tokenizer was built from ProsQA examples of ``seed``."""
    run = tmp_path / f"source{seed}"
    tokenizer = load_or_train_word_tokenizer(generate_prosqa(20, seed=seed), run / "tokenizer")
    (run / "checkpoints").mkdir()
    return run, tokenizer


def test_two_training_files_number_words_differently(tmp_path):
    # The reason for adopting: same words, other ids.
    _, first = _source_run(tmp_path, 0)
    _, second = _source_run(tmp_path, 1)
    assert set(first.get_vocab()) == set(second.get_vocab())
    assert first.get_vocab() != second.get_vocab()


def test_the_tokenizer_is_found_beside_a_checkpoint_a_run_and_a_model_dir(tmp_path):
    run, tokenizer = _source_run(tmp_path, 0)
    assert source_tokenizer_dir(run / "checkpoints" / "best.ckpt") == run / "tokenizer"
    assert source_tokenizer_dir(run) == run / "tokenizer"
    model_dir = tmp_path / "model"
    save_tokenizer(tokenizer, model_dir)
    assert source_tokenizer_dir(model_dir) == model_dir
    assert source_tokenizer_dir(tmp_path / "elsewhere" / "x.ckpt") is None


def test_init_from_gives_the_new_run_the_sources_token_ids(tmp_path):
    run, source = _source_run(tmp_path, 0)
    new_run = tmp_path / "new"
    other_data = generate_prosqa(20, seed=1)
    built = build_tokenizer(WORD_MODEL, other_data, new_run, run / "checkpoints" / "best.ckpt")
    assert built.get_vocab() == source.get_vocab()
    assert (new_run / "tokenizer" / "tokenizer.json").is_file()
    # Without init_from the same data gives its own numbering.
    fresh = build_tokenizer(WORD_MODEL, other_data, tmp_path / "fresh")
    assert fresh.get_vocab() != source.get_vocab()


def test_a_run_that_has_a_tokenizer_keeps_it(tmp_path):
    run, source = _source_run(tmp_path, 0)
    _, own = _source_run(tmp_path, 1)
    assert not adopt_source_tokenizer(run, tmp_path / "source1" / "tokenizer")
    kept = build_tokenizer(WORD_MODEL, [], tmp_path / "source1", run)
    assert kept.get_vocab() == own.get_vocab() != source.get_vocab()


def test_weights_without_a_tokenizer_beside_them_warn(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="coconut.training.setup.model"):
        assert not adopt_source_tokenizer(tmp_path / "loose.ckpt", tmp_path / "new" / "tokenizer")
    assert "no tokenizer saved beside these weights" in caplog.text
    assert not (tmp_path / "new" / "tokenizer").exists()


TINY_SCRATCH = OmegaConf.create(
    {
        "name": "t",
        "source": "scratch",
        "arch": {"_target_": "transformers.GPT2Config", "n_layer": 2, "n_head": 2, "n_embd": 16},
    }
)


def _loss(speed, ids, tokenizer):
    torch.manual_seed(0)
    model, _ = build_model(TINY_SCRATCH, tokenizer, speed=speed)
    labels = ids.clone()
    labels[:, :3] = -100
    return model, model(ids, labels=labels).loss


def test_the_speed_switches_reach_the_model_and_leave_the_loss_unchanged(make_tokenizer):
    ids = torch.randint(5, 30, (3, 12))
    tokenizer = make_tokenizer()
    dense, want = _loss(None, ids, tokenizer)
    for kernel in ("eager", "sdpa"):
        model, got = _loss({"attn_implementation": kernel, "loss_chunk_size": 4}, ids, tokenizer)
        assert model.base_causallm.config._attn_implementation == kernel
        assert model.loss_chunk_size == 4 and dense.loss_chunk_size is None
        torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6)


def test_a_kernel_whose_package_is_missing_is_named_by_its_key(make_tokenizer):
    import importlib.util

    if importlib.util.find_spec("flash_attn") is not None:
        pytest.skip("flash_attn is installed here")
    with pytest.raises(ValueError, match=r"speed.attn_implementation=flash_attention_2: .*sdpa"):
        build_model(TINY_SCRATCH, make_tokenizer(), speed={"attn_implementation":
                                                           "flash_attention_2"})  # fmt: skip


def test_an_unknown_attention_kernel_is_refused_by_its_key():
    with pytest.raises(ValueError, match=r"speed.attn_implementation='fast': must be one of"):
        speed_options({"attn_implementation": "fast"})
    with pytest.raises(ValueError, match=r"speed.loss_chunk_size=0: must be at least 1 or null"):
        speed_options({"loss_chunk_size": 0})
    assert speed_options(None) == ({}, None)
    assert speed_options({"attn_implementation": "sdpa", "loss_chunk_size": 8}) == (
        {"attn_implementation": "sdpa"},
        8,
    )


@pytest.mark.slow
def test_a_run_trains_with_the_speed_switches(tiny_cfg, tmp_path):
    cfg = tiny_cfg(
        "speed.attn_implementation=eager", "speed.loss_chunk_size=4", "debug=fast_dev_run"
    )
    results = train(cfg)
    assert results["global_step"] == 1 and 0.0 <= results["val"]["acc"] <= 1.0
    saved = OmegaConf.load(tmp_path / "run" / "config.yaml")
    assert saved.speed == {"attn_implementation": "eager", "loss_chunk_size": 4}
