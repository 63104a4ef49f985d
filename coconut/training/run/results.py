"""The final evaluation of a training run and the content of its ``results.json``.

:func:`final_evaluation` scores the best final-stage checkpoint (else the last weights)
on ``val`` and, with ``eval.final_split=test``, ``test``; :func:`run_results` adds what
names the run and how it trained; :func:`summary` is the one line logged with it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import lightning as L
from omegaconf import DictConfig

from coconut.methods import Method
from coconut.rundir import RunDir
from coconut.training.data.datamodule import CurriculumDataModule
from coconut.training.lightning.module import CoconutLitModule
from coconut.training.lightning.stage_callback import CurriculumCallback
from coconut.training.run.checkpoints import LAST, FinalStageBest

log = logging.getLogger(__name__)


def final_evaluation(
    cfg: DictConfig,
    trainer: L.Trainer,
    module: CoconutLitModule,
    datamodule: CurriculumDataModule,
    best: FinalStageBest,
    curriculum: CurriculumCallback,
    run_dir: Path,
) -> dict[str, Any]:
    """Evaluates the best final-stage checkpoint (else the last weights) on val and test.

    With ``eval_only`` nothing was trained: the initial weights are evaluated.

    Raises:
        FileNotFoundError: if the best checkpoint that ``last.ckpt`` records is missing.
    """
    best_path, zero_best = _best_checkpoint(best)
    eval_only = bool(cfg.get("eval_only", False))
    stage = curriculum.final_eval_stage(  # eval_only: eval.stage, else the final stage
        best_checkpoint=best_path is not None or zero_best or eval_only,
        epochs_trained=trainer.current_epoch,
    )
    curriculum.force_eval_stage(stage)
    weights = "initial weights" if eval_only else "last weights"
    results: dict[str, Any] = {
        "eval_stage": stage,
        "checkpoint": RunDir(run_dir).relative(best_path) if best_path else weights,
        "val_acc_always_zero": zero_best,
        "best_val_acc": float(best.best_model_score) if best.best_model_score is not None else None,
    }
    splits = ["val"] + (["test"] if cfg.eval.final_split == "test" else [])
    for split in splits:
        if split not in datamodule.splits:
            log.info("no %r split in data.splits: the final evaluation skips it", split)
            continue
        run = trainer.validate if split == "val" else trainer.test
        metrics = run(
            module, datamodule=datamodule, ckpt_path=best_path, verbose=False, weights_only=True
        )[0]
        results[split] = {k.split("/", 1)[1]: float(v) for k, v in metrics.items()}
        best_path = None  # the weights are loaded now
    return results


def _best_checkpoint(best: FinalStageBest) -> tuple[str | None, bool]:
    """The best checkpoint to evaluate (``None``: the current weights), and whether
    ``val/acc`` was 0 at every final-stage epoch (then the last weights are used)."""
    best_path = best.best_model_path or None
    if best_path and not Path(best_path).is_file():
        raise FileNotFoundError(
            f"the best checkpoint {best_path} that {LAST} records is missing; the run cannot "
            "export it (was it deleted by hand?)"
        )
    zero_best = best.best_model_score is not None and float(best.best_model_score) == 0.0
    if best_path and zero_best:
        log.warning(
            "val/acc was 0 at every final-stage epoch: the 'best' checkpoint %s is no better "
            "than any other, so the final evaluation and model/ use the last weights",
            best_path,
        )
        best_path = None
    return best_path, zero_best


def run_results(
    cfg: DictConfig,
    method: Method,
    trainer: L.Trainer,
    evaluated: dict[str, Any],
    run_id: str,
    train_seconds: float,
    resume_from: Path | None,
    run_dir: Path,
) -> dict[str, Any]:
    """The content of ``results.json``: the final evaluation and what names the run.

    Args:
        cfg: the composed ``train`` config.
        method: the run's method.
        trainer: the trainer, after fit and the final evaluation.
        evaluated: what :func:`final_evaluation` returned.
        run_id: the run's id.
        train_seconds: seconds spent in ``fit`` over every launch of the run.
        resume_from: the checkpoint this launch resumed from, if any.
        run_dir: the run directory (``resumed_from`` is recorded relative to it).
    """
    return {
        **evaluated,
        "run_name": cfg.run_name,
        "run_id": run_id,
        "method": method.name,
        "data": cfg.data.name,
        "model": cfg.model.name,
        "seed": cfg.seed,
        "epochs": trainer.current_epoch,
        "global_step": trainer.global_step,
        "train_seconds": train_seconds,
        "resumed_from": RunDir(run_dir).relative(resume_from) if resume_from else None,
        "eval_only": bool(cfg.get("eval_only", False)),
        "precision": str(trainer.precision),  # what ran, which Lightning may have changed
    }


def summary(results: dict[str, Any]) -> str:
    """``stage k, val/acc a, test/acc b``: the line logged with the results."""
    parts = [f"stage {results['eval_stage']}"]
    for split in ("val", "test"):
        if split in results:
            parts.append(f"{split}/acc {results[split]['acc']:.3f}")
    return ", ".join(parts)
