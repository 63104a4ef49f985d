"""The training methods of the paper's Table 1 and their configuration.

One :class:`MethodConfig` names a method and carries every curriculum knob; each method
reads the knobs it needs and ignores the rest (so an experiment preset can set
``pad_latent_to_max`` once and still be swept over ``method=cot,coconut``). Values that
are invalid in themselves fail in ``__post_init__`` with a ``ValueError`` naming the field.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields

from coconut.curriculum.tagged import PLACEMENTS, TagSettings

log = logging.getLogger(__name__)

METHODS: tuple[str, ...] = (
    "cot",
    "no_cot",
    "coconut",
    "icot",
    "pause_token",
    "pause_as_thought",
    "no_curriculum",
    "no_thought",
)
"""One method per row of the paper's Table 1."""

MEMORY_REASON_METHODS: tuple[str, ...] = (
    "memory_reason",
    "memory_reason_shuffled",
    "memory_reason_untyped",
    "planning_tokens",
    "memory_latent",
)
"""The memory/reason methods (arXiv 2411.13504, see :mod:`coconut.curriculum.tagged`),
their ablations and baseline, and the memory_latent hybrid."""

ALL_METHODS: tuple[str, ...] = METHODS + MEMORY_REASON_METHODS

TAGGED_METHODS = frozenset(
    {"memory_reason", "memory_reason_shuffled", "memory_reason_untyped", "planning_tokens"}
)
"""Methods that put learned type tokens around steps."""

KIND_METHODS = TAGGED_METHODS - {"planning_tokens"} | {"memory_latent"}
"""Methods that need every step tagged memory or reason (``step_kinds``)."""

LATENT_METHODS = frozenset({"coconut", "no_curriculum", "memory_latent"})
"""Methods that feed hidden states back through ``<|latent|>`` tokens."""

THOUGHT_METHODS = frozenset(
    {"coconut", "no_curriculum", "pause_as_thought", "pause_token", "memory_latent"}
)
"""Methods whose layout holds ``c_thought`` thought tokens (latent or pause) per stage."""

STAGED_METHODS = frozenset({"coconut", "pause_as_thought", "no_thought", "icot", "memory_latent"})
"""Methods whose layout changes with the stage ``epoch // epochs_per_stage``."""

STEP_CURRICULUM_METHODS = frozenset({"coconut", "pause_as_thought", "no_thought"})
"""Methods that drop whole reasoning steps per stage (and so can mix stages)."""

_SCHEDULE = frozenset({"max_latent_stage", "epochs_per_stage", "first_stage"})
_STEP_THOUGHTS = _SCHEDULE | {"c_thought", "pad_latent_to_max", "uniform_prob"}
_USED_FIELDS: dict[str, frozenset[str]] = {
    "cot": frozenset(),
    "no_cot": frozenset(),
    "coconut": _STEP_THOUGHTS,
    "icot": _SCHEDULE | {"icot_tokens_per_stage"},
    "pause_token": frozenset({"c_thought", "max_latent_stage"}),
    "pause_as_thought": _STEP_THOUGHTS,
    "no_curriculum": frozenset({"c_thought", "max_latent_stage", "pad_latent_to_max"}),
    "no_thought": _SCHEDULE | {"uniform_prob"},
    "memory_reason": frozenset({"n_prefix", "n_special", "tag_placement"}),
    "memory_reason_shuffled": frozenset({"n_prefix", "n_special", "tag_placement", "shuffle_seed"}),
    "memory_reason_untyped": frozenset({"n_prefix", "tag_placement"}),
    "planning_tokens": frozenset({"n_prefix", "n_special", "tag_placement"}),
    "memory_latent": _SCHEDULE | {"c_thought"},
}
_ALWAYS_USED = frozenset({"name", "reset_optimizer_on_stage"})


