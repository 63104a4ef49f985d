"""Building the model and tokenizer a run trains, and initialising them from a checkpoint.

``model.source`` picks how: ``hub`` loads pretrained weights and tokenizer (``gpt2``);
``scratch`` trains a byte-level BPE tokenizer on the training split, saves it into the run
directory (a resumed run reloads it, so token ids never change) and builds a randomly
initialised model from ``model.arch``. Either way the continuous-thought markers are
added with :func:`coconut.model.add_latent_tokens` and the base model is wrapped in
:class:`coconut.model.Coconut`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

import hydra
from omegaconf import DictConfig
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

from coconut.model import Coconut, TokenIds, add_latent_tokens
from coconut.training.checkpointing import (
    CheckpointMismatchError,
    check_weights_match,
    lightning_state_dict,
)
from coconut.training.tokenizer import load_or_train_tokenizer

log = logging.getLogger(__name__)

SOURCES = ("hub", "scratch")
TOKENIZER_DIR = "tokenizer"


def build_tokenizer(
    model_cfg: DictConfig, train_records: Iterable[Mapping], run_dir: Path
) -> PreTrainedTokenizerBase:
    """The run's tokenizer: the hub's, or one trained on ``train_records`` (saved in the run).

    Raises:
        ValueError: for an unknown ``model.source``.
    """
    _check_source(model_cfg)
    if model_cfg.source == "hub":
        return AutoTokenizer.from_pretrained(model_cfg.pretrained)
    return load_or_train_tokenizer(
        train_records, run_dir / TOKENIZER_DIR, vocab_size=model_cfg.tokenizer_vocab_size
    )


def build_model(
    model_cfg: DictConfig, tokenizer: PreTrainedTokenizerBase, extra_tokens: Iterable[str] = ()
) -> tuple[Coconut, TokenIds]:
    """The Coconut-wrapped model for ``model_cfg``, with the marker tokens added.

    ``tokenizer`` gains the markers too if it lacks them (the hub's GPT-2 tokenizer), and
    ``extra_tokens`` (the method's ``special_tokens()``).
    """
    _check_source(model_cfg)
    if model_cfg.source == "hub":
        base = AutoModelForCausalLM.from_pretrained(model_cfg.pretrained)
    else:
        base = _scratch_model(model_cfg, tokenizer)
    ids = add_latent_tokens(
        tokenizer, base, init_token=model_cfg.get("init_token"), extra_tokens=extra_tokens
    )
    model = Coconut(
        base,
        latent_token_id=ids.latent,
        start_latent_id=ids.start_latent,
        end_latent_id=ids.end_latent,
        eos_token_id=tokenizer.eos_token_id,
    )
    return model, ids


def context_length(model: Coconut) -> int | None:
    """The base model's maximum sequence length, if its config states one."""
    config = model.base_causallm.config
    for name in ("n_positions", "max_position_embeddings"):
        value = getattr(config, name, None)
        if isinstance(value, int):
            return value
    return None


def init_weights(model: Coconut, source: str | Path) -> None:
    """Copies weights from a Coconut directory or a Lightning checkpoint into ``model``.

    Args:
        model: the freshly built model; only its weights change.
        source: a ``Coconut.save_pretrained`` / Hugging Face directory, or a ``.ckpt``
            written by ``coconut-train``.

    Raises:
        CheckpointMismatchError: if the checkpoint is missing or its keys or shapes
            differ from the model's (e.g. another architecture or vocabulary).
    """
    path = Path(source)
    expected = model.state_dict()
    if path.is_dir():
        try:
            base = AutoModelForCausalLM.from_pretrained(path)
        except (OSError, ValueError) as err:
            raise CheckpointMismatchError(f"init_from={path}: cannot load a model: {err}") from err
        found = {f"base_causallm.{k}": v for k, v in base.state_dict().items()}
    elif path.is_file():
        prefix = "model."
        found = {
            k[len(prefix) :]: v
            for k, v in lightning_state_dict(path).items()
            if k.startswith(prefix)
        }
    else:
        raise CheckpointMismatchError(f"init_from={path}: no such file or directory")
    check_weights_match(expected, found, str(path))
    model.load_state_dict(found)
    log.info("initialised weights from %s", path)


def _scratch_model(model_cfg: DictConfig, tokenizer: PreTrainedTokenizerBase) -> PreTrainedModel:
    if model_cfg.get("arch") is None:
        raise ValueError(f"model {model_cfg.get('name')}: source=scratch needs an 'arch' config")
    config = hydra.utils.instantiate(
        model_cfg.arch,
        vocab_size=len(tokenizer),
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    return AutoModelForCausalLM.from_config(config)


def _check_source(model_cfg: DictConfig) -> None:
    if model_cfg.get("source") not in SOURCES:
        raise ValueError(
            f"model {model_cfg.get('name')}: source must be one of {SOURCES}, "
            f"got {model_cfg.get('source')!r}"
        )
