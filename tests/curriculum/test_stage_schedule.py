"""The stage trained at each epoch, stage switches and uniform stage mixing."""

import random

import pytest

from coconut.curriculum import (
    build_method,
    example_rng,
)

# coconut, epochs_per_stage=5, max_latent_stage=6 (the ProsQA / ProntoQA setup)
PROSQA_TABLE = (
    [(e, 0) for e in range(0, 5)]
    + [(e, 1) for e in range(5, 10)]
    + [(e, 2) for e in range(10, 15)]
    + [(e, 3) for e in range(15, 20)]
    + [(e, 4) for e in range(20, 25)]
    + [(e, 5) for e in range(25, 30)]
    + [(e, 6) for e in range(30, 35)]
    + [(e, 7) for e in range(35, 60)]
)
# epochs_per_stage=3, max_latent_stage=3 (the GSM8K setup)
GSM8K_TABLE = [(0, 0), (2, 0), (3, 1), (5, 1), (6, 2), (8, 2), (9, 3), (11, 3), (12, 4), (49, 4)]


@pytest.mark.parametrize("name", ["coconut", "pause_as_thought", "no_thought", "icot"])
@pytest.mark.parametrize(("epoch", "stage"), PROSQA_TABLE)
def test_staged_methods_prosqa(name, epoch, stage):
    method = build_method(name=name, epochs_per_stage=5, max_latent_stage=6)
    assert method.stage_for_epoch(epoch) == stage


@pytest.mark.parametrize(("epoch", "stage"), GSM8K_TABLE)
def test_coconut_gsm8k(epoch, stage):
    method = build_method(name="coconut", c_thought=2, epochs_per_stage=3, max_latent_stage=3)
    assert method.stage_for_epoch(epoch) == stage


def test_first_stage_shifts_the_schedule_of_a_run_started_from_cot():
    method = build_method(
        name="coconut", c_thought=2, epochs_per_stage=3, max_latent_stage=3, first_stage=1
    )
    assert [method.stage_for_epoch(e) for e in range(12)] == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]
    assert method.stages() == (1, 2, 3, 4)
    assert not method.stage_changed(0)


def test_first_stage_past_the_final_stage_is_rejected():
    with pytest.raises(ValueError, match="first_stage"):
        build_method(name="coconut", max_latent_stage=3, first_stage=5)


@pytest.mark.parametrize(("name", "stage"), [("cot", 0), ("no_cot", 0), ("pause_token", 0)])
def test_unstaged_methods_stay_at_zero(name, stage):
    method = build_method(name=name, epochs_per_stage=1, max_latent_stage=6)
    assert [method.stage_for_epoch(e) for e in range(50)] == [stage] * 50


def test_no_curriculum_trains_the_final_stage_from_epoch_zero():
    method = build_method(name="no_curriculum", epochs_per_stage=1, max_latent_stage=6)
    assert [method.stage_for_epoch(e) for e in range(50)] == [7] * 50


def test_stage_changed_at_each_switch_only():
    method = build_method(name="coconut", epochs_per_stage=5, max_latent_stage=6)
    changed = [e for e in range(60) if method.stage_changed(e)]
    assert changed == [5, 10, 15, 20, 25, 30, 35]


@pytest.mark.parametrize("name", ["cot", "no_cot", "pause_token", "no_curriculum"])
def test_stage_never_changes_without_a_curriculum(name):
    method = build_method(name=name, epochs_per_stage=1)
    assert not any(method.stage_changed(e) for e in range(20))


def test_negative_epoch_is_rejected():
    with pytest.raises(ValueError, match="epoch"):
        build_method(name="coconut").stage_for_epoch(-1)


def test_schedule_stages():
    assert build_method(name="coconut", max_latent_stage=2).stages() == (0, 1, 2, 3)
    assert build_method(name="no_curriculum", max_latent_stage=2).stages() == (3,)
    assert build_method(name="cot", max_latent_stage=2).stages() == (0,)


def test_uniform_prob_one_draws_every_stage_up_to_the_step_count(ex):
    method = build_method(name="coconut", max_latent_stage=6, uniform_prob=1.0)
    drawn = [method.sample_stage(ex, 7, example_rng(0, 3, i)) for i in range(200)]
    assert set(drawn) == {0, 1, 2, 3}  # len(ex.steps) == 3; the scheduled 7 never appears


def test_uniform_mixing_is_deterministic_per_seed_epoch_and_index(ex):
    method = build_method(name="coconut", uniform_prob=0.5)
    first = [method.sample_stage(ex, 2, example_rng(1, 4, i)) for i in range(100)]
    again = [method.sample_stage(ex, 2, example_rng(1, 4, i)) for i in reversed(range(100))]
    assert first == again[::-1]
    other_epoch = [method.sample_stage(ex, 2, example_rng(1, 5, i)) for i in range(100)]
    other_seed = [method.sample_stage(ex, 2, example_rng(2, 4, i)) for i in range(100)]
    assert first != other_epoch
    assert first != other_seed
    kept = sum(s == 2 for s in first)
    assert 40 < kept < 80  # half kept, plus the draws that land on 2 by chance


@pytest.mark.parametrize(
    "method",
    [
        build_method(name="coconut", uniform_prob=0.0),
        build_method(name="cot", uniform_prob=1.0),
        build_method(name="icot", uniform_prob=1.0),
        build_method(name="no_curriculum", uniform_prob=1.0),
    ],
)
def test_stage_is_kept_when_mixing_does_not_apply(ex, method):
    rng = random.Random(0)
    assert all(method.sample_stage(ex, 5, rng) == 5 for _ in range(50))


@pytest.mark.parametrize("name", ["pause_as_thought", "no_thought"])
def test_mixing_applies_to_step_curricula(ex, name):
    method = build_method(name=name, uniform_prob=1.0)
    drawn = {method.sample_stage(ex, 7, example_rng(0, 0, i)) for i in range(100)}
    assert drawn == {0, 1, 2, 3}
