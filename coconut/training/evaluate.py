"""``coconut-eval``: score a trained run on a split, at its stage or a forced one.

It rebuilds the run from its ``config.yaml`` (method, data, tokenizer), loads the weights
(``model/`` by default, or a checkpoint), and runs the same batched generation and scoring
as validation during training (:mod:`coconut.training.lightning.scoring`) through Lightning's
``Trainer.test``. The output JSON holds exact-match accuracy, mean generated tokens
(latent thoughts counted), forward passes, seconds per example and every prediction, and
names the evaluated file with the SHA-256 of its content. The stage is asked of the
run's :class:`~coconut.training.lightning.stage_callback.CurriculumCallback`
(:meth:`~coconut.training.lightning.stage_callback.CurriculumCallback.requested_eval_stage`):
``stage=``, the stage of ``latents=`` thoughts, or the stage of the run's own final evaluation.

A split whose file is gone (a shipped run, or data deleted since) is generated again from
the recipe the run's config records, into the package's cache
(:mod:`coconut.data.recipe`); a split that was not generated is refused, naming the
file and ``split_path=``.

``split_path=<file>`` evaluates any file in the ``{question, steps, answer}`` schema from
the run's task (e.g. the published ProsQA split) with the run's tokenizer and stage.
Before any generation, every prompt is screened: prompts that do not fit the model's
context with the generation budget, and prompts holding words the tokenizer cannot
represent (``<|unk|>`` of a word-level tokenizer), are counted and the longest is named.
The evaluation then stops, unless ``skip_unfit=true``, which evaluates the others and
lists the skipped indices in the results.

The file must hold the run's task (:mod:`coconut.data.tasks`: a GSM8K file on a ProntoQA
run is refused, naming both tasks), and at least one example. The results go to
``<run_dir>/eval/<split or file stem>-<first 12 hex digits of its SHA-256>-stage<k>.json``,
so that two files of the same name (``test.json`` of another folder) never replace each
other's results.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hydra
import lightning as L
from omegaconf import DictConfig, OmegaConf
from transformers import AutoTokenizer

from coconut.atomic import atomic_write_json
from coconut.curriculum import Method, TokenizedExample, build_prompt
from coconut.data import load_examples
from coconut.data.recipe import split_file
from coconut.data.tasks import check_task, data_task
from coconut.logfile import log_to_file
from coconut.model import Coconut
from coconut.model.adapters import AdapterConfig
from coconut.model.tokens import TokenIds
from coconut.outputs import check_output, json_object_with
from coconut.rundir import RunDir
from coconut.tokenizers.word import count_unknown
from coconut.training.config.checks import check_accelerator, method_config
from coconut.training.data.datamodule import CurriculumDataModule
from coconut.training.data.sources import load_split
from coconut.training.data.tokenizing import ContextLengthError, tokenize_split
from coconut.training.lightning.module import CoconutLitModule
from coconut.training.lightning.stage_callback import CurriculumCallback
from coconut.training.run.identity import file_sha256
from coconut.training.run.stopping import EVAL_HINT, reporting_stops
from coconut.training.setup.model import build_model, build_tokenizer, context_length, init_weights

log = logging.getLogger(__name__)


def evaluate(cfg: DictConfig) -> dict[str, Any]:
    """Evaluates the run ``cfg.run_dir`` as ``cfg`` says; writes and returns the results.

    Raises:
        FileNotFoundError: if the run directory, its config or the weights are missing.
        ValueError: for a split the run does not have or a checkpoint that does not match.
    """
    run = RunDir(cfg.run_dir)
    run_dir = run.path
    if not run_dir.is_dir():
        raise FileNotFoundError(f"run_dir={run_dir}: no such directory")
    if not run.is_run():
        raise FileNotFoundError(
            f"run_dir={run_dir}: no {run.config.name} (not a coconut-train run)"
        )
    if cfg.split_path and not Path(cfg.split_path).is_file():
        raise FileNotFoundError(f"split_path={cfg.split_path}: no such file")
    check_accelerator(cfg)  # the eval config's trainer: a device or precision it cannot run
    run_cfg = run.read_config()
    _check_split(cfg, run_cfg)
    _check_output(cfg, run_cfg, run)
    _point_at_split_file(cfg, run_cfg, run)
    curriculum = CurriculumCallback(method_config(run_cfg))
    stage = curriculum.requested_eval_stage(  # before any loading: a bad stage fails at once
        stage=cfg.stage, latents=cfg.get("latents"), recorded=_recorded_stage(run_dir)
    )
    curriculum.force_eval_stage(stage)
    with log_to_file(run.eval_log):
        return _evaluate(cfg, run_cfg, run_dir, curriculum, stage)


def _evaluate(
    cfg: DictConfig, run_cfg: DictConfig, run_dir: Path, curriculum: CurriculumCallback, stage: int
) -> dict[str, Any]:
    method = curriculum.method
    L.seed_everything(cfg.seed)
    source = _source(cfg, run_cfg)
    records = _records(cfg, run_cfg, run_dir)  # before the model: a bad file fails at once
    model, tokenizer = _load_model(cfg, run_cfg, run_dir, method)
    _warn_zero_best(cfg, run_dir)
    ids = TokenIds.from_tokenizer(tokenizer, method.special_tokens())
    examples, answers = tokenize_split(records, tokenizer, source)
    max_new = cfg.max_new_tokens or run_cfg.eval.max_new_tokens
    screen = screen_prompts(
        examples, method, ids, tokenizer, context_length(model), max_new, stage, source
    )
    kept = _kept(screen, len(examples), cfg.get("skip_unfit", False))
    examples, answers = [examples[i] for i in kept], [answers[i] for i in kept]

    datamodule = CurriculumDataModule(
        {cfg.split: examples},
        {cfg.split: answers},
        curriculum,
        ids,
        batch_size=1,
        eval_batch_size=cfg.batch_size or run_cfg.data.eval_batch_size,
        seed=cfg.seed,
        test_split=cfg.split,
    )
    module = CoconutLitModule(
        model, tokenizer, method, optimizer=_no_optimizer, max_new_tokens=max_new
    )
    module.keep_predictions = True
    trainer = hydra.utils.instantiate(cfg.trainer, use_distributed_sampler=False)
    with reporting_stops(trainer, EVAL_HINT):
        metrics = trainer.test(module, datamodule=datamodule, verbose=False)[0]
    predictions = sorted(module.predictions, key=lambda p: p["index"])
    for prediction in predictions:  # back to the positions in the file
        prediction["index"] = kept[prediction["index"]]
    results = {
        "run_dir": str(run_dir),
        "checkpoint": str(cfg.checkpoint),
        "split": cfg.split,
        "file": source,
        "sha256": file_sha256(source),
        "stage": stage,
        "max_new_tokens": max_new,
        "precision": str(trainer.precision),
        **{k.split("/", 1)[1]: float(v) for k, v in metrics.items()},
        "skipped": screen.summary(),
        "predictions": predictions,
    }
    if trainer.is_global_zero:
        _write_results(cfg, run_dir, results)
    return results


def _write_results(cfg: DictConfig, run_dir: Path, results: dict[str, Any]) -> Path:
    """Writes the results to ``cfg.output``, else to :func:`default_output`."""
    name = Path(cfg.split_path).stem if cfg.split_path else cfg.split
    stage = results["stage"]
    output = Path(cfg.output or default_output(run_dir, name, results["sha256"], stage))
    atomic_write_json(output, results)
    log.info("%s at stage %d: acc %.4f -> %s", cfg.split, stage, results["acc"], output)
    return output


RESULT_KEYS = ("run_dir", "checkpoint", "split", "sha256", "stage", "predictions")
"""Fields every ``coconut-eval`` results file has: how an earlier one is recognised."""


def _check_output(cfg: DictConfig, run_cfg: DictConfig, run: RunDir) -> None:
    """Refuses an ``output=`` that is an input, or an existing file coconut-eval did not
    write (unless ``overwrite=true``), before any work."""
    if not cfg.output:
        return  # the default is keyed by file, content and stage in the run's eval/
    split_file = None if cfg.split_path else run_cfg.data.splits.get(cfg.split)
    inputs = {
        "split_path": cfg.split_path,
        f"data.splits.{cfg.split} of the run": split_file,
        "checkpoint": cfg.checkpoint if cfg.checkpoint not in ("model", "last") else None,
        "the run's config": run.config,
    }
    check_output(
        cfg.output, inputs, overwrite=bool(cfg.get("overwrite", False)), force="overwrite=true",
        ours=lambda path: json_object_with(path, RESULT_KEYS), key="output",
    )  # fmt: skip


def _kept(screen: PromptScreen, count: int, skip_unfit: bool) -> list[int]:
    """The indices to evaluate; refuses unfit prompts unless ``skip_unfit``."""
    if screen.unfit and not skip_unfit:
        raise ContextLengthError(f"{screen.message()}; pass skip_unfit=true to evaluate the rest")
    if screen.unfit:
        log.warning("%s; skipping them (skip_unfit=true)", screen.message())
    kept = [i for i in range(count) if i not in set(screen.unfit)]
    if not kept:
        raise ContextLengthError(f"{screen.message()}; nothing left to evaluate")
    return kept


def default_output(run_dir: Path, name: str, sha256: str, stage: int) -> Path:
    """``<run_dir>/eval/<name>-<sha256[:12]>-stage<stage>.json``: keyed by the file's
    name, its content and the stage, so that no other file's results replace it."""
    return RunDir(run_dir).eval_output(name, sha256, stage)


