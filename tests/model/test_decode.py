"""The shared decode loop with a scripted ``NextInput``: padding, counting, what it feeds."""

from __future__ import annotations

import torch
from tiny import EOS

from coconut.model import Coconut
from coconut.model.decode import decode


class Scripted:
    """Chooses fixed columns of tokens and records what the loop asks it to feed."""

    def __init__(self, model: Coconut, columns: list[list[int]]) -> None:
        self.columns = iter(columns)
        self.embedding = model.base_causallm.get_input_embeddings()
        self.dones: list[list[bool]] = []
        self.fed: list[list[int]] = []

    def choose(self, hidden: torch.Tensor, done: torch.Tensor) -> torch.Tensor:
        self.dones.append(done.tolist())
        return torch.tensor(next(self.columns))

    def inputs(self, tokens: torch.Tensor, hidden: torch.Tensor) -> torch.Tensor:
        self.fed.append(tokens.tolist())
        return self.embedding(tokens)


def test_rows_are_padded_after_eos_and_the_loop_stops_when_all_are_done(model: Coconut):
    ids = torch.randint(3, 45, (2, 5))
    script = Scripted(model, [[5, 6], [EOS, 7], [8, EOS], [9, 9]])
    result = decode(model, ids, None, 10, script, pad_token_id=3)
    assert result.sequences.tolist() == [[5, EOS, 3], [6, 7, EOS]]
    assert result.num_new_tokens.tolist() == [2, 3]
    assert result.num_forward_passes == 1 + 2  # prefill, then one pass per fed column
    assert script.dones == [[False, False], [False, False], [True, False]]
    assert script.fed == [[5, 6], [EOS, 7]]


def test_the_budget_ends_decoding_without_a_last_pass(model: Coconut):
    script = Scripted(model, [[5], [6]])
    result = decode(model, torch.tensor([[4, 5, 6]]), None, 2, script)
    assert result.sequences.tolist() == [[5, 6]]
    assert result.num_forward_passes == 2
    assert script.fed == [[5]]
