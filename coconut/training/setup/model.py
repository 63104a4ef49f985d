"""Building the model and tokenizer a run trains, and initialising them from a checkpoint.

``model.source`` picks how: ``hub`` loads pretrained weights and tokenizer (``gpt2``);
``scratch`` builds a tokenizer from the training split (``model.tokenizer``: ``bpe``, a
byte-level BPE of ``tokenizer_vocab_size`` tokens; ``word``, the word-level tokenizer of
:mod:`coconut.tokenizers.word` for the synthetic tasks; ``symbolic``, the fixed
tokenizer of symbolic ProsQA in :mod:`coconut.tokenizers.symbolic`), saves it into
the run directory (a resumed run reloads it, so token ids never change) and builds a randomly
initialised model from ``model.arch``. A scratch run with ``init_from`` takes the tokenizer
saved beside those weights instead of building its own: a tokenizer built from another
training file numbers the words differently, and the copied weights would read them
wrongly. Either way the continuous-thought markers are added with
:func:`coconut.model.add_latent_tokens` and the base model is wrapped in
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
    PreTrainedTokenizerFast,
)

from coconut.model import Coconut, add_latent_tokens
from coconut.model.adapters import AdapterConfig, apply_adapter
from coconut.model.serialization import load_base_model
from coconut.model.tokens import TokenIds
from coconut.rundir import TOKENIZER_FILE, RunDir
from coconut.tokenizers.bpe import load_or_train_tokenizer
from coconut.tokenizers.saved import save_tokenizer
from coconut.tokenizers.symbolic import load_or_build_symbolic_tokenizer
from coconut.tokenizers.word import load_or_train_word_tokenizer
from coconut.training.config.values import check_speed
from coconut.training.run.checkpoints import (
    CheckpointMismatchError,
    check_weights_match,
    lightning_state_dict,
)

log = logging.getLogger(__name__)

SOURCES = ("hub", "scratch")
TOKENIZER_KINDS = ("bpe", "word", "symbolic")


def build_tokenizer(
    model_cfg: DictConfig,
    train_records: Iterable[Mapping],
    run_dir: Path,
    init_from: str | Path | None = None,
) -> PreTrainedTokenizerBase:
    """The run's tokenizer: the hub's, or one built from ``train_records`` (saved in the run).

    With ``init_from``, a scratch run that has no tokenizer yet first copies the one saved
    beside those weights (:func:`adopt_source_tokenizer`).

    Raises:
        ValueError: for an unknown ``model.source`` or ``model.tokenizer``.
    """
    _check_source(model_cfg)
    if model_cfg.source == "hub":
        return AutoTokenizer.from_pretrained(model_cfg.pretrained)
    tokenizer_dir = RunDir(run_dir).tokenizer
    if init_from:
        adopt_source_tokenizer(init_from, tokenizer_dir)
    kind = model_cfg.get("tokenizer", "bpe")
    if kind not in TOKENIZER_KINDS:
        raise ValueError(
            f"model {model_cfg.get('name')}: tokenizer must be one of {TOKENIZER_KINDS}, "
            f"got {kind!r}"
        )
    if kind == "word":
        return load_or_train_word_tokenizer(train_records, tokenizer_dir)
    if kind == "symbolic":
        return load_or_build_symbolic_tokenizer(train_records, tokenizer_dir)
    return load_or_train_tokenizer(
        train_records, tokenizer_dir, vocab_size=model_cfg.tokenizer_vocab_size
    )


def source_tokenizer_dir(source: str | Path) -> Path | None:
    """Where the tokenizer of the weights at ``source`` is saved, if anywhere.

    ``source`` is a ``save_pretrained`` directory (tokenizer files inside it), a run
    directory (its ``tokenizer/``) or a checkpoint in a run's ``checkpoints/`` folder.
    """
    path = Path(source)
    candidates = (
        [path, RunDir(path).tokenizer] if path.is_dir() else [RunDir(path.parent.parent).tokenizer]
    )
    for candidate in candidates:
        if (candidate / TOKENIZER_FILE).is_file():
            return candidate
    return None


def adopt_source_tokenizer(source: str | Path, out_dir: Path) -> bool:
    """Copies the tokenizer saved with the weights at ``source`` into ``out_dir``.

    Nothing happens when ``out_dir`` already holds a tokenizer (a resumed run keeps its
    own). Returns True if a tokenizer was copied; logs a warning when ``source`` has none
    beside it, since a tokenizer built anew need not number tokens as those weights do.
    """
    if (out_dir / TOKENIZER_FILE).is_file():
        return False
    found = source_tokenizer_dir(source)
    if found is None:
        log.warning(
            "init_from=%s: no tokenizer saved beside these weights; building one from this "
            "run's training split, whose token ids must match the ones they were trained with",
            source,
        )
        return False
    save_tokenizer(PreTrainedTokenizerFast.from_pretrained(found), out_dir)
    log.info("tokenizer taken from %s (the tokenizer of init_from=%s)", found, source)
    return True


def build_model(
    model_cfg: DictConfig,
    tokenizer: PreTrainedTokenizerBase,
    extra_tokens: Iterable[str] = (),
    adapter: AdapterConfig | None = None,
    latent_markers: bool = True,
    speed: Mapping | None = None,
    thought_projection: Mapping | None = None,
) -> tuple[Coconut, TokenIds]:
    """The Coconut-wrapped model for ``model_cfg``, with the marker tokens added.

    ``tokenizer`` gains the markers too if it lacks them (the hub's GPT-2 tokenizer), and
    ``extra_tokens`` (the method's ``special_tokens()``). With an ``adapter`` in ``lora``
    mode the base model is wrapped by ``peft``: only the LoRA matrices and the rows of
    the markers and extra tokens train (:mod:`coconut.model.adapters`).
    ``latent_markers`` is the method's (false for bare thoughts). ``speed`` is the run's
    ``speed`` config: the attention kernel and the loss chunk size (:func:`speed_options`).
    ``thought_projection`` is the method's projection of fed-back thoughts (CODI's), built
    after the base model, outside any adapter: it trains in full.
    """
    _check_source(model_cfg)
    attention, chunk = speed_options(speed)
    try:
        if model_cfg.source == "hub":
            base = AutoModelForCausalLM.from_pretrained(model_cfg.pretrained, **attention)
        else:
            base = _scratch_model(model_cfg, tokenizer, attention)
    except ImportError as err:  # a kernel whose package is missing (flash_attention_2)
        if not attention:
            raise
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise ValueError(
            f"speed.attn_implementation={attention['attn_implementation']}: {reason}; install "
            "its package, or use speed.attn_implementation=sdpa (or null)"
        ) from err
    ids = add_latent_tokens(
        tokenizer, base, init_token=model_cfg.get("init_token"), extra_tokens=extra_tokens
    )
    if adapter is not None:
        new_rows = [ids.start_latent, ids.latent, ids.end_latent, ids.pause, *ids.extra.values()]
        base = apply_adapter(base, adapter, new_rows)
    model = Coconut(
        base,
        latent_token_id=ids.latent,
        start_latent_id=ids.start_latent,
        end_latent_id=ids.end_latent,
        eos_token_id=tokenizer.eos_token_id,
        latent_markers=latent_markers,
        loss_chunk_size=chunk,
        thought_projection=thought_projection,
    )
    return model, ids


def speed_options(speed: Mapping | None) -> tuple[dict[str, str], int | None]:
    """``(keyword arguments for transformers' model constructors, loss chunk size)`` of a
    ``speed`` config; ``None`` (a run launched before it existed) is all defaults.

    Raises:
        ValueError: as :func:`~coconut.training.config.values.check_speed`.
    """
    check_speed(speed)
    speed = speed or {}
    kernel, chunk = speed.get("attn_implementation"), speed.get("loss_chunk_size")
    attention = {} if kernel is None else {"attn_implementation": str(kernel)}
    return attention, chunk


def context_length(model: Coconut) -> int | None:
    """The base model's maximum sequence length, if its config states one."""
    config = model.base_causallm.config
    for name in ("n_positions", "max_position_embeddings"):
        value = getattr(config, name, None)
        if isinstance(value, int):
            return value
    return None


def init_weights(model: Coconut, source: str | Path, key: str = "init_from") -> None:
    """Copies weights from a Coconut directory or a Lightning checkpoint into ``model``.

    Args:
        model: the freshly built model; only its weights change.
        source: a ``Coconut.save_pretrained`` / Hugging Face directory, or a ``.ckpt``
            written by ``coconut-train``.
        key: the config key that named ``source``, for messages.

    Raises:
        CheckpointMismatchError: if the checkpoint is missing, is no checkpoint (a text
            file), or its keys or shapes differ from the model's (e.g. another
            architecture or vocabulary).
    """
    path = Path(source)
    expected = model.state_dict()
    if path.is_dir():
        try:
            base = load_base_model(path)
        except (OSError, ValueError) as err:
            raise CheckpointMismatchError(f"{key}={path}: cannot load a model: {err}") from err
        found = {f"base_causallm.{k}": v for k, v in base.state_dict().items()}
    elif path.is_file():
        try:
            state = lightning_state_dict(path)
        except CheckpointMismatchError as err:
            raise CheckpointMismatchError(
                f"{key}={path}: {err}; {key} takes a .ckpt written by coconut-train or a "
                "save_pretrained directory"
            ) from err
        prefix = "model."
        found = {k[len(prefix) :]: v for k, v in state.items() if k.startswith(prefix)}
    else:
        raise CheckpointMismatchError(f"{key}={path}: no such file or directory")
    check_weights_match(expected, found, str(path))
    model.load_state_dict(found)
    log.info("initialised weights from %s", path)


def _scratch_model(
    model_cfg: DictConfig, tokenizer: PreTrainedTokenizerBase, attention: Mapping[str, str]
) -> PreTrainedModel:
    if model_cfg.get("arch") is None:
        raise ValueError(f"model {model_cfg.get('name')}: source=scratch needs an 'arch' config")
    config = hydra.utils.instantiate(
        model_cfg.arch,
        vocab_size=len(tokenizer),
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    try:
        return AutoModelForCausalLM.from_config(config, **attention)
    except (ValueError, TypeError, AssertionError) as err:
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
        keys = arch_keys(model_cfg.arch, reason)
        raise ValueError(
            f"model.arch: transformers refuses this model config ({keys}): {reason}; "
            "fix those model.arch keys"
        ) from err


_ARCH_TERMS = {
    "embed_dim": ("n_embd", "hidden_size", "d_model", "dim"),
    "hidden_size": ("n_embd", "hidden_size", "d_model", "dim"),
    "num_heads": ("n_head", "num_attention_heads", "n_heads"),
    "num_attention_heads": ("n_head", "num_attention_heads", "n_heads"),
    "head_dim": ("n_embd", "hidden_size", "n_head", "num_attention_heads"),
}


def arch_keys(arch: Mapping, message: str) -> str:
    """``model.arch.k=v`` for the keys a transformers error ``message`` is about (every
    key when none can be told)."""
    keys = [k for k in arch if k != "_target_" and k in message]
    for term, names in _ARCH_TERMS.items():
        if term in message:
            keys += [k for k in names if k in arch and k not in keys]
    keys = keys or [k for k in arch if k != "_target_"]
    return ", ".join(f"model.arch.{k}={arch[k]}" for k in keys)


def _check_source(model_cfg: DictConfig) -> None:
    if model_cfg.get("source") not in SOURCES:
        raise ValueError(
            f"model {model_cfg.get('name')}: source must be one of {SOURCES}, "
            f"got {model_cfg.get('source')!r}"
        )
