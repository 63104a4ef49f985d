"""A launch that fails before training leaves nothing that changes the next launch."""

from __future__ import annotations

import json

import pytest
from lightning.pytorch.callbacks import Callback
from transformers import PreTrainedTokenizerFast

from coconut.tokenizers.bpe import load_or_train_tokenizer
from coconut.training.run.identity import file_sha256
from coconut.training.train import train

QUICK = ("trainer.max_epochs=1", "eval.max_new_tokens=4", "eval.final_split=val")
SMALL_VOCAB = "model.tokenizer_vocab_size=270"  # the fixtures' runs use 320


def _vocab(run) -> int:
    return len(PreTrainedTokenizerFast.from_pretrained(run / "tokenizer"))


def _recorded_tokenizer(run) -> str:
    return json.loads((run / "identity.json").read_text())["tokenizer"]


def test_a_launch_refused_by_transformers_leaves_no_tokenizer(tiny_cfg, tmp_path):
    run = tmp_path / "run"
    bad = ("model.arch.n_embd=30", "model.arch.n_head=4", SMALL_VOCAB)  # 30 % 4 != 0
    with pytest.raises(ValueError, match="divisible"):
        train(tiny_cfg(*QUICK, *bad))
    assert not (run / "tokenizer").exists() and not (run / "identity.json").exists()

    train(tiny_cfg(*QUICK))  # the corrected command, same run directory
    assert _vocab(run) > 270  # built for this launch's vocabulary size, not the failed one's
    assert _recorded_tokenizer(run) == file_sha256(run / "tokenizer" / "tokenizer.json")


def test_a_tokenizer_left_by_a_killed_launch_is_rebuilt(tiny_cfg, tmp_path, make_records):
    run = tmp_path / "run"
    load_or_train_tokenizer(make_records(32), run / "tokenizer", vocab_size=270)  # kill -9
    assert _vocab(run) == 270
    train(tiny_cfg(*QUICK))
    assert _vocab(run) > 270
    assert json.loads((run / "identity.json").read_text())["model"]["tokenizer_vocab_size"] == 320


class _FailAtStart(Callback):
    def on_train_start(self, trainer, pl_module) -> None:
        raise RuntimeError("setup failed")


def test_a_fit_failing_before_its_first_checkpoint_undoes_the_identity(tiny_cfg, tmp_path):
    run = tmp_path / "run"
    with pytest.raises(RuntimeError, match="setup failed"):
        train(tiny_cfg(*QUICK, SMALL_VOCAB), callbacks=[_FailAtStart()])
    for name in ("tokenizer", "identity.json", "config.yaml"):
        assert not (run / name).exists(), name
    result = train(tiny_cfg(*QUICK))  # a changed vocabulary is a new run, not a mismatch
    assert result["global_step"] == 4 and _vocab(run) > 270
