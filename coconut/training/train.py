"""``coconut-train``: one staged training run from a Hydra config, end to end.

:func:`train` is a plain function of the composed config (tests call it directly);
:func:`main` only wraps it with ``@hydra.main``. A run lives in ``paths.output_dir``
(``outputs/<run_name>`` by default) and holds ``config.yaml``, ``checkpoints/``
(``last.ckpt`` and the best by ``val/acc``), the tokenizer of scratch models, logs,
``model/`` (the evaluated weights, ``Coconut.save_pretrained``), ``results.json`` and
``curves.png`` (validation accuracy and training loss per epoch, stages shaded).

A killed run continues where its last checkpoint left it (epoch, stage, batch, optimizer
and random state) by repeating the same command: ``resume=auto`` is the default. A launch
that stops before its first checkpoint leaves nothing that changes the next launch
(:mod:`coconut.training.leftovers`).
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hydra
import lightning as L
from lightning.pytorch.callbacks import Callback, LearningRateMonitor
from omegaconf import DictConfig, OmegaConf
from transformers import PreTrainedTokenizerBase

from coconut.atomic import atomic_write_json, atomic_write_text
from coconut.curriculum import TokenIds, TokenizedExample
from coconut.methods import Method
from coconut.model import Coconut
from coconut.model.adapters import AdapterConfig
from coconut.training.checkpointing import (
    LAST,
    AtomicCheckpointIO,
    FinalStageBest,
    LastCheckpoint,
    check_weights_match,
    find_resume_checkpoint,
    read_checkpoint,
)
from coconut.training.config import accumulate_grad_batches, check_accelerator, check_config
from coconut.training.curriculum import CurriculumCallback
from coconut.training.datamodule import CurriculumDataModule
from coconut.training.divergence import FAILED_NAME, DivergenceError, DivergenceGuard
from coconut.training.hydra_app import CONFIG_DIR
from coconut.training.identity import (
    CHECKPOINT_KEY,
    IDENTITY_NAME,
    IdentityCallback,
    check_identity,
    new_run_id,
    read_identity,
    run_identity,
    write_identity,
)
from coconut.training.leftovers import clear_leftovers, undo_on_failure
from coconut.training.loggers import build_loggers, finish_loggers
from coconut.training.models import (
    TOKENIZER_DIR,
    build_model,
    build_tokenizer,
    context_length,
    init_weights,
)
from coconut.training.module import CoconutLitModule
from coconut.training.plots import PlotCurves
from coconut.training.prepare import check_context, tokenize_split
from coconut.training.progress import EpochSummary, QuietProgressBar
from coconut.training.runlock import RunLock, is_primary_process, remove_stale_temp_files
from coconut.training.shuffle import FactShuffle
from coconut.training.sources import load_splits
from coconut.training.stopping import reporting_stops
from coconut.training.symbolic_rewrite import SymbolicRewrite

log = logging.getLogger(__name__)


# Config sections that must not change when a run is resumed.
FROZEN_ON_RESUME = ("data", "model", "method", "adapter", "optimizer", "scheduler", "seed")

# What finished=redo deletes before training a finished run again.
REDO_REMOVES = (
    "checkpoints", "model", "tokenizer", "csv", "eval", "results.json", "identity.json",
    "curves.png", FAILED_NAME,
)  # fmt: skip


def train(cfg: DictConfig, callbacks: list[Callback] | None = None) -> dict[str, Any]:
    """Trains, evaluates and writes ``results.json`` for the run ``cfg`` describes.

    The run directory is locked for the whole call (:class:`RunLock`). A finished run
    (``results.json`` present) is left as it is unless ``finished=extend`` or ``redo``.

    Args:
        cfg: the composed ``train`` config.
        callbacks: extra Lightning callbacks (tests use them to interrupt a run).

    Returns:
        The content of ``results.json``.

    Raises:
        ValueError: for bad config values, data or checkpoints, before training starts.
        RunLockedError: if another process is using the run directory.
        DivergenceError: if the training loss becomes NaN or infinite.
    """
    method = check_config(cfg)
    check_accelerator(cfg)  # before any data work
    run_dir = Path(cfg.paths.output_dir)
    with RunLock(run_dir):
        if is_primary_process():
            remove_stale_temp_files(run_dir)
        finished = _finished_run(cfg, run_dir)
        if finished is not None:
            return finished
        return _train_locked(cfg, method, run_dir, callbacks or [])


def _train_locked(
    cfg: DictConfig, method: Method, run_dir: Path, callbacks: list[Callback]
) -> dict[str, Any]:
    resume_from = find_resume_checkpoint(cfg.resume, run_dir / "checkpoints")
    saved_identity = read_identity(run_dir)
    if resume_from is not None and saved_identity is None:
        _check_resumable(cfg, run_dir)  # a run from before identity.json existed
    if cfg.get("eval_only", False) and resume_from is not None:
        raise _trained_run_error(run_dir, f"{resume_from} is a training checkpoint")
    fresh = resume_from is None and saved_identity is None and is_primary_process()
    if fresh:
        clear_leftovers(run_dir)
    with undo_on_failure(run_dir, fresh):
        return _launch(cfg, method, run_dir, callbacks, resume_from, saved_identity)


def _launch(
    cfg: DictConfig,
    method: Method,
    run_dir: Path,
    callbacks: list[Callback],
    resume_from: Path | None,
    saved_identity: dict[str, Any] | None,
) -> dict[str, Any]:
    L.seed_everything(cfg.seed, workers=True)
    inputs = _prepare(cfg, method, run_dir)
    run_id = saved_identity["run_id"] if saved_identity else new_run_id()
    identity = run_identity(cfg, run_id, run_dir / TOKENIZER_DIR / "tokenizer.json")
    if saved_identity is not None:
        check_identity(identity, saved_identity, f"run directory {run_dir} ({IDENTITY_NAME})")
    _load_weights(cfg, inputs.model, resume_from, identity)
    module, curriculum, datamodule = _lightning_parts(cfg, method, inputs)
    extra = [IdentityCallback(identity), EpochSummary(curriculum), *callbacks]
    if cfg.get("divergence", {}).get("check", True):
        extra.insert(0, DivergenceGuard())
    trainer, best, last = _build_trainer(cfg, curriculum, run_dir, extra, run_id)
    if trainer.is_global_zero:
        if saved_identity is None:
            write_identity(run_dir, identity)
        atomic_write_text(run_dir / "config.yaml", OmegaConf.to_yaml(cfg, resolve=True))
        (run_dir / FAILED_NAME).unlink(missing_ok=True)

    try:
        with reporting_stops(trainer):  # SIGTERM, Ctrl-C: exit 143, 130 (resumable)
            if not cfg.get("eval_only", False):
                _fit(trainer, module, datamodule, resume_from, run_dir)
            evaluated = _final_evaluation(
                cfg, trainer, module, datamodule, best, curriculum, run_dir
            )
        results = {
            **evaluated,
            "run_name": cfg.run_name,
            "run_id": run_id,
            "method": method.name,
            "data": cfg.data.name,
            "model": cfg.model.name,
            "seed": cfg.seed,
            "epochs": trainer.current_epoch,
            "global_step": trainer.global_step,
            "train_seconds": last.train_seconds,
            "resumed_from": _in_run(resume_from, run_dir) if resume_from else None,
            "eval_only": bool(cfg.get("eval_only", False)),
        }
        if trainer.is_global_zero:
            module.model.save_pretrained(run_dir / "model", inputs.tokenizer)
            atomic_write_json(run_dir / "results.json", results)
            log.info("results in %s: %s", run_dir / "results.json", _summary(results))
        return results
    finally:
        finish_loggers(trainer.loggers)  # the next run in this process gets its own


def _fit(
    trainer: L.Trainer,
    module: CoconutLitModule,
    datamodule: CurriculumDataModule,
    resume_from: Path | None,
    run_dir: Path,
) -> None:
    """Trains; a diverged run leaves ``failed.json`` (not ``results.json``)."""
    try:
        trainer.fit(module, datamodule=datamodule, ckpt_path=resume_from, weights_only=True)
    except DivergenceError as err:
        if trainer.is_global_zero:
            atomic_write_json(run_dir / FAILED_NAME, {"status": "failed", "reason": str(err)})
        raise


def _lightning_parts(
    cfg: DictConfig, method: Method, inputs: _RunInputs
) -> tuple[CoconutLitModule, CurriculumCallback, CurriculumDataModule]:
    """The Lightning module, the curriculum callback and the data module of a run."""
    module = CoconutLitModule(
        inputs.model,
        inputs.tokenizer,
        method,
        hydra.utils.instantiate(cfg.optimizer),
        scheduler=cfg.scheduler.name,
        warmup_steps=cfg.scheduler.warmup_steps,
        max_new_tokens=cfg.eval.max_new_tokens,
    )
    curriculum = CurriculumCallback(method, eval_stage=cfg.eval.stage)
    datamodule = CurriculumDataModule(
        inputs.splits,
        inputs.answers,
        curriculum,
        inputs.ids,
        batch_size=cfg.data.batch_size,
        eval_batch_size=cfg.data.eval_batch_size,
        seed=cfg.seed,
        num_workers=cfg.data.num_workers,
        shuffle=inputs.shuffle,
    )
    return module, curriculum, datamodule


def _finished_run(cfg: DictConfig, run_dir: Path) -> dict[str, Any] | None:
    """The saved results of a finished run that is to stay as it is, else ``None``.

    ``finished=redo`` deletes the run's outputs first; ``extend`` lets training continue.
    """
    results_path = run_dir / "results.json"
    if not results_path.is_file():
        return None
    saved = json.loads(results_path.read_text(encoding="utf-8"))
    if cfg.get("eval_only", False) and not saved.get("eval_only"):
        raise _trained_run_error(run_dir, f"{results_path} holds the results of training")
    if saved.get("eval_only") and not cfg.get("eval_only", False):
        log.info("%s holds an evaluation-only result: removing it and training the run", run_dir)
        _remove_outputs(run_dir)
        return None
    policy = cfg.get("finished", "skip")
    if policy == "extend":
        _check_extends(cfg, saved, run_dir)
    if policy == "skip":
        log.info(
            "run %s has already finished: its results are in %s (nothing changed). Pass "
            "finished=extend (e.g. with a larger trainer.max_epochs) to train it further, or "
            "finished=redo to train it again from scratch",
            run_dir,
            results_path,
        )
        return saved
    if policy == "redo":
        log.info("finished=redo: deleting the outputs of %s and training it again", run_dir)
        _remove_outputs(run_dir)
    return None


def _trained_run_error(run_dir: Path, found: str) -> ValueError:
    """The refusal of ``eval_only=true`` in a run directory that has trained."""
    return ValueError(
        f"eval_only=true: {found}; score the run with coconut-eval run_dir={run_dir}, or "
        "evaluate other weights under another run_name= (with init_from=<weights>)"
    )


def _remove_outputs(run_dir: Path) -> None:
    """Deletes what a run wrote (:data:`REDO_REMOVES`), so that it starts afresh."""
    for name in REDO_REMOVES:
        path = run_dir / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def _check_extends(cfg: DictConfig, saved: dict[str, Any], run_dir: Path) -> None:
    """Refuses ``finished=extend`` when the limits leave no step to train."""
    limits = (
        ("trainer.max_epochs", cfg.trainer.get("max_epochs"), saved.get("epochs"), "epoch(s)"),
        ("trainer.max_steps", cfg.trainer.get("max_steps"), saved.get("global_step"), "step(s)"),
    )
    for key, limit, done, what in limits:
        if limit is not None and limit >= 0 and done is not None and done >= limit:
            raise ValueError(
                f"{key}={limit}: run {run_dir} has already trained {done} {what}, so "
                f"finished=extend would train zero steps; raise {key} above {done}"
            )


def _in_run(path: Path, run_dir: Path) -> str:
    """``path`` relative to the run directory when inside it (a moved run stays valid)."""
    try:
        return str(Path(path).resolve().relative_to(run_dir.resolve()))
    except ValueError:
        return str(path)


@dataclass
class _RunInputs:
    """What a run trains on: the model, its tokenizer and the tokenized splits."""

    model: Coconut
    tokenizer: PreTrainedTokenizerBase
    ids: TokenIds
    splits: dict[str, list[TokenizedExample]]
    answers: dict[str, list[str]]
    shuffle: FactShuffle | SymbolicRewrite | None = None


def _prepare(cfg: DictConfig, method: Method, run_dir: Path) -> _RunInputs:
    """Loads (or generates) the data, builds tokenizer and model, checks the lengths."""
    records = load_splits(cfg.data)
    tokenizer = build_tokenizer(cfg.model, records["train"], run_dir, cfg.get("init_from"))
    adapter = AdapterConfig.from_mapping(cfg.get("adapter"))
    model, ids = build_model(cfg.model, tokenizer, method.special_tokens(), adapter)
    splits, answers = {}, {}
    for split, dataset in records.items():
        splits[split], answers[split] = tokenize_split(dataset, tokenizer, cfg.data.splits[split])
    check_context(
        splits, method, ids, context_length(model), cfg.eval.max_new_tokens, cfg.eval.stage
    )
    warn_short_curriculum(method, splits["train"])
    shuffle = _epoch_rewrite(cfg, records["train"], tokenizer)
    return _RunInputs(model, tokenizer, ids, splits, answers, shuffle)


def _epoch_rewrite(cfg: DictConfig, train, tokenizer) -> FactShuffle | SymbolicRewrite | None:
    """How training examples are rewritten each epoch: ``data.relabel_nodes`` and
    ``data.resample_paths`` (which also reorder with ``data.shuffle_facts``),
    ``data.shuffle_facts`` alone, or not at all."""
    source = str(cfg.data.splits.train)
    shuffle_facts = bool(cfg.data.get("shuffle_facts", False))
    relabel_nodes = bool(cfg.data.get("relabel_nodes", False))
    resample_paths = bool(cfg.data.get("resample_paths", False))
    if relabel_nodes or resample_paths:
        return SymbolicRewrite(
            list(train), tokenizer, source, relabel_nodes=relabel_nodes,
            resample_paths=resample_paths, shuffle_facts=shuffle_facts,
        )  # fmt: skip
    if shuffle_facts:
        return FactShuffle(train["question"], tokenizer, source)
    return None


def warn_short_curriculum(method: Method, train: list[TokenizedExample]) -> bool:
    """Warns (and returns True) if the last stage leaves reasoning steps in language.

    The paper gives its step-replacing methods as many stages as the longest chain has
    steps (6 for ProsQA's 3-6); with fewer, the final stage keeps the rest as text.
    """
    replaced = method.max_replaced_steps
    if replaced is None or not train:
        return False
    longest = max(len(example.steps) for example in train)
    if replaced >= longest:
        return False
    log.warning(
        "method.max_latent_stage=%d but training examples have up to %d steps: at the final "
        "stage those keep %d step(s) in language (the paper uses as many stages as steps)",
        replaced,
        longest,
        longest - replaced,
    )
    return True


def _load_weights(
    cfg: DictConfig, model: Coconut, resume_from: Path | None, identity: dict[str, Any]
) -> None:
    """Checks a resume checkpoint is this run's and fits the model, or runs ``init_from``."""
    if resume_from is not None:
        checkpoint = read_checkpoint(resume_from)
        recorded = checkpoint.get(CHECKPOINT_KEY)
        if recorded is None:
            log.warning("%s records no run identity (an older version wrote it)", resume_from)
        else:
            check_identity(identity, recorded, f"checkpoint {resume_from}")
        state = checkpoint["state_dict"]
        found = {k.removeprefix("model."): v for k, v in state.items()}
        check_weights_match(model.state_dict(), found, str(resume_from))
    elif cfg.init_from:
        init_weights(model, cfg.init_from)


def _check_resumable(cfg: DictConfig, run_dir: Path) -> None:
    """Refuses to resume a run whose saved config differs in a frozen section."""
    saved_path = run_dir / "config.yaml"
    if not saved_path.is_file():
        return
    saved = OmegaConf.load(saved_path)
    now = OmegaConf.to_container(cfg, resolve=True)
    before = OmegaConf.to_container(saved, resolve=True)
    changed = [key for key in FROZEN_ON_RESUME if now.get(key) != before.get(key)]
    if changed:
        raise ValueError(
            f"resume: {saved_path} differs from this config in {changed}; resuming would mix "
            "two runs. Use resume=never with another run_name= to start a new run"
        )


def _build_trainer(
    cfg: DictConfig,
    curriculum: CurriculumCallback,
    run_dir: Path,
    extra: list[Callback],
    run_id: str,
) -> tuple[L.Trainer, FinalStageBest, LastCheckpoint]:
    ckpt_dir = run_dir / "checkpoints"
    best = FinalStageBest(curriculum, dirpath=ckpt_dir, save_top_k=cfg.checkpoint.save_top_k)
    last = LastCheckpoint(ckpt_dir, cfg.checkpoint.every_n_train_steps)
    # last.ckpt after the epoch's best (both are Checkpoint callbacks, run last in order)
    callbacks: list[Callback] = [curriculum, best, last, PlotCurves(run_dir, curriculum), *extra]
    loggers = build_loggers(
        cfg.get("logger"), OmegaConf.to_container(cfg, resolve=True), run_id=run_id
    )
    if loggers:
        callbacks.append(LearningRateMonitor(logging_interval="step"))
    if cfg.trainer.get("enable_progress_bar", True):
        callbacks.append(QuietProgressBar())
    trainer = hydra.utils.instantiate(
        cfg.trainer,
        default_root_dir=str(run_dir),
        logger=loggers or False,
        callbacks=callbacks,
        plugins=[AtomicCheckpointIO()],
        accumulate_grad_batches=accumulate_grad_batches(cfg),
        use_distributed_sampler=False,
    )
    return trainer, best, last


def _final_evaluation(
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
    """
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
    eval_only = bool(cfg.get("eval_only", False))
    stage = curriculum.final_eval_stage(  # eval_only: eval.stage, else the final stage
        best_checkpoint=best_path is not None or zero_best or eval_only,
        epochs_trained=trainer.current_epoch,
    )
    curriculum.force_eval_stage(stage)
    weights = "initial weights" if eval_only else "last weights"
    results: dict[str, Any] = {
        "eval_stage": stage,
        "checkpoint": _in_run(Path(best_path), run_dir) if best_path else weights,
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


def _summary(results: dict[str, Any]) -> str:
    parts = [f"stage {results['eval_stage']}"]
    for split in ("val", "test"):
        if split in results:
            parts.append(f"{split}/acc {results[split]['acc']:.3f}")
    return ", ".join(parts)


__all__ = ["CONFIG_DIR", "train"]
