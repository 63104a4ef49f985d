"""What a run folder's ``config.yaml`` may name: the allow-list of ``_target_`` values.

A run folder is data, not code. Researchers share run folders, and the tools that read
one (``coconut-eval``, ``coconut-probe``, ``coconut-search``, ``coconut-compare``) rebuild
parts of the run from its ``config.yaml`` (the model's architecture, the data generator or
loader). Hydra's ``_target_`` names any callable, so a config edited to name
``torch.load`` or a file writer would run it. :func:`check_run_targets` refuses such a
config before anything is built: every ``_target_`` in it must be one of

- Lightning's ``Trainer`` and its strategies (``lightning.pytorch.strategies.*``),
- a ``transformers`` model config class (``transformers.GPT2Config``, ...),
- one of the package's own data generators and loaders (:data:`PACKAGE_TARGETS`),

named literally (an interpolation such as ``${oc.env:X}`` is refused too). The keys only
training builds (:data:`TRAINING_ONLY`: the optimizer and the loggers) are never built by
the readers, so they keep the freedom of the config the user composed. Training itself
(``coconut-train`` from a config the user composed) is not checked: that config is the
user's own code. ``docs/trust.md`` tells users what is safe to open.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

TRAINING_ONLY = ("optimizer", "logger")
"""Top-level keys that only ``coconut-train`` instantiates (never a reader of a run)."""

PACKAGE_TARGETS = frozenset(
    {
        "coconut.data.generate_prontoqa",
        "coconut.data.generate_prosqa",
        "coconut.data.prontoqa.generate_prontoqa",
        "coconut.data.prosqa.generate_prosqa",
        "coconut.data.symbolic.generate_prosqa_symbolic",
        "coconut.data.memory_reason.load_memory_reason",
    }
)
"""The package's data generators and loaders a data config may name."""

LIGHTNING_TRAINERS = frozenset(
    {"lightning.pytorch.Trainer", "lightning.Trainer", "pytorch_lightning.Trainer"}
)

# (module, base class) of the families allowed by class: "<module>.<Name>" where Name is
# a subclass of the base.
_FAMILIES = (
    ("transformers", "transformers.PretrainedConfig"),
    ("lightning.pytorch.strategies", "lightning.pytorch.strategies.Strategy"),
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class UntrustedConfigError(ValueError):
    """A run folder's config names something the readers of a run never build."""


def is_allowed_target(target: object) -> bool:
    """Whether a reader of a run may instantiate ``target`` (a ``_target_`` value)."""
    if not isinstance(target, str) or "${" in target:
        return False
    if target in PACKAGE_TARGETS or target in LIGHTNING_TRAINERS:
        return True
    module, _, name = target.rpartition(".")
    return any(
        module == family and _NAME.fullmatch(name) is not None and _subclass(module, name, base)
        for family, base in _FAMILIES
    )


def check_run_targets(config: Any, source: str | Path) -> None:
    """Refuses a run's config that names a ``_target_`` outside the allow-list.

    Args:
        config: the run's config (a ``DictConfig`` or plain containers), unresolved.
        source: the file it came from, for the message.

    Raises:
        UntrustedConfigError: naming the file, the key and the value.
    """
    for key, target in iter_targets(_plain(config)):
        if key.split(".", 1)[0] in TRAINING_ONLY:
            continue
        if not is_allowed_target(target):
            raise UntrustedConfigError(
                f"{source}: {key}={target!r} is not something a run folder may name; a run "
                "folder is data, not code, so its config may only name Lightning's Trainer, "
                "a transformers model config or the package's own data generators and "
                "loaders (see docs/trust.md). Nothing was built or written"
            )


def iter_targets(node: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """``(dotted key, value)`` of every ``_target_`` in ``node``, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            dotted = f"{prefix}.{key}" if prefix else str(key)
            if key == "_target_":
                yield dotted, value
            else:
                yield from iter_targets(value, dotted)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from iter_targets(value, f"{prefix}[{i}]")


def _plain(config: Any) -> Any:
    """Plain dicts and lists of ``config``, interpolations left as written."""
    from omegaconf import DictConfig, ListConfig, OmegaConf

    if isinstance(config, (DictConfig, ListConfig)):
        return OmegaConf.to_container(config, resolve=False)
    return config


def _subclass(module: str, name: str, base: str) -> bool:
    """Whether ``module.name`` is a class deriving from ``base`` (no module is imported
    beyond the two families' own packages)."""
    try:
        found = getattr(importlib.import_module(module), name, None)
        base_module, _, base_name = base.rpartition(".")
        base_class = getattr(importlib.import_module(base_module), base_name)
    except (ImportError, AttributeError):
        return False
    return isinstance(found, type) and issubclass(found, base_class)
