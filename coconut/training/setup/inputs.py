"""What a run trains on, and the Lightning parts built from it.

:func:`prepare_inputs` loads (or generates) the data, builds the tokenizer (saved in the
run directory for scratch models) and the model, tokenizes every split, checks that the
prompts fit the model's context and picks the per-epoch rewrite of the training examples.
:func:`lightning_parts` turns the result into the Lightning module, the curriculum callback
and the data module.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import hydra
from omegaconf import DictConfig
from transformers import PreTrainedTokenizerBase

from coconut.curriculum import TokenizedExample
from coconut.methods import Method
from coconut.model import Coconut
from coconut.model.adapters import AdapterConfig
from coconut.model.tokens import TokenIds
from coconut.training.data.datamodule import CurriculumDataModule
from coconut.training.data.fact_shuffle import FactShuffle
from coconut.training.data.fresh_graphs import fresh_graphs
from coconut.training.data.sources import load_splits
from coconut.training.data.symbolic_rewrite import SymbolicRewrite
from coconut.training.data.tokenizing import check_context, tokenize_split
from coconut.training.lightning.module import CoconutLitModule
from coconut.training.lightning.stage_callback import CurriculumCallback
from coconut.training.setup.model import build_model, build_tokenizer, context_length

log = logging.getLogger(__name__)


@dataclass
class RunInputs:
    """What a run trains on: the model, its tokenizer and the tokenized splits."""

    model: Coconut
    tokenizer: PreTrainedTokenizerBase
    ids: TokenIds
    splits: dict[str, list[TokenizedExample]]
    answers: dict[str, list[str]]
    shuffle: FactShuffle | SymbolicRewrite | None = None


def prepare_inputs(cfg: DictConfig, method: Method, run_dir: Path) -> RunInputs:
    """Loads (or generates) the data, builds tokenizer and model, checks the lengths."""
    records = load_splits(cfg.data)
    check_steps(method, records["train"], str(cfg.data.splits.train))
    tokenizer = build_tokenizer(cfg.model, records["train"], run_dir, cfg.get("init_from"))
    adapter = AdapterConfig.from_mapping(cfg.get("adapter"))
    model, ids = build_model(
        cfg.model,
        tokenizer,
        method.special_tokens(),
        adapter,
        method.latent_markers,
        speed=cfg.get("speed"),
        thought_projection=method.thought_projection,
    )
    splits, answers = {}, {}
    for split, dataset in records.items():
        splits[split], answers[split] = tokenize_split(dataset, tokenizer, cfg.data.splits[split])
    check_context(
        splits, method, ids, context_length(model), cfg.eval.max_new_tokens, cfg.eval.stage
    )
    warn_short_curriculum(method, splits["train"])
    shuffle = _epoch_rewrite(cfg, records, tokenizer)
    return RunInputs(model, tokenizer, ids, splits, answers, shuffle)


def check_steps(method: Method, train, source: str) -> None:
    """Refuses training data without reasoning steps for a method that reads them.

    Raises:
        ValueError: naming the method, the file and the first examples without steps.
    """
    if not method.needs_steps:
        return
    missing = [i for i, steps in enumerate(train["steps"]) if not steps]
    if missing:
        raise ValueError(
            f"method {method.name} needs the reasoning steps of every training example, "
            f"but {source} has {len(missing)} example(s) without steps (indices "
            f"{missing[:10]})"
        )


def _epoch_rewrite(cfg: DictConfig, records, tokenizer) -> FactShuffle | SymbolicRewrite | None:
    """How training examples are rewritten each epoch: ``data.fresh_graphs``,
    ``data.relabel_nodes`` and ``data.resample_paths`` (which also reorder with
    ``data.shuffle_facts``), ``data.shuffle_facts`` alone, or not at all."""
    train, source = records["train"], str(cfg.data.splits.train)
    shuffle_facts = bool(cfg.data.get("shuffle_facts", False))
    relabel_nodes = bool(cfg.data.get("relabel_nodes", False))
    resample_paths = bool(cfg.data.get("resample_paths", False))
    fresh = fresh_graphs(cfg.data, records)
    if relabel_nodes or resample_paths or fresh is not None:
        return SymbolicRewrite(
            list(train), tokenizer, source, relabel_nodes=relabel_nodes,
            resample_paths=resample_paths, shuffle_facts=shuffle_facts,
            own_ids=bool(cfg.data.get("relabel_own_ids", False)), fresh=fresh,
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


def lightning_parts(
    cfg: DictConfig, method: Method, inputs: RunInputs
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
