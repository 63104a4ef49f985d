"""What a run trains: the whole model, or LoRA adapters plus the new token rows (``peft``).

The memory/reason recipe (arXiv 2411.13504) fine-tunes LoRA adapters and the embedding
rows of the tokens it adds, nothing else. With ``mode="lora"`` the base model is wrapped
by ``peft.get_peft_model`` with a ``LoraConfig`` whose ``trainable_token_indices`` names
the new rows: ``peft`` trains a delta for those rows only (tied output embeddings
included), so every other embedding row stays bit-identical. ``mode="full"`` trains
every parameter.

Saving an adapted model writes the adapter and the new rows with ``peft``'s
``save_pretrained`` into ``adapter/``, the frozen base into ``base/`` unless it comes
from the hub (``base_name``), and ``adapter_meta.json`` with the marker ids and settings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from peft import LoraConfig, PeftModel, get_peft_model
from transformers import AutoModelForCausalLM, PreTrainedModel

from coconut.atomic import atomic_write_json

MODES = ("full", "lora")
DEFAULT_TARGETS: dict[str, tuple[str, ...]] = {
    "gpt2": ("c_attn", "c_proj", "c_fc"),
    "llama": ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
}
"""LoRA target modules per ``config.model_type`` when the config names none."""
META_NAME = "adapter_meta.json"


@dataclass(frozen=True)
class AdapterConfig:
    """How a run adapts the base model (the Hydra ``adapter`` node).

    Attributes:
        mode: ``full`` (every parameter) or ``lora`` (adapters + new token rows).
        r: LoRA rank.
        alpha: LoRA scaling numerator (``lora_alpha``).
        dropout: LoRA dropout.
        target_modules: module names to adapt; None picks :data:`DEFAULT_TARGETS` by
            the model type.
    """

    mode: str = "full"
    r: int = 8
    alpha: int = 16
    dropout: float = 0.0
    target_modules: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"adapter mode: must be one of {MODES}, got {self.mode!r}")
        if self.r < 1:
            raise ValueError(f"adapter r: must be >= 1, got {self.r}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"adapter dropout: must lie in [0, 1), got {self.dropout}")
        if self.target_modules is not None:
            object.__setattr__(self, "target_modules", tuple(self.target_modules))

    @classmethod
    def from_mapping(cls, node: Mapping[str, Any] | None) -> AdapterConfig:
        """From the ``adapter`` config node (None: full fine-tuning).

        Raises:
            ValueError: naming an unknown key.
        """
        node = dict(node or {})
        unknown = sorted(set(node) - set(cls.__dataclass_fields__))
        if unknown:
            raise ValueError(
                f"adapter: unknown keys {unknown}; known {sorted(cls.__dataclass_fields__)}"
            )
        return cls(**node)


def module_names(model: PreTrainedModel) -> list[str]:
    """The distinct last components of the model's module names (what LoRA can target)."""
    return sorted({name.rsplit(".", 1)[-1] for name, _ in model.named_modules() if name})


def target_modules(model: PreTrainedModel, config: AdapterConfig) -> tuple[str, ...]:
    """The LoRA targets: the configured ones, else the default of the model type.

    Raises:
        ValueError: for a target the model lacks (listing the modules it has), or a model
            type without a default.
    """
    targets = config.target_modules
    if targets is None:
        kind = model.config.model_type
        if kind not in DEFAULT_TARGETS:
            raise ValueError(
                f"adapter target_modules: no default for model type {kind!r} (defaults for "
                f"{sorted(DEFAULT_TARGETS)}); set them, e.g. from {module_names(model)}"
            )
        targets = DEFAULT_TARGETS[kind]
    have = set(module_names(model))
    missing = [t for t in targets if t not in have]
    if missing:
        raise ValueError(
            f"adapter target_modules: the model has no modules {missing}; "
            f"its modules are {sorted(have)}"
        )
    return tuple(targets)


def apply_adapter(
    model: PreTrainedModel, config: AdapterConfig, new_token_ids: Sequence[int]
) -> PreTrainedModel | PeftModel:
    """Wraps ``model`` for training as ``config`` says.

    Args:
        model: the base causal LM, already resized for the new tokens.
        config: the adapter settings.
        new_token_ids: rows of the added tokens, trained alongside the adapters.

    Returns:
        ``model`` itself (``full``) or a ``PeftModel`` whose only trainable parameters
        are the LoRA matrices and the new rows' delta.
    """
    if config.mode == "full":
        return model
    embedding = _embedding_name(model)
    lora = LoraConfig(
        r=config.r,
        lora_alpha=config.alpha,
        lora_dropout=config.dropout,
        target_modules=list(target_modules(model, config)),
        trainable_token_indices={embedding: sorted(set(int(i) for i in new_token_ids))}
        if new_token_ids
        else None,
        fan_in_fan_out=model.config.model_type == "gpt2",
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, lora)


def _embedding_name(model: PreTrainedModel) -> str:
    target = model.get_input_embeddings()
    for name, module in model.named_modules():
        if module is target:
            return name.rsplit(".", 1)[-1]
    raise ValueError(f"{type(model).__name__}: cannot find its input embedding module")


@dataclass(frozen=True)
class AdapterMeta:
    """What ``adapter_meta.json`` records next to a saved adapter."""

    adapter: dict[str, Any]
    marker_ids: dict[str, int]
    new_token_ids: list[int] = field(default_factory=list)
    base_name: str | None = None


def save_adapted(
    model: PeftModel,
    directory: str | Path,
    meta: AdapterMeta,
    tokenizer: Any = None,
) -> None:
    """Writes ``adapter/`` (peft), ``base/`` (unless ``meta.base_name``) and the metadata."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory / "adapter", safe_serialization=True)
    if meta.base_name is None:
        base_model(model).save_pretrained(directory / "base", safe_serialization=True)
    if tokenizer is not None:
        tokenizer.save_pretrained(directory / "tokenizer")
    atomic_write_json(directory / META_NAME, asdict(meta))


def base_model(model: PeftModel) -> PreTrainedModel:
    """A fresh copy of the frozen base of ``model``, without adapters or row deltas."""
    inner = model.get_base_model()
    state = {
        _strip_wrappers(k): v
        for k, v in inner.state_dict().items()
        if "lora_" not in k and "trainable_tokens_delta" not in k
    }
    fresh = AutoModelForCausalLM.from_config(inner.config)
    fresh.load_state_dict(state, strict=True)
    return fresh


def _strip_wrappers(key: str) -> str:
    return key.replace(".token_adapter.base_layer.", ".").replace(".base_layer.", ".")


def load_adapted(directory: str | Path) -> tuple[PeftModel, AdapterMeta]:
    """Rebuilds a model written by :func:`save_adapted` (base, then adapter and rows).

    Raises:
        FileNotFoundError: if the directory lacks the metadata.
    """
    directory = Path(directory)
    meta_path = directory / META_NAME
    if not meta_path.is_file():
        raise FileNotFoundError(f"{meta_path} not found: not a saved adapter directory")
    meta = AdapterMeta(**json.loads(meta_path.read_text()))
    base = AutoModelForCausalLM.from_pretrained(meta.base_name or directory / "base")
    model = PeftModel.from_pretrained(base, directory / "adapter")
    return model, meta
