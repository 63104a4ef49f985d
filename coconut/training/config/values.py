"""Types of config values, checked before anything is imported or computed.

Hydra passes ``trainer.max_epochs=abc`` or ``seed=abc`` through as strings; without this
check they fail deep inside Lightning or PyTorch after the data and tokenizer work. This
module imports only OmegaConf, so the console scripts run it before the heavy imports.
"""

from __future__ import annotations

from typing import Any

from omegaconf import DictConfig, OmegaConf

# Keys whose type is checked before any work: (dotted key, allowed types, may be null).
TYPED_KEYS: tuple[tuple[str, tuple[type, ...], bool], ...] = (
    ("seed", (int,), False),
    ("trainer.max_epochs", (int,), True),
    ("trainer.max_steps", (int,), True),
    ("trainer.accumulate_grad_batches", (int,), True),
    ("trainer.check_val_every_n_epoch", (int,), True),
    ("trainer.log_every_n_steps", (int,), True),
    ("trainer.num_sanity_val_steps", (int,), True),
    ("trainer.gradient_clip_val", (int, float), True),
    ("trainer.limit_train_batches", (int, float), True),
    ("trainer.limit_val_batches", (int, float), True),
    ("trainer.limit_test_batches", (int, float), True),
    ("trainer.fast_dev_run", (bool, int), False),
    ("trainer.deterministic", (bool, str), True),
    ("optimizer.lr", (int, float), False),
    ("optimizer.weight_decay", (int, float), True),
    ("scheduler.warmup_steps", (int,), False),
    ("checkpoint.every_n_train_steps", (int,), False),
    ("checkpoint.save_top_k", (int,), False),
    ("effective_batch_size", (int,), True),
    ("eval.max_new_tokens", (int,), False),
    ("eval.stage", (int,), True),
    ("data.num_workers", (int,), False),
    ("data.shuffle_facts", (bool,), False),
    ("data.relabel_nodes", (bool,), False),
    ("data.relabel_own_ids", (bool,), False),
    ("data.fresh_graphs", (bool,), False),
    ("data.resample_paths", (bool,), False),
    ("model.tokenizer_vocab_size", (int,), True),
    ("speed.attn_implementation", (str,), True),
    ("speed.loss_chunk_size", (int,), True),
    ("divergence.check", (bool,), False),
    ("eval_only", (bool,), False),
    ("report.superposition", (bool,), False),
)
FINISHED_POLICIES = ("skip", "extend", "redo")
ATTENTION_KINDS = ("eager", "sdpa", "flash_attention_2", "flash_attention_3", "flex_attention")
"""Values of ``speed.attn_implementation`` (``null`` keeps transformers' default)."""


def check_types(cfg: DictConfig) -> None:
    """Checks the type of every key in :data:`TYPED_KEYS` and of ``data.sizes``/``seeds``,
    ``finished`` and the values of ``speed`` (:func:`check_speed`).

    Raises:
        ValueError: naming the first key with a wrong type and the value found.
    """
    for key, types, nullable in TYPED_KEYS:
        if OmegaConf.select(cfg, key, default="<absent>") == "<absent>":
            continue
        _check_type(key, OmegaConf.select(cfg, key), types, nullable)
    for group in ("sizes", "seeds"):
        for split, value in (cfg.data.get(group) or {}).items():
            _check_type(f"data.{group}.{split}", value, (int,), True)
    check_schedule(cfg.get("scheduler"))
    policy = cfg.get("finished", "skip")
    if policy not in FINISHED_POLICIES:
        raise ValueError(f"finished: must be one of {FINISHED_POLICIES}, got {policy!r}")
    check_speed(cfg.get("speed"))


def check_schedule(scheduler: Any) -> None:
    """Refuses a warm-up that the named schedule would drop without a word.

    Raises:
        ValueError: naming ``scheduler.warmup_steps`` when ``scheduler.name=constant``
            (transformers' constant schedule has no warm-up).
    """
    scheduler = scheduler or {}
    if scheduler.get("name") == "constant" and (scheduler.get("warmup_steps") or 0) > 0:
        raise ValueError(
            f"scheduler.warmup_steps={scheduler.get('warmup_steps')}: scheduler.name=constant "
            "has no warm-up; use scheduler.name=constant_with_warmup (or cosine, linear)"
        )


def check_speed(speed: Any) -> None:
    """Checks the values of a ``speed`` config (``None``: all defaults).

    Raises:
        ValueError: naming ``speed.attn_implementation`` for an unknown kernel, or
            ``speed.loss_chunk_size`` below 1.
    """
    speed = speed or {}
    kernel = speed.get("attn_implementation")
    if kernel is not None and kernel not in ATTENTION_KINDS:
        raise ValueError(
            f"speed.attn_implementation={kernel!r}: must be one of {ATTENTION_KINDS} or null"
        )
    chunk = speed.get("loss_chunk_size")
    if chunk is not None and chunk < 1:
        raise ValueError(f"speed.loss_chunk_size={chunk}: must be at least 1 or null")


def _check_type(key: str, value: Any, types: tuple[type, ...], nullable: bool) -> None:
    if value is None and nullable:
        return
    ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
    if not ok:
        names = " or ".join(t.__name__ for t in types) + (" or null" if nullable else "")
        raise ValueError(f"{key}: expected {names}, got {value!r} ({type(value).__name__})")
