"""Scoring a batch: exact match after normalisation, tokens counted with the latents."""

from __future__ import annotations

import pytest
import torch

from coconut.model import GenerationResult
from coconut.training.lightning.scoring import EvalTally, score_batch


class _Scripted:
    """Stands in for Coconut.generate: returns fixed continuations."""

    def __init__(self, rows: list[list[int]], passes: int) -> None:
        self.rows, self.passes = rows, passes

    def generate(self, input_ids, attention_mask, max_new_tokens):
        width = max(len(r) for r in self.rows)
        seqs = torch.tensor([r + [0] * (width - len(r)) for r in self.rows])
        return GenerationResult(seqs, torch.tensor([len(r) for r in self.rows]), self.passes)


def test_score_batch(make_tokenizer):
    tok = make_tokenizer()
    eos = tok.eos_token_id
    texts = ["### True", "Alex is a yumpus.\n### False", "no answer at all", "### True"]
    rows = [[*tok.encode(t, add_special_tokens=False), eos] for t in texts]
    batch = {
        "input_ids": torch.zeros(4, 3, dtype=torch.long),
        "attention_mask": torch.ones(4, 3, dtype=torch.long),
        "n_latent": torch.tensor([2, 2, 0, 2]),
        "index": torch.tensor([0, 1, 2, 0]),
        "real": torch.tensor([1, 1, 1, 0]),  # the last row only pads a rank's shard
        "answer": ["True", " False ", "True", "True"],
    }
    scored = score_batch(_Scripted(rows, passes=9), batch, tok, max_new_tokens=32)
    assert [p["correct"] for p in scored.predictions] == [True, True, False]
    assert [p["predicted"] for p in scored.predictions] == ["True", "False", ""]
    tally = scored.tally
    assert (tally.correct, tally.total) == (2, 3)
    assert tally.gen_tokens == len(rows[0]) + 2 + len(rows[1]) + 2 + len(rows[2])
    assert tally.forward_passes == 27
    metrics = tally.metrics()
    assert metrics["acc"] == pytest.approx(2 / 3) and metrics["forward_passes"] == 9


def test_tally_round_trips_and_refuses_empty():
    tally = EvalTally(correct=1, total=2, gen_tokens=7, forward_passes=4, seconds=0.5)
    assert EvalTally.from_tensor(tally.to_tensor()) == tally
    with pytest.raises(ValueError, match="no examples"):
        EvalTally().metrics()
