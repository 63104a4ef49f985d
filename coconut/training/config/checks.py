"""Reading and checking the Hydra config before anything expensive starts.

Errors here are ``ValueError`` with the config key in the message, raised before data is
generated or a model is built: bad curriculum values come from
:func:`~coconut.methods.build_method`, the rest from the checks below.
"""

from __future__ import annotations

from omegaconf import DictConfig, OmegaConf

from coconut.data.tasks import data_task
from coconut.methods import Method, build_method
from coconut.rundir import check_run_name
from coconut.training.config.values import FINISHED_POLICIES, TYPED_KEYS, check_types
from coconut.training.lightning.stage_callback import check_eval_stage

__all__ = [
    "FINISHED_POLICIES",
    "TYPED_KEYS",
    "accumulate_grad_batches",
    "check_accelerator",
    "check_config",
    "check_report",
    "check_trains",
    "check_types",
    "method_config",
    "world_size",
]


FLOAT16 = ("16-mixed", "16", "16-true")
"""``trainer.precision`` values of float16, which Lightning does not run on a CPU."""


def check_accelerator(cfg: DictConfig) -> None:
    """Fails early when ``trainer.accelerator`` asks for a device this machine lacks, or
    ``trainer.precision`` for float16 on a CPU (Lightning would run bf16 instead, while
    the config said 16-mixed)."""
    wanted = str(cfg.trainer.get("accelerator", "auto")).lower()
    import torch

    precision = str(cfg.trainer.get("precision", "32-true"))
    on_cpu = wanted == "cpu" or (wanted == "auto" and not torch.cuda.is_available())
    if precision in FLOAT16 and on_cpu:
        raise ValueError(
            f"trainer.precision={precision}: float16 needs a GPU, and on a CPU Lightning runs "
            f"bf16 instead of what you asked; use trainer.precision=bf16-mixed or 32-true "
            f"(trainer.accelerator={wanted})"
        )
    if wanted not in ("gpu", "cuda", "mps"):
        return

    available = torch.backends.mps.is_available() if wanted == "mps" else torch.cuda.is_available()
    if not available:
        raise ValueError(
            f"trainer.accelerator={wanted}: no {wanted.upper()} on this machine; "
            "use trainer=default (CPU) or run on a machine with one"
        )


def method_config(cfg: DictConfig) -> Method:
    """The method object ``cfg.method`` describes, built through the method registry."""
    return build_method(OmegaConf.to_container(cfg.method, resolve=True))


def check_config(cfg: DictConfig) -> Method:
    """Checks ``cfg`` and returns its method config.

    Raises:
        ValueError: naming the key, for an invalid method, a missing ``init_from`` where the
            preset requires one, bad batch sizes, an effective batch size that the batch
            size and device count do not divide, or zero training steps (:func:`check_trains`).
    """
    check_types(cfg)
    if "run_name" in cfg:
        check_run_name(cfg.run_name)
    method = method_config(cfg)
    if cfg.get("require_init_from") and not cfg.get("init_from"):
        raise ValueError(
            "init_from: this preset starts from a checkpoint; pass init_from=<CoT run's "
            ".ckpt or a save_pretrained directory>"
        )
    for key in ("batch_size", "eval_batch_size"):
        value = cfg.data.get(key)
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"data.{key}: must be a positive int, got {value!r}")
    check_eval_stage(cfg.eval.get("stage"))
    if cfg.eval.max_new_tokens < 1:
        raise ValueError(f"eval.max_new_tokens: must be >= 1, got {cfg.eval.max_new_tokens}")
    accumulate_grad_batches(cfg)
    check_trains(cfg)
    check_report(cfg, method)
    return method


def check_report(cfg: DictConfig, method: Method) -> None:
    """Refuses ``report.superposition=true`` where the report cannot be made: data that is
    not symbolic ProsQA, no test split, or a method with neither thoughts nor a chain to
    probe.

    Raises:
        ValueError: naming ``report.superposition`` and what is wrong.
    """
    if not OmegaConf.select(cfg, "report.superposition", default=False):
        return
    off = ("; set report.superposition=false (or pick a preset, e.g. "
           "experiment=prontoqa_tiny_coconut)")  # fmt: skip
    task = data_task(cfg.data)
    if task != "prosqa_symbolic":
        raise ValueError(
            f"report.superposition=true: the report probes symbolic ProsQA graphs, but "
            f"data.name={cfg.data.name} is {f'a {task}' if task else 'not a symbolic ProsQA'} "
            f"dataset{off}"
        )
    if "test" not in (cfg.data.get("splits") or {}):
        raise ValueError(f"report.superposition=true: the report reads the test split, and "
                         f"data.splits has none{off}")  # fmt: skip
    if cfg.eval.get("final_split") != "test":
        raise ValueError(
            f"report.superposition=true: the report sets the renamed copy beside the final "
            f"test, but eval.final_split={cfg.eval.get('final_split')}; set "
            f"eval.final_split=test{off.replace(';', ' or', 1)}"
        )
    if not (method.uses_latents or method.name == "cot"):
        raise ValueError(
            f"report.superposition=true: method {method.name} has neither continuous "
            f"thoughts nor a chain of thought to probe{off}"
        )


ZERO_STEP_KEYS = ("trainer.max_epochs", "trainer.max_steps", "trainer.limit_train_batches")
"""Trainer keys whose value 0 means that no training step runs."""


def check_trains(cfg: DictConfig) -> None:
    """Refuses a launch that would train zero steps, unless ``eval_only=true``.

    Such a launch would write ``results.json`` and ``model/`` for untrained weights, and
    the run would then count as finished for the launch with real epochs.

    Raises:
        ValueError: naming the key set to 0.
    """
    if cfg.get("eval_only", False) or cfg.trainer.get("fast_dev_run"):
        return  # fast_dev_run replaces these limits with its own
    for key in ZERO_STEP_KEYS:
        value = OmegaConf.select(cfg, key)
        if value is not None and value == 0:
            raise ValueError(
                f"{key}={value}: this launch would train zero steps and write results for "
                f"untrained weights; set {key} to at least 1, or pass eval_only=true to "
                "evaluate the initial (or init_from) weights without training"
            )


def world_size(cfg: DictConfig) -> int:
    """Processes the trainer config asks for (devices x nodes; 1 for ``auto``/lists)."""
    devices = cfg.trainer.get("devices", 1)
    if isinstance(devices, int) and devices > 0:
        per_node = devices
    elif isinstance(devices, list | tuple) or OmegaConf.is_list(devices):
        per_node = len(devices)
    else:
        per_node = 1
    return per_node * int(cfg.trainer.get("num_nodes", 1) or 1)


def accumulate_grad_batches(cfg: DictConfig) -> int:
    """Gradient accumulation: from ``effective_batch_size`` if set, else the trainer's.

    Raises:
        ValueError: if ``effective_batch_size`` is not a multiple of
            ``data.batch_size x devices x num_nodes``.
    """
    effective = cfg.get("effective_batch_size")
    if effective is None:
        return int(cfg.trainer.get("accumulate_grad_batches", 1))
    per_step = cfg.data.batch_size * world_size(cfg)
    if effective < 1 or effective % per_step:
        raise ValueError(
            f"effective_batch_size={effective} is not a positive multiple of data.batch_size "
            f"({cfg.data.batch_size}) x devices x num_nodes ({world_size(cfg)})"
        )
    return effective // per_step
