"""Batched step sampling equals one prompt at a time; the value model ignores padding."""

from __future__ import annotations

import torch
from scripted import tiny_gpt2

from coconut.search.cli import make_problems
from coconut.search.mdp import encode_step, split_steps
from coconut.search.policy import StepPolicy
from coconut.search.value_model import QValueModel
from coconut.search.values import LearnedValue


def test_batched_greedy_rollouts_equal_single_ones(prosqa_records, prosqa_tokenizer):
    policy = StepPolicy(tiny_gpt2(len(prosqa_tokenizer)), prosqa_tokenizer)
    prefixes = [p.root.ids for p in make_problems(prosqa_records[:4], prosqa_tokenizer)]
    prefixes[1] = prefixes[1][:40]  # different lengths
    batched = policy.sample(prefixes, 1, 0.0, 12, until="eos")
    alone = [policy.sample([p], 1, 0.0, 12, until="eos")[0] for p in prefixes]
    assert batched == alone


def test_steps_round_trip_through_split_steps(prosqa_records, prosqa_tokenizer):
    policy = StepPolicy(tiny_gpt2(len(prosqa_tokenizer)), prosqa_tokenizer)
    record = prosqa_records[0]
    steps = [
        encode_step(s, prosqa_tokenizer) for s in [*record["steps"], "### " + record["answer"]]
    ]
    ids = [i for s in steps for i in s.ids]
    assert split_steps(ids, prosqa_tokenizer, policy.newline_ids) == steps
    assert steps[-1].is_answer and not any(s.is_answer for s in steps[:-1])


def test_value_of_a_state_does_not_depend_on_its_batch(prosqa_records, prosqa_tokenizer, tmp_path):
    torch.manual_seed(0)
    model = QValueModel(tiny_gpt2(len(prosqa_tokenizer)))
    torch.nn.init.normal_(model.head.weight)
    problems = make_problems(prosqa_records[:3], prosqa_tokenizer)
    value = LearnedValue(model, prosqa_tokenizer.eos_token_id, counter=_counter())
    states = [p.root for p in problems]
    together = value(problems[0], states)
    alone = [value(problems[0], [s])[0] for s in states]
    torch.testing.assert_close(torch.tensor(together), torch.tensor(alone))
    model.save_pretrained(tmp_path / "q", prosqa_tokenizer)
    again = LearnedValue(QValueModel.from_pretrained(tmp_path / "q"), 0, counter=_counter())
    torch.testing.assert_close(torch.tensor(again(problems[0], states)), torch.tensor(together))


def _counter():
    from coconut.search.counters import ComputeCounter

    return ComputeCounter()