@dataclass(frozen=True)
class MethodConfig:
    """A training method and its curriculum hyperparameters.

    Attributes:
        name: one of :data:`ALL_METHODS`.
        c_thought: thoughts per replaced reasoning step (the paper's ``c``); must be >= 1
            for methods with thought tokens (coconut, no_curriculum, pause_as_thought,
            pause_token).
        max_latent_stage: last stage that replaces steps one at a time (the paper's
            ``max_latent_stage``); stage ``max_latent_stage + 1`` drops every language step.
        epochs_per_stage: epochs spent at each stage of a staged method.
        pad_latent_to_max: past the last stage, use ``max_latent_stage * c_thought``
            thoughts for every example instead of ``min(steps, max_latent_stage) * c_thought``.
        uniform_prob: probability of building a training example for a stage drawn
            uniformly from ``0..len(steps)`` instead of the scheduled one (coconut,
            pause_as_thought, no_thought).
        icot_tokens_per_stage: chain-of-thought tokens removed from the front per stage
            by ``icot``.
        reset_optimizer_on_stage: build a fresh optimizer whenever the stage changes.
        first_stage: stage of epoch 0 for staged methods; 1 when training starts from a
            CoT checkpoint, whose own training was stage 0 (the paper's GSM8K Coconut).
        n_prefix: shared prefix tokens after the question (memory/reason methods).
        n_special: type tokens per step and before the answer (memory_reason,
            memory_reason_shuffled, planning_tokens); >= 0.
        tag_placement: ``before`` or ``after`` each step.
        shuffle_seed: seed of the per-example permutation of memory_reason_shuffled.
    """

    name: str
    c_thought: int = 1
    max_latent_stage: int = 6
    epochs_per_stage: int = 5
    pad_latent_to_max: bool = False
    uniform_prob: float = 0.0
    icot_tokens_per_stage: int = 8
    reset_optimizer_on_stage: bool = True
    first_stage: int = 0
    n_prefix: int = 1
    n_special: int = 4
    tag_placement: str = "before"
    shuffle_seed: int = 0

    def __post_init__(self) -> None:
        if self.name not in ALL_METHODS:
            raise ValueError(
                f"method name: unknown method {self.name!r}; expected one of {ALL_METHODS}"
            )
        for field in (
            "c_thought", "max_latent_stage", "epochs_per_stage", "icot_tokens_per_stage",
            "first_stage", "n_prefix", "n_special", "shuffle_seed",
        ):  # fmt: skip
            _check_int(field, getattr(self, field))
        if self.name in THOUGHT_METHODS and self.c_thought < 1:
            raise ValueError(
                f"method c_thought: must be >= 1 for {self.name}, got {self.c_thought}"
            )
        if self.max_latent_stage < 0:
            raise ValueError(f"method max_latent_stage: must be >= 0, got {self.max_latent_stage}")
        if self.epochs_per_stage < 1:
            raise ValueError(f"method epochs_per_stage: must be >= 1, got {self.epochs_per_stage}")
        if self.icot_tokens_per_stage < 1:
            raise ValueError(
                f"method icot_tokens_per_stage: must be >= 1, got {self.icot_tokens_per_stage}"
            )
        if not 0 <= self.first_stage <= self.final_stage:
            raise ValueError(
                f"method first_stage: must lie in [0, {self.final_stage}], got {self.first_stage}"
            )
        if not 0.0 <= self.uniform_prob <= 1.0:
            raise ValueError(f"method uniform_prob: must lie in [0, 1], got {self.uniform_prob}")
        for field in ("n_prefix", "n_special"):
            if getattr(self, field) < 0:
                raise ValueError(f"method {field}: must be >= 0, got {getattr(self, field)}")
        if self.tag_placement not in PLACEMENTS:
            raise ValueError(
                f"method tag_placement: must be one of {PLACEMENTS}, got {self.tag_placement!r}"
            )
        ignored = self.ignored_fields
        if ignored:
            log.info("method %s ignores the settings %s", self.name, ", ".join(ignored))

    @property
    def uses_latents(self) -> bool:
        """Whether the layout holds ``<|latent|>`` tokens (needs the Coconut wrapper)."""
        return self.name in LATENT_METHODS

    @property
    def needs_kinds(self) -> bool:
        """Whether every example must carry ``step_kinds``."""
        return self.name in KIND_METHODS

    def tag_settings(self) -> TagSettings | None:
        """The tagging of a memory/reason-style method; None for the others."""
        if self.name not in TAGGED_METHODS:
            return None
        return TagSettings(
            n_prefix=self.n_prefix,
            n_special=0 if self.name == "memory_reason_untyped" else self.n_special,
            placement=self.tag_placement,
            typed=self.name != "planning_tokens",
            shuffle_seed=self.shuffle_seed if self.name == "memory_reason_shuffled" else None,
        )

    def special_tokens(self) -> tuple[str, ...]:
        """Tokens this method adds to the tokenizer and embeddings (beyond the markers)."""
        settings = self.tag_settings()
        return () if settings is None else settings.tokens()

    @property
    def is_staged(self) -> bool:
        """Whether the layout changes with the epoch."""
        return self.name in STAGED_METHODS

    @property
    def num_stages(self) -> int:
        """Number of stages with distinct layouts the schedule goes through."""
        return self.max_latent_stage + 2 if self.is_staged else 1

    @property
    def final_stage(self) -> int:
        """The stage past ``max_latent_stage`` where no language step remains."""
        return self.max_latent_stage + 1

    @property
    def ignored_fields(self) -> tuple[str, ...]:
        """Fields set away from their defaults that this method does not read."""
        used = _USED_FIELDS[self.name] | _ALWAYS_USED
        return tuple(
            f.name
            for f in fields(self)
            if f.name not in used and getattr(self, f.name) != f.default
        )


def _check_int(field: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"method {field}: must be an int, got {value!r}")
