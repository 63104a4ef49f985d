"""Exact layouts and labels of the memory/reason methods and memory_latent, tag tokens included."""

from __future__ import annotations

import pytest

from coconut.curriculum import IGNORE_INDEX as X
from coconut.curriculum import TokenizedExample, build_prompt, build_sequence
from coconut.methods import MEMORY_REASON_METHODS, build_method
from coconut.methods.tags import shuffled_kinds
from coconut.model.tokens import TokenIds

# Question [1, 2]; steps [3, 4] (memory), [5] (reason), [6, 7, 8] (reason); answer [9, eos].
EOS = 99
EX = TokenizedExample(
    question=[1, 2],
    steps=[[3, 4], [5], [6, 7, 8]],
    answer=[9, EOS],
    step_kinds=("memory", "reason", "reason"),
)
BOT, LAT, EOT = 90, 91, 92


def token_ids(method) -> TokenIds:
    """Marker ids plus ids 100, 101, ... for the method's tokens, in their order."""
    extra = {tok: 100 + i for i, tok in enumerate(method.special_tokens())}
    return TokenIds(start_latent=BOT, latent=LAT, end_latent=EOT, pause=93, eos=EOS, extra=extra)


def test_memory_reason_tokens_and_layout() -> None:
    method = build_method({"name": "memory_reason", "n_prefix": 1, "n_special": 2})
    assert method.special_tokens() == (
        "<|prefix_0|>",
        "<|memory_0|>",
        "<|memory_1|>",
        "<|reason_0|>",
        "<|reason_1|>",
        "<|answer_0|>",
        "<|answer_1|>",
    )
    P, M0, M1, R0, R1, A0, A1 = range(100, 107)
    seq = build_sequence(EX, 0, method, token_ids(method))
    assert seq.input_ids == [1, 2, P, M0, M1, 3, 4, R0, R1, 5, R0, R1, 6, 7, 8, A0, A1, 9, EOS]
    assert seq.labels == [X, X, X, M0, M1, 3, 4, R0, R1, 5, R0, R1, 6, 7, 8, A0, A1, 9, EOS]
    assert seq.prompt_len == 3 and seq.n_latent == 0
    assert build_prompt(EX, 0, method, token_ids(method)).input_ids == [1, 2, P]
    assert method.stages() == (0,)


def test_tags_after_the_step() -> None:
    method = build_method({"name": "memory_reason", "n_prefix": 0, "n_special": 1,
                           "tag_placement": "after"})  # fmt: skip
    M0, R0, A0 = 100, 101, 102
    seq = build_sequence(EX, 0, method, token_ids(method))
    assert seq.input_ids == [1, 2, 3, 4, M0, 5, R0, 6, 7, 8, R0, A0, 9, EOS]
    assert seq.prompt_len == 2


def test_untyped_has_prefix_tokens_only() -> None:
    method = build_method({"name": "memory_reason_untyped", "n_prefix": 2})
    assert method.special_tokens() == ("<|prefix_0|>", "<|prefix_1|>")
    no_kinds = TokenizedExample([1, 2], [[3, 4], [5]], [9, EOS])  # no kinds needed
    seq = build_sequence(no_kinds, 0, method, token_ids(method))
    assert seq.input_ids == [1, 2, 100, 101, 3, 4, 5, 9, EOS]
    assert seq.labels == [X, X, X, X, 3, 4, 5, 9, EOS]


def test_planning_tokens_one_type_per_step() -> None:
    method = build_method({"name": "planning_tokens", "n_prefix": 0, "n_special": 1})
    assert method.special_tokens() == ("<|plan_0|>", "<|answer_0|>")
    seq = build_sequence(EX, 0, method, token_ids(method))
    assert seq.input_ids == [1, 2, 100, 3, 4, 100, 5, 100, 6, 7, 8, 101, 9, EOS]


def test_shuffled_permutes_kinds_per_example_with_the_seed() -> None:
    method = build_method({"name": "memory_reason_shuffled", "n_prefix": 0, "n_special": 1})
    M0, R0 = 100, 101
    kinds = shuffled_kinds(EX, 0)
    assert sorted(kinds) == sorted(EX.step_kinds)
    seq = build_sequence(EX, 0, method, token_ids(method))
    tags = [seq.input_ids[i] for i in (2, 5, 7)]  # before each step
    assert tags == [M0 if k == "memory" else R0 for k in kinds]
    assert build_sequence(EX, 0, method, token_ids(method)) == seq  # deterministic
    # Over many examples the seed changes some permutations and keeps the kinds' counts.
    many = [
        TokenizedExample([i, 2], [[3]] * 4, [9, EOS], ("memory", "memory", "reason", "reason"))
        for i in range(40)
    ]
    by_seed = {s: [tuple(shuffled_kinds(e, s)) for e in many] for s in (0, 1)}
    assert by_seed[0] != by_seed[1]
    assert len(set(by_seed[0])) > 1  # not one fixed permutation for every example
    assert all(sorted(k) == ["memory", "memory", "reason", "reason"] for k in by_seed[0])


def test_memory_latent_stages() -> None:
    method = build_method({"name": "memory_latent", "c_thought": 2, "max_latent_stage": 1,
                           "epochs_per_stage": 1})  # fmt: skip
    assert method.uses_latents and method.stages() == (0, 1, 2) and method.latent_steps == 2
    ids = token_ids(method)
    span = [BOT, LAT, LAT, EOT]
    expected = {
        0: [1, 2, 3, 4, 5, 6, 7, 8, 9, EOS],
        1: [1, 2, 3, 4, *span, 6, 7, 8, 9, EOS],  # the first reason step
        2: [1, 2, 3, 4, *span, *span, 9, EOS],  # past max_latent_stage: every reason step
    }
    for stage, input_ids in expected.items():
        seq = build_sequence(EX, stage, method, ids)
        assert seq.input_ids == input_ids
        assert seq.labels == [X, X] + [X if t in (LAT, EOT) else t for t in input_ids[2:]]
        assert seq.prompt_len == 2 and seq.n_latent == 0
        assert build_prompt(EX, stage, method, ids).input_ids == [1, 2]


@pytest.mark.parametrize("name", ["memory_reason", "memory_reason_shuffled", "memory_latent"])
def test_methods_needing_kinds_say_so(name: str) -> None:
    method = build_method({"name": name})
    untagged = TokenizedExample([1, 2], [[3, 4]], [9, EOS])
    with pytest.raises(ValueError, match=r"needs steps tagged memory/reason.*data\.tagging"):
        build_sequence(untagged, method.final_stage, method, token_ids(method))


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"name": "memory_reason", "n_special": -1}, "method n_special: must be >= 0, got -1"),
        ({"name": "memory_reason", "n_prefix": -2}, "method n_prefix: must be >= 0"),
        ({"name": "planning_tokens", "tag_placement": "middle"}, "method tag_placement"),
        ({"name": "memory_latent", "c_thought": 0}, "method c_thought: must be >= 1"),
        ({"name": "memory_reason", "n_specials": 4}, "unknown field .n_specials."),
    ],
)
def test_bad_config(config: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_method(config)


def test_every_method_is_registered() -> None:
    for name in MEMORY_REASON_METHODS:
        assert build_method({"name": name}).name == name
