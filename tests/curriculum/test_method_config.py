"""MethodConfig: validation messages and derived properties."""

import pytest

from coconut.curriculum import METHODS, MethodConfig


def test_methods_are_the_eight_table_rows():
    assert set(METHODS) == {
        "cot",
        "no_cot",
        "coconut",
        "icot",
        "pause_token",
        "pause_as_thought",
        "no_curriculum",
        "no_thought",
    }
    assert len(METHODS) == 8


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "coconut", "c_thought": 0}, "c_thought"),
        ({"name": "no_curriculum", "c_thought": -1}, "c_thought"),
        ({"name": "pause_as_thought", "c_thought": 0}, "c_thought"),
        ({"name": "pause_token", "c_thought": 0}, "c_thought"),
        ({"name": "coconut", "max_latent_stage": -1}, "max_latent_stage"),
        ({"name": "cot", "max_latent_stage": -1}, "max_latent_stage"),
        ({"name": "coconut", "epochs_per_stage": 0}, "epochs_per_stage"),
        ({"name": "icot", "icot_tokens_per_stage": 0}, "icot_tokens_per_stage"),
        ({"name": "coconut", "uniform_prob": 1.5}, "uniform_prob"),
        ({"name": "coconut", "uniform_prob": -0.1}, "uniform_prob"),
        ({"name": "coconut", "c_thought": 1.5}, "c_thought"),
        ({"name": "coconut", "max_latent_stage": True}, "max_latent_stage"),
    ],
)
def test_bad_values_name_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        MethodConfig(**kwargs)


def test_unknown_method_lists_valid_ones():
    with pytest.raises(ValueError, match="unknown method 'latent'") as err:
        MethodConfig(name="latent")
    for name in METHODS:
        assert name in str(err.value)


@pytest.mark.parametrize("name", ["cot", "no_cot", "icot", "no_thought"])
def test_c_thought_is_free_for_methods_without_thought_tokens(name):
    assert MethodConfig(name=name, c_thought=0).c_thought == 0


@pytest.mark.parametrize(
    ("name", "uses_latents", "num_stages"),
    [
        ("cot", False, 1),
        ("no_cot", False, 1),
        ("pause_token", False, 1),
        ("no_curriculum", True, 1),
        ("coconut", True, 5),
        ("pause_as_thought", False, 5),
        ("no_thought", False, 5),
        ("icot", False, 5),
    ],
)
def test_properties(name, uses_latents, num_stages):
    method = MethodConfig(name=name, max_latent_stage=3)
    assert method.uses_latents is uses_latents
    assert method.num_stages == num_stages
    assert method.final_stage == 4


def test_ignored_fields_lists_settings_the_method_does_not_read():
    cot = MethodConfig(name="cot", c_thought=2, pad_latent_to_max=True, uniform_prob=0.1)
    assert cot.ignored_fields == ("c_thought", "pad_latent_to_max", "uniform_prob")
    coconut = MethodConfig(name="coconut", c_thought=2, pad_latent_to_max=True, uniform_prob=0.1)
    assert coconut.ignored_fields == ()
    assert MethodConfig(name="icot", c_thought=3).ignored_fields == ("c_thought",)


def test_config_is_frozen():
    method = MethodConfig(name="coconut")
    with pytest.raises(AttributeError):
        method.c_thought = 3
