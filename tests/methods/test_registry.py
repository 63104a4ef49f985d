"""The method registry: validation messages, derived properties, typos, registration.

Moved from ``tests/curriculum/test_method_config.py`` (``MethodConfig(...)`` became
``build_method(...)``); the assertions are the same except where noted.
"""

import dataclasses
import logging
from dataclasses import dataclass
from typing import ClassVar

import pytest

from coconut.methods import (
    TABLE1_METHODS,
    Layout,
    Method,
    build_method,
    get_method_class,
    ignored_fields,
    method_names,
    register,
)
from coconut.methods import registry as registry_module


def test_methods_are_the_eight_table_rows():
    assert set(TABLE1_METHODS) == {
        "cot",
        "no_cot",
        "coconut",
        "icot",
        "pause_token",
        "pause_as_thought",
        "no_curriculum",
        "no_thought",
    }
    assert len(TABLE1_METHODS) == 8
    assert set(TABLE1_METHODS) <= set(method_names())  # other methods may be registered


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
        ({"name": "coconut", "max_latent_stage": 3, "first_stage": 5}, "first_stage"),
    ],
)
def test_bad_values_name_the_field(kwargs, field):
    with pytest.raises(ValueError, match=f"method {field}"):
        build_method(**kwargs)


def test_unknown_method_lists_registered_ones():
    with pytest.raises(ValueError, match="unknown method 'latent'") as err:
        build_method(name="latent")
    for name in method_names():
        assert name in str(err.value)
    with pytest.raises(ValueError, match="unknown method 'latent'"):
        get_method_class("latent")


def test_missing_name_is_refused():
    with pytest.raises(ValueError, match="method name: missing"):
        build_method({"c_thought": 1})


def test_a_field_no_method_declares_is_a_typo_named_in_the_error():
    with pytest.raises(ValueError, match=r"method: unknown field 'c_thougth' .*no method reads"):
        build_method({"name": "coconut", "c_thougth": 2})


def test_a_field_of_another_method_is_ignored_with_a_log_line(caplog):
    with caplog.at_level(logging.INFO, logger="coconut.methods.registry"):
        method = build_method({"name": "cot", "c_thought": 2, "icot_tokens_per_stage": 8})
    assert method == build_method(name="cot")
    assert "method cot ignores the settings c_thought" in caplog.text


@pytest.mark.parametrize("name", ["cot", "no_cot", "icot", "no_thought"])
def test_c_thought_is_free_for_methods_without_thought_tokens(name):
    # was: MethodConfig(name=name, c_thought=0).c_thought == 0; these methods have no
    # c_thought field now, so the value is accepted and reported as ignored.
    build_method(name=name, c_thought=0)
    assert ignored_fields({"name": name, "c_thought": 0}) == ("c_thought",)


@pytest.mark.parametrize(
    ("name", "uses_latents", "num_stages", "final_stage"),
    [
        ("cot", False, 1, 0),
        ("no_cot", False, 1, 0),
        ("pause_token", False, 1, 0),
        ("no_curriculum", True, 1, 4),
        ("coconut", True, 5, 4),
        ("pause_as_thought", False, 5, 4),
        ("no_thought", False, 5, 4),
        ("icot", False, 5, 4),
    ],
)
def test_properties(name, uses_latents, num_stages, final_stage):
    # final_stage is now the last scheduled stage (stages()[-1]); it was
    # max_latent_stage + 1 for every method, also the single-stage cot, no_cot, pause_token.
    method = build_method(name=name, max_latent_stage=3)
    assert method.uses_latents is uses_latents
    assert method.num_stages == num_stages
    assert method.final_stage == final_stage == method.stages()[-1]


@pytest.mark.parametrize(
    ("name", "latents_per_stage", "latent_steps", "max_replaced_steps"),
    [
        ("cot", 1, None, None),
        ("no_cot", 1, None, None),
        ("pause_token", 2, None, None),
        ("no_curriculum", 2, None, None),
        ("coconut", 2, None, 3),
        ("pause_as_thought", 2, None, 3),
        ("no_thought", 1, None, 3),
        ("icot", 1, None, 3),
        ("memory_latent", 2, 2, 3),
        ("memory_reason", 1, None, None),
    ],
)
def test_what_training_asks_of_a_method(name, latents_per_stage, latent_steps, max_replaced_steps):
    method = build_method(name=name, max_latent_stage=3, c_thought=2)
    assert method.latents_per_stage == latents_per_stage
    assert method.latent_steps == latent_steps
    assert method.max_replaced_steps == max_replaced_steps


def test_ignored_fields_lists_settings_the_method_does_not_read():
    config = {"c_thought": 2, "pad_latent_to_max": True, "uniform_prob": 0.1}
    cot = {"name": "cot", **config}
    assert ignored_fields(cot) == ("c_thought", "pad_latent_to_max", "uniform_prob")
    assert ignored_fields({"name": "coconut", **config}) == ()
    assert ignored_fields({"name": "icot", "c_thought": 3}) == ("c_thought",)
    assert ignored_fields({"name": "icot", "c_thought": 1}) == ()  # the default


def test_config_is_frozen():
    method = build_method(name="coconut")
    with pytest.raises(AttributeError):
        method.c_thought = 3


def test_each_method_declares_exactly_the_fields_it_reads():
    declared = {
        name: {f.name for f in dataclasses.fields(get_method_class(name))}
        for name in TABLE1_METHODS
    }
    schedule = {"max_latent_stage", "epochs_per_stage", "first_stage"}
    common = {"reset_optimizer_on_stage"}
    assert declared["cot"] == declared["no_cot"] == common
    assert declared["pause_as_thought"] == common | schedule | {
        "c_thought", "pad_latent_to_max", "uniform_prob"
    }  # fmt: skip
    assert declared["coconut"] == declared["pause_as_thought"] | {"next_step_only", "bare_latents"}
    assert declared["no_thought"] == common | schedule | {"uniform_prob"}
    assert declared["icot"] == common | schedule | {"icot_tokens_per_stage"}
    assert declared["pause_token"] == common | {"c_thought", "max_latent_stage"}
    assert declared["no_curriculum"] == common | {
        "c_thought", "max_latent_stage", "pad_latent_to_max"
    }  # fmt: skip


def test_a_new_method_is_one_registered_class(monkeypatch, ids, ex):
    monkeypatch.setattr(registry_module, "_REGISTRY", dict(registry_module._REGISTRY))

    @register
    @dataclass(frozen=True, kw_only=True)
    class Echo(Method):
        name: ClassVar[str] = "echo"
        repeats: int = 2

        def layout(self, ex, stage, ids):
            return Layout(list(ex.question) * self.repeats, list(ex.answer), 0)

        def special_tokens(self):
            return ("<|echo|>",)

    method = build_method({"name": "echo", "repeats": 3})
    assert "echo" in method_names()
    assert method.layout(ex, 0, ids).prompt == ex.question * 3
    assert method.stages() == (0,) and method.special_tokens() == ("<|echo|>",)
    # its field is known now: another method ignores it instead of calling it a typo
    assert build_method({"name": "cot", "repeats": 3}) == build_method(name="cot")


def test_registering_twice_under_one_name_is_refused(monkeypatch):
    monkeypatch.setattr(registry_module, "_REGISTRY", dict(registry_module._REGISTRY))

    @dataclass(frozen=True, kw_only=True)
    class Other(Method):
        name: ClassVar[str] = "cot"

    with pytest.raises(ValueError, match="already registered"):
        register(Other)