@dataclass
class PromptScreen:
    """Which prompts of a split cannot be evaluated, and why.

    Attributes:
        source: the split's file.
        context: the model's context length.
        max_new_tokens: generation budget added to each prompt.
        too_long: indices whose prompt + budget exceeds ``context``.
        unknown: indices whose question or answer holds a word the tokenizer cannot
            represent.
        longest: ``(index, prompt + budget length)`` of the longest prompt.
    """

    source: str
    context: int | None
    max_new_tokens: int
    too_long: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    longest: tuple[int, int] = (-1, 0)

    @property
    def unfit(self) -> list[int]:
        """Indices that cannot be evaluated, sorted."""
        return sorted(set(self.too_long) | set(self.unknown))

    def message(self) -> str:
        """One line naming the file, the counts and the longest example."""
        index, length = self.longest
        return (
            f"{self.source}: {len(self.unfit)} example(s) cannot be evaluated: "
            f"{len(self.too_long)} with prompt + max_new_tokens ({self.max_new_tokens}) longer "
            f"than the model's context of {self.context} (longest: example {index}, {length} "
            f"tokens), {len(self.unknown)} with words the tokenizer cannot represent"
            + (f" (first: example {self.unknown[0]})" if self.unknown else "")
        )

    def summary(self) -> dict[str, Any]:
        """The skipped indices for the results file."""
        return {"count": len(self.unfit), "too_long": self.too_long, "unknown": self.unknown}


