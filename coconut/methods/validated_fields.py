"""Config fields of methods: defaults and value checks, declared once per knob.

A method's dataclass field is made with one of these helpers (or with
``dataclasses.field(metadata={"check": fn})``); ``fn(value)`` returns an error message or
``None``. The base class runs every field's check in ``__post_init__`` and the registry
runs the same check on fields a method ignores, so a bad value is refused whichever
method is picked. Knobs several methods share (``c_thought``, ``max_latent_stage``, ...)
are defined here so that they have one default and one check.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], "str | None"]


def check_field(f: dataclasses.Field, value: Any) -> None:
    """Raises ``ValueError("method <field>: ...")`` if ``value`` fails ``f``'s check."""
    check = f.metadata.get("check")
    message = check(value) if check is not None else None
    if message:
        raise ValueError(f"method {f.name}: {message}")


def integer(default: int, minimum: int | None = None) -> Any:
    """An int field (bools refused), optionally at least ``minimum``."""

    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be an int, got {value!r}"
        if minimum is not None and value < minimum:
            return f"must be >= {minimum}, got {value}"
        return None

    return dataclasses.field(default=default, metadata={"check": check})


def probability(default: float) -> Any:
    """A float field in ``[0, 1]``."""

    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"must be a number, got {value!r}"
        if not 0.0 <= value <= 1.0:
            return f"must lie in [0, 1], got {value}"
        return None

    return dataclasses.field(default=default, metadata={"check": check})


def flag(default: bool) -> Any:
    """A bool field."""
    return dataclasses.field(default=default)


# The knobs of the paper's curriculum, shared by several methods.
def c_thought() -> Any:
    """Thoughts per replaced reasoning step (the paper's ``c``)."""
    return integer(1)


def max_latent_stage() -> Any:
    """Last stage that replaces steps one at a time; ``max_latent_stage + 1`` is final."""
    return integer(6, minimum=0)


def epochs_per_stage() -> Any:
    """Epochs spent at each stage."""
    return integer(5, minimum=1)


def first_stage() -> Any:
    """Stage of epoch 0 (1 when starting from a CoT checkpoint, as for GSM8K Coconut)."""
    return integer(0, minimum=0)


def pad_latent_to_max() -> Any:
    """Past the last stage, use ``max_latent_stage * c_thought`` thoughts for every example."""
    return flag(False)


def next_step_only() -> Any:
    """Label only the next reasoning step after the thoughts while steps remain."""
    return flag(False)


def bare_latents() -> Any:
    """Thoughts without the start/end markers around them."""
    return flag(False)


def uniform_prob() -> Any:
    """Probability of building an example for a stage drawn uniformly from its steps."""
    return probability(0.0)


def icot_tokens_per_stage() -> Any:
    """Chain-of-thought tokens removed from the front per stage by iCoT."""
    return integer(8, minimum=1)


def optional_integer(default: int | None, minimum: int) -> Any:
    """An int field of at least ``minimum``, or ``None`` (bools refused)."""

    def check(value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be an int or null, got {value!r}"
        if value < minimum:
            return f"must be >= {minimum}, got {value}"
        return None

    return dataclasses.field(default=default, metadata={"check": check})


def loss_weight(default: float) -> Any:
    """The weight of one named loss component in a method's objective: a number >= 0."""

    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"must be a number, got {value!r}"
        if not value >= 0.0:  # also refuses nan
            return f"must be >= 0, got {value}"
        return None

    return dataclasses.field(default=default, metadata={"check": check})


def choice(default: str, options: tuple[str, ...]) -> Any:
    """A string field that takes one of ``options``."""

    def check(value: Any) -> str | None:
        if value not in options:
            return f"must be one of {list(options)}, got {value!r}"
        return None

    return dataclasses.field(default=default, metadata={"check": check})
