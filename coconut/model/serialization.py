"""Saving and loading ``Coconut`` models: HF directories and the reference's state dicts.

A saved directory is a normal Hugging Face model directory (``config.json``,
``model.safetensors``, optionally the tokenizer files) plus ``coconut.json`` with the
marker token ids, so the base model also loads alone with ``from_pretrained``. A model
whose base is a ``peft`` LoRA model is written by :func:`coconut.model.adapters.save_adapted`
instead (``adapter/``, ``base/``, ``adapter_meta.json``) and loaded back the same way.
A model with a thought projection (:mod:`coconut.model.projection`) records its spec in
``coconut.json`` (key ``thought_projection``, absent otherwise) and its weights in
``thought_projection.safetensors``.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import torch
from peft import PeftModel
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import AutoModelForCausalLM

from coconut.atomic import atomic_directory, recover_directory
from coconut.model.adapters import META_NAME, AdapterMeta, load_adapted, save_adapted
from coconut.model.backbone import LatentModel
from coconut.model.projection import WEIGHTS_NAME

M = TypeVar("M", bound=LatentModel)

CONFIG_NAME = "coconut.json"
_ID_FIELDS = ("latent_token_id", "start_latent_id", "end_latent_id", "eos_token_id")


def save_coconut(model: LatentModel, directory: str | Path, tokenizer=None) -> None:
    """Writes the model into ``directory`` atomically: a crash leaves the old one intact
    and the directory never goes missing (:func:`coconut.atomic.atomic_directory`)."""
    with atomic_directory(directory) as staging:
        if isinstance(model.base_causallm, PeftModel):
            save_adapted(model.base_causallm, staging, adapter_meta(model))
        else:
            model.base_causallm.save_pretrained(staging, safe_serialization=True)
        if tokenizer is not None:
            tokenizer.save_pretrained(staging)
        ids = {name: getattr(model, name) for name in _ID_FIELDS}
        ids["latent_markers"] = model.latent_markers
        projection = getattr(model, "thought_projection", None)
        if projection is not None:
            ids["thought_projection"] = model.thought_projection_spec
            save_file(_contiguous(projection.state_dict()), staging / WEIGHTS_NAME)
        (staging / CONFIG_NAME).write_text(json.dumps(ids, indent=2) + "\n")


def load_coconut(cls: Callable[..., M], directory: str | Path, **hf_kwargs) -> M:
    """Loads a directory written by ``save_coconut``; ``cls`` is called as ``Coconut`` is."""
    directory = Path(directory)
    recover_directory(directory)
    config_path = directory / CONFIG_NAME
    if not config_path.is_file():
        raise FileNotFoundError(f"{config_path} not found: not a Coconut model directory")
    ids = json.loads(config_path.read_text())
    missing = [name for name in _ID_FIELDS if not isinstance(ids.get(name), int)]
    if missing:
        raise ValueError(f"{config_path}: missing or non-integer fields {missing}")
    if (directory / META_NAME).is_file():
        base, _ = load_adapted(directory)
    else:
        base = load_base_model(directory, **hf_kwargs)
    markers = ids.get("latent_markers", True)  # absent in directories saved before it
    if not isinstance(markers, bool):
        raise ValueError(f"{config_path}: latent_markers must be true or false, got {markers!r}")
    spec = ids.get("thought_projection")
    model = cls(
        base,
        **{name: ids[name] for name in _ID_FIELDS},
        latent_markers=markers,
        **({} if spec is None else {"thought_projection": spec}),
    )
    if spec is not None:
        weights = directory / WEIGHTS_NAME
        if not weights.is_file():
            raise FileNotFoundError(
                f"{weights} not found: {config_path} names a thought projection"
            )
        model.thought_projection.load_state_dict(load_file(weights))
    return model


def _contiguous(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {key: value.detach().contiguous() for key, value in state.items()}


class PickledWeightsError(ValueError):
    """Weights stored as a pickle that holds more than tensors: loading would run code."""


def load_base_model(directory: str | Path, **hf_kwargs) -> nn.Module:
    """``AutoModelForCausalLM.from_pretrained(directory)``, where pickled weights that hold
    anything but tensors are refused in one line naming the file (torch loads them with
    ``weights_only=True``, so nothing of them runs).

    Raises:
        PickledWeightsError: naming the directory and its pickle files.
    """
    try:
        return AutoModelForCausalLM.from_pretrained(directory, **hf_kwargs)
    except pickle.UnpicklingError as err:
        files = sorted(p.name for p in Path(directory).glob("*.bin")) or ["its weights"]
        raise PickledWeightsError(
            f"{directory}: refused {', '.join(files)}: a pickle holding more than tensors, which "
            "would run code if loaded; coconut loads safetensors, or pickles of tensors only. "
            "Convert it to model.safetensors from a copy you trust"
        ) from err


def adapter_meta(model: LatentModel) -> AdapterMeta:
    """The metadata saved with an adapted model: its LoRA settings and marker ids."""
    peft_config = model.base_causallm.peft_config["default"]
    indices = peft_config.trainable_token_indices or {}
    return AdapterMeta(
        adapter={
            "r": peft_config.r,
            "alpha": peft_config.lora_alpha,
            "target_modules": sorted(peft_config.target_modules),
        },
        marker_ids={name: getattr(model, name) for name in _ID_FIELDS},
        new_token_ids=sorted(i for ids in indices.values() for i in ids),
    )


def load_reference_state_dict(model: nn.Module, state_dict: dict[str, torch.Tensor]) -> None:
    """Loads the paper code's ``state_dict`` (``base_causallm.*`` plus a duplicate
    ``embedding.weight``); raises ``ValueError`` naming the keys that do not fit."""
    state = dict(state_dict)
    state.pop("embedding.weight", None)
    expected = model.state_dict()
    tied = {k for k in expected if k.endswith("lm_head.weight")} - set(state)
    missing = sorted(set(expected) - set(state) - tied)
    unexpected = sorted(set(state) - set(expected))
    wrong = sorted(k for k in state if k in expected and state[k].shape != expected[k].shape)
    if missing or unexpected or wrong:
        raise ValueError(
            "state dict does not match the model: "
            f"missing {missing[:5]}, unexpected {unexpected[:5]}, wrong shape {wrong[:5]}"
        )
    model.load_state_dict(state, strict=False)


def load_reference_checkpoint(model: nn.Module, path: str | Path) -> None:
    """Reads a reference checkpoint file with ``weights_only=True`` and loads it."""
    state = torch.load(path, map_location="cpu", weights_only=True)
    load_reference_state_dict(model, state)