def screen_prompts(
    examples: list[TokenizedExample],
    method: Method,
    ids: TokenIds,
    tokenizer: Any,
    context: int | None,
    max_new_tokens: int,
    stage: int,
    source: str,
) -> PromptScreen:
    """Finds the prompts that do not fit ``context`` or hold unknown tokens."""
    screen = PromptScreen(source, context, max_new_tokens)
    for i, example in enumerate(examples):
        prompt = build_prompt(example, stage, method, ids)
        length = prompt.prompt_len + max_new_tokens
        if length > screen.longest[1]:
            screen.longest = (i, length)
        if context is not None and length > context:
            screen.too_long.append(i)
        if count_unknown(tokenizer, [*example.question, *example.answer]):
            screen.unknown.append(i)
    return screen


def _warn_zero_best(cfg: DictConfig, run_dir: Path) -> None:
    """Runs trained before the fallback to the last weights exported a 0-accuracy 'best'."""
    run = RunDir(run_dir)
    if cfg.checkpoint != "model" or not run.is_finished():
        return
    saved = run.read_results()
    if saved.get("best_val_acc") == 0.0 and "val_acc_always_zero" not in saved:
        log.warning(
            "%s: val/acc was 0 at every final-stage epoch and model/ holds the first such "
            "epoch's weights; pass checkpoint=last for the last weights",
            run_dir,
        )


