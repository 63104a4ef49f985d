"""Golden layouts: every method's layout at every stage, frozen from the pre-registry code.

``golden_layouts.json`` was written by this file's ``--write`` mode from the code as it
was before methods became registered objects, on a fixed set of examples and configs. The
test rebuilds everything through the public curriculum API and compares it byte for byte:
training sequences, labels, eval prompts, latent counts, the stage of each epoch, the
scheduled stages, stage switches, stage mixing and the longest sequence.

Regenerate only for a deliberate behaviour change:
``PYTHONPATH=$PWD python tests/methods/test_golden_layouts.py --write``.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest

from coconut.curriculum import (
    TokenizedExample,
    build_prompt,
    build_sequence,
    example_rng,
    max_sequence_length,
)
from coconut.curriculum import build_method as _make_method
from coconut.methods import TABLE1_METHODS
from coconut.model.tokens import TokenIds

GOLDEN = Path(__file__).with_name("golden_layouts.json")
IDS = TokenIds(start_latent=90, latent=91, end_latent=92, pause=93, eos=99)
BASE = {
    "c_thought": 1,
    "max_latent_stage": 2,
    "epochs_per_stage": 3,
    "pad_latent_to_max": False,
    "uniform_prob": 0.0,
    "icot_tokens_per_stage": 8,
    "reset_optimizer_on_stage": True,
    "first_stage": 0,
}
CONFIGS: tuple[dict[str, Any], ...] = (
    BASE,
    {**BASE, "c_thought": 2, "max_latent_stage": 3, "epochs_per_stage": 2},
    {**BASE, "c_thought": 2, "max_latent_stage": 2, "pad_latent_to_max": True,
     "icot_tokens_per_stage": 2},
    {**BASE, "c_thought": 3, "max_latent_stage": 0, "icot_tokens_per_stage": 1},
    {**BASE, "max_latent_stage": 4, "first_stage": 1, "epochs_per_stage": 1,
     "uniform_prob": 0.5, "icot_tokens_per_stage": 3},
    {**BASE, "c_thought": 1, "max_latent_stage": 6, "pad_latent_to_max": True,
     "uniform_prob": 1.0, "first_stage": 7},
)  # fmt: skip


def _examples() -> list[TokenizedExample]:
    """Examples with 0, 1, 2, 3, 5 and 8 steps of 1-5 tokens each, ids in 1..80."""
    rng = random.Random(1234)

    def tokens() -> list[int]:
        return [rng.randint(1, 80) for _ in range(rng.randint(1, 5))]

    return [
        TokenizedExample(question=tokens(), steps=[tokens() for _ in range(n)],
                         answer=[*tokens(), IDS.eos])
        for n in (0, 1, 2, 3, 5, 8)
    ]  # fmt: skip


def method_for(name: str, config: dict[str, Any]):
    """The method object of ``name`` with ``config`` (every knob, as Hydra passes them)."""
    return _make_method(name=name, **config)


def snapshot(name: str, config: dict[str, Any]) -> dict[str, Any]:
    """Everything the curriculum computes for one method and config, as plain JSON."""
    method = method_for(name, config)
    examples = _examples()
    last = config["max_latent_stage"] + 3
    layouts = []
    for i, ex in enumerate(examples):
        for stage in range(last + 1):
            seq = build_sequence(ex, stage, method, IDS)
            prompt = build_prompt(ex, stage, method, IDS)
            layouts.append(
                {
                    "example": i,
                    "stage": stage,
                    "input_ids": seq.input_ids,
                    "labels": seq.labels,
                    "prompt_len": seq.prompt_len,
                    "n_latent": seq.n_latent,
                    "prompt": prompt.input_ids,
                    "prompt_n_latent": prompt.n_latent,
                }
            )
    epochs = range(16)
    mixed = [
        [method.sample_stage(ex, method.stage_for_epoch(e), example_rng(3, e, i))
         for i, ex in enumerate(examples)]
        for e in range(4)
    ]  # fmt: skip
    return {
        "layouts": layouts,
        "stage_for_epoch": [method.stage_for_epoch(e) for e in epochs],
        "stage_changed": [method.stage_changed(e) for e in epochs],
        "schedule_stages": list(method.stages()),
        "sampled_stages": mixed,
        "max_sequence_length": max_sequence_length(examples, method, IDS),
        "uses_latents": method.uses_latents,
    }


def _key(name: str, index: int) -> str:
    return f"{name}/config{index}"


def _all_snapshots() -> dict[str, Any]:
    return {
        _key(name, i): snapshot(name, config)
        for name in TABLE1_METHODS
        for i, config in enumerate(CONFIGS)
    }


CASES = [(name, i) for name in TABLE1_METHODS for i in range(len(CONFIGS))]


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    return json.loads(GOLDEN.read_text())


def test_golden_covers_every_table1_method_and_config(golden):
    assert sorted(golden) == sorted(_key(name, i) for name, i in CASES)


@pytest.mark.parametrize(("name", "index"), CASES)
def test_layouts_match_golden(golden, name, index):
    assert snapshot(name, CONFIGS[index]) == golden[_key(name, index)]


if __name__ == "__main__" and "--write" in sys.argv:
    GOLDEN.write_text(json.dumps(_all_snapshots(), sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}")
