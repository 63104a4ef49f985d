"""GSM8K step results and the hit rate of decoded thoughts."""

from __future__ import annotations

import pytest
import torch

from coconut.probe.gsm8k import hit_rate_by_thought, step_result, step_results, thought_hits
from coconut.probe.thoughts import DecodedThought


def test_step_results():
    assert step_results(["<<16-3-4=9>>", "<<9*2=18>>", "<<600/3=200.5>>"]) == ["9", "18", "200.5"]
    assert step_result(" <<a=b=-3>> ") == "-3"


@pytest.mark.parametrize("bad", ["16-3=13", "<<16-3>>", "<<1+1=>>", "<<a>><<b=c>>"])
def test_bad_steps_are_named(bad):
    with pytest.raises(ValueError, match=r"annotation|empty result"):
        step_result(bad)


def thought(index, *tokens):
    probs = [1.0 / len(tokens)] * len(tokens)
    return DecodedThought(index, torch.zeros(2), 0.0, list(tokens), [0] * len(tokens), probs)


def test_hits_by_thought_with_two_thoughts_per_step(make_tokenizer):
    tok = make_tokenizer()
    results = ["9", "18"]
    thoughts = [
        thought(1, " 9", "x"),
        thought(2, "y"),
        thought(3, "z"),
        thought(4, "18 "),
        thought(5, "9"),
    ]
    assert thought_hits(thoughts, results, tok, c_thought=2) == [True, False, False, True, None]
    rates = hit_rate_by_thought([[True, False], [False, False, True], [None]])
    assert [(r.index, r.hits, r.total) for r in rates] == [(1, 1, 2), (2, 0, 2), (3, 1, 1)]
    assert rates[0].rate == 0.5