def _no_optimizer(params: Any) -> None:
    raise RuntimeError("coconut-eval does not train")


def _load_model(
    cfg: DictConfig, run_cfg: DictConfig, run_dir: Path, method: Method
) -> tuple[Coconut, Any]:
    run = RunDir(run_dir)
    source = Path(run.model if cfg.checkpoint == "model" else cfg.checkpoint)
    if cfg.checkpoint == "last":
        source = run.last_checkpoint
    if not source.exists():
        raise FileNotFoundError(f"checkpoint={cfg.checkpoint}: {source} does not exist")
    if source.is_dir() and (source / "coconut.json").is_file():
        return Coconut.from_pretrained(source).eval(), AutoTokenizer.from_pretrained(source)
    tokenizer = build_tokenizer(run_cfg.model, [], run_dir)
    adapter = AdapterConfig.from_mapping(run_cfg.get("adapter"))
    model, _ = build_model(
        run_cfg.model,
        tokenizer,
        method.special_tokens(),
        adapter,
        method.latent_markers,
        speed=run_cfg.get("speed"),
    )
    init_weights(model, source, key="checkpoint")
    return model.eval(), tokenizer


def _check_split(cfg: DictConfig, run_cfg: DictConfig) -> None:
    """Refuses a split the run does not have, naming the ones it has (and their files)."""
    if cfg.split_path or cfg.split in run_cfg.data.splits:
        return
    files = {split: Path(str(path)).stem for split, path in run_cfg.data.splits.items()}
    named = [split for split, stem in files.items() if stem == cfg.split]
    hint = f" (the file {cfg.split}.json is split {named[0]!r})" if named else ""
    raise ValueError(
        f"split={cfg.split}: the run has no such split; its splits are {list(files)}{hint}; "
        "pass split_path=<file> for another file"
    )


def _point_at_split_file(cfg: DictConfig, run_cfg: DictConfig, run: RunDir) -> None:
    """Points ``run_cfg.data`` at a regenerated copy of the split when its file is gone
    (:func:`coconut.data.recipe.split_file`: into the package's cache, never to the
    recorded path); a split that cannot be made again is refused, naming the file and
    ``split_path=``."""
    if cfg.split_path or run_cfg.data.get("loader") is not None:
        return
    data = OmegaConf.to_container(run_cfg.data, resolve=True)
    if Path(str(data["splits"][cfg.split])).is_file():
        return
    found = split_file(data, cfg.split, recorded_sha256=run.recorded_sha256(cfg.split))
    run_cfg.data.splits = {cfg.split: str(found)}
    run_cfg.data.generated_dir = str(found.parent)


def _records(cfg: DictConfig, run_cfg: DictConfig, run_dir: Path):
    """The split's records; refuses an empty file and a file of another task."""
    if cfg.split_path:
        records, given = load_examples(cfg.split_path), f"split_path={cfg.split_path}"
    else:
        records = load_split(run_cfg.data, cfg.split)
        given = f"split={cfg.split} ({run_cfg.data.splits[cfg.split]})"
    if len(records) == 0:
        raise ValueError(f"{given}: no examples to evaluate (an empty file?)")
    if cfg.split_path:
        owner = f"the run {run_dir} (data {run_cfg.data.name})"
        check_task(records, given, data_task(run_cfg.data), owner)
    return records


def _source(cfg: DictConfig, run_cfg: DictConfig) -> str:
    return str(cfg.split_path or run_cfg.data.splits[cfg.split])


def _recorded_stage(run_dir: Path) -> int | None:
    """The stage of the run's own final evaluation (``results.json``), if it has one."""
    run = RunDir(run_dir)
    if not run.is_finished():
        return None
    return run.read_results().get("eval_stage")
