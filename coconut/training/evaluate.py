"""``coconut-eval``: score a trained run on a split, at its stage or a forced one.

It rebuilds the run from its ``config.yaml`` (method, data, tokenizer), loads the weights
(``model/`` by default, or a checkpoint), and runs the same batched generation and scoring
as validation during training (:mod:`coconut.training.scoring`) through Lightning's
``Trainer.test``. The output JSON holds exact-match accuracy, mean generated tokens
(latent thoughts counted), forward passes, seconds per example and every prediction.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import hydra
import lightning as L
from omegaconf import DictConfig, OmegaConf
from transformers import AutoTokenizer

from coconut.atomic import atomic_write_json
from coconut.curriculum import TokenIds
from coconut.data import load_examples
from coconut.model import Coconut
from coconut.model.adapters import AdapterConfig
from coconut.training.checkpointing import LAST
from coconut.training.config import method_config
from coconut.training.datamodule import CurriculumDataModule
from coconut.training.hydra_app import hydra_entry
from coconut.training.models import build_model, build_tokenizer, context_length, init_weights
from coconut.training.module import CoconutLitModule
from coconut.training.prepare import check_context, tokenize_split
from coconut.training.sources import load_split

log = logging.getLogger(__name__)


def evaluate(cfg: DictConfig) -> dict[str, Any]:
    """Evaluates the run ``cfg.run_dir`` as ``cfg`` says; writes and returns the results.

    Raises:
        FileNotFoundError: if the run directory, its config or the weights are missing.
        ValueError: for a split the run does not have or a checkpoint that does not match.
    """
    run_dir = Path(cfg.run_dir)
    config_path = run_dir / "config.yaml"
    if not config_path.is_file():
        raise FileNotFoundError(f"run_dir={run_dir}: no config.yaml (not a coconut-train run)")
    run_cfg = OmegaConf.load(config_path)
    method = method_config(run_cfg)
    L.seed_everything(cfg.seed)
    model, tokenizer = _load_model(cfg, run_cfg, run_dir, method.special_tokens())
    ids = TokenIds.from_tokenizer(tokenizer, method.special_tokens())
    examples, answers = tokenize_split(_records(cfg, run_cfg), tokenizer, _source(cfg, run_cfg))
    stage = _stage(cfg, method, run_dir)
    max_new = cfg.max_new_tokens or run_cfg.eval.max_new_tokens
    check_context({cfg.split: examples}, method, ids, context_length(model), max_new, stage)

    datamodule = CurriculumDataModule(
        {cfg.split: examples},
        {cfg.split: answers},
        method,
        ids,
        batch_size=1,
        eval_batch_size=cfg.batch_size or run_cfg.data.eval_batch_size,
        seed=cfg.seed,
        eval_stage=stage,
        test_split=cfg.split,
    )
    module = CoconutLitModule(
        model,
        tokenizer,
        method,
        optimizer=_no_optimizer,
        max_new_tokens=max_new,
        latent_steps=getattr(method, "latent_steps", None),
    )
    module.keep_predictions = True
    trainer = hydra.utils.instantiate(cfg.trainer, use_distributed_sampler=False)
    metrics = trainer.test(module, datamodule=datamodule, verbose=False)[0]
    results = {
        "run_dir": str(run_dir),
        "checkpoint": str(cfg.checkpoint),
        "split": cfg.split,
        "stage": stage,
        "max_new_tokens": max_new,
        **{k.split("/", 1)[1]: float(v) for k, v in metrics.items()},
        "predictions": sorted(module.predictions, key=lambda p: p["index"]),
    }
    output = Path(cfg.output or run_dir / "eval" / f"{cfg.split}-stage{stage}.json")
    if trainer.is_global_zero:
        atomic_write_json(output, results)
        log.info("%s at stage %d: acc %.4f -> %s", cfg.split, stage, results["acc"], output)
    return results


def _no_optimizer(params: Any) -> None:
    raise RuntimeError("coconut-eval does not train")


def _load_model(
    cfg: DictConfig, run_cfg: DictConfig, run_dir: Path, extra_tokens: tuple[str, ...]
) -> tuple[Coconut, Any]:
    source = Path(run_dir / "model" if cfg.checkpoint == "model" else cfg.checkpoint)
    if cfg.checkpoint == "last":
        source = run_dir / "checkpoints" / LAST
    if not source.exists():
        raise FileNotFoundError(f"checkpoint={cfg.checkpoint}: {source} does not exist")
    if source.is_dir() and (source / "coconut.json").is_file():
        return Coconut.from_pretrained(source).eval(), AutoTokenizer.from_pretrained(source)
    tokenizer = build_tokenizer(run_cfg.model, [], run_dir)
    adapter = AdapterConfig.from_mapping(run_cfg.get("adapter"))
    model, _ = build_model(run_cfg.model, tokenizer, extra_tokens, adapter)
    init_weights(model, source)
    return model.eval(), tokenizer


def _records(cfg: DictConfig, run_cfg: DictConfig):
    if cfg.split_path:
        return load_examples(cfg.split_path)
    if cfg.split not in run_cfg.data.splits:
        raise ValueError(
            f"split={cfg.split!r}: the run's data has {list(run_cfg.data.splits)}; "
            "pass split_path=<file> for another file"
        )
    return load_split(run_cfg.data, cfg.split)


def _source(cfg: DictConfig, run_cfg: DictConfig) -> str:
    return str(cfg.split_path or run_cfg.data.splits[cfg.split])


def _stage(cfg: DictConfig, method, run_dir: Path) -> int:
    if cfg.stage is not None:
        if cfg.stage < 0:
            raise ValueError(f"stage: must be >= 0, got {cfg.stage}")
        return int(cfg.stage)
    results = run_dir / "results.json"
    if results.is_file():
        return int(json.loads(results.read_text())["eval_stage"])
    return method.final_stage


def _run(cfg: DictConfig) -> float:
    """Evaluates the composed config; returns the accuracy."""
    return evaluate(cfg)["acc"]


main = hydra_entry(_run, "eval")
"""Console entry point: ``coconut-eval run_dir=<run> [split=test] [stage=k] [trainer=gpu]``."""


if __name__ == "__main__":
    main()
