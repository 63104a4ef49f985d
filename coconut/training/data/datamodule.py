"""The Lightning data module: tokenized splits laid out for the current curriculum stage.

Examples are tokenized once. Each epoch, ``train_dataloader`` lays them out for the stage
the :class:`~coconut.training.lightning.stage_callback.CurriculumCallback` says that epoch
trains (with the method's stage mixing) in the order
:class:`~coconut.training.data.sampler.EpochSampler` draws from ``(seed, epoch)``. The
callback has the trainer rebuild the loader every epoch; the trainer must leave sampling to
this module (``use_distributed_sampler=False``, which ``coconut.training`` sets).

Evaluation loaders yield left-padded prompts (the layout cut where generation starts) with
the gold answers, the number of latent thoughts and a flag marking rank padding.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import lightning as L
from torch.utils.data import Dataset

from coconut.curriculum import (
    Collator,
    Method,
    TokenizedExample,
    build_prompt,
    build_sequence,
    build_views,
    example_rng,
)
from coconut.model.tokens import TokenIds
from coconut.training.data.sampler import EpochSampler, ResumableDataLoader
from coconut.training.lightning.stage_callback import CurriculumCallback

log = logging.getLogger(__name__)


class StageDataset(Dataset):
    """Training layouts of one epoch, built on access.

    Args:
        examples: tokenized training examples.
        stage: the epoch's scheduled stage.
        epoch: the epoch (seeds stage mixing with ``seed`` and the example index).
        seed: run seed.
        method: method config.
        ids: special token ids.
        shuffle: rewrites an example before it is laid out (e.g.
            :class:`~coconut.training.data.fact_shuffle.FactShuffle` or
            :class:`~coconut.training.data.symbolic_rewrite.SymbolicRewrite`); ``None`` leaves
            it as it is.
    """

    def __init__(
        self,
        examples: Sequence[TokenizedExample],
        *,
        stage: int,
        epoch: int,
        seed: int,
        method: Method,
        ids: TokenIds,
        shuffle: Callable[..., TokenizedExample] | None = None,
    ) -> None:
        self.examples, self.stage, self.epoch = examples, stage, epoch
        self.seed, self.method, self.ids = seed, method, ids
        self.shuffle = shuffle

    def __len__(self) -> int:
        return len(self.examples)

    def __getitem__(self, index: int) -> dict[str, Any]:
        ex = self.examples[index]
        if self.shuffle is not None:
            ex = self.shuffle(index, ex, seed=self.seed, epoch=self.epoch)
        stage = self.method.sample_stage(ex, self.stage, example_rng(self.seed, self.epoch, index))
        seq = build_sequence(ex, stage, self.method, self.ids)
        feature: dict[str, Any] = {"input_ids": seq.input_ids, "labels": seq.labels}
        views = build_views(ex, stage, self.method, self.ids)
        if views:  # the method's own objective reads them (e.g. CODI's teacher)
            feature["views"] = {
                name: {"input_ids": view.input_ids, "labels": view.labels}
                for name, view in views.items()
            }
        return feature


class PromptDataset(Dataset):
    """Evaluation prompts of one split at one stage, with their gold answers.

    The dataset can be longer than the split (``length``): index ``i`` then shows
    example ``i % len(examples)`` with ``real = 0``, so that every rank gets the same
    number of batches while each example is scored once.

    Args:
        examples: tokenized examples.
        answers: gold answer text of each example.
        stage: stage whose layout the prompts use.
        method: method config.
        ids: special token ids.
        length: dataset length, at least ``len(examples)``; defaults to it.
    """

    def __init__(
        self,
        examples: Sequence[TokenizedExample],
        answers: Sequence[str],
        *,
        stage: int,
        method: Method,
        ids: TokenIds,
        length: int | None = None,
    ) -> None:
        if len(examples) != len(answers):
            raise ValueError(f"{len(examples)} examples but {len(answers)} answers")
        self.examples, self.answers = examples, answers
        self.stage, self.method, self.ids = stage, method, ids
        self.length = len(examples) if length is None else length
        if self.length < len(examples):
            raise ValueError(f"length {self.length} < {len(examples)} examples")

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> dict[str, Any]:
        j = index % len(self.examples)
        prompt = build_prompt(self.examples[j], self.stage, self.method, self.ids)
        return {
            "input_ids": prompt.input_ids,
            "n_latent": prompt.n_latent,
            "index": j,
            "real": int(index < len(self.examples)),
            "answer": self.answers[j],
        }


class CurriculumDataModule(L.LightningDataModule):
    """Serves each epoch's training layouts and the evaluation prompts.

    Args:
        splits: tokenized examples per split (``train`` and any of ``val``, ``test``).
        answers: gold answer text per evaluation split, aligned with ``splits``.
        curriculum: the run's curriculum callback, which decides every stage (its
            ``method`` lays out the examples).
        ids: special token ids (eos doubles as padding).
        batch_size: training batch size per process.
        eval_batch_size: evaluation batch size per process.
        seed: run seed (data order and stage mixing).
        num_workers: ``DataLoader`` workers.
        test_split: the split ``test_dataloader`` serves.
        shuffle: per-epoch rewriting of the training examples (``data.shuffle_facts``).
    """

    def __init__(
        self,
        splits: Mapping[str, Sequence[TokenizedExample]],
        answers: Mapping[str, Sequence[str]],
        curriculum: CurriculumCallback,
        ids: TokenIds,
        *,
        batch_size: int,
        eval_batch_size: int,
        seed: int,
        num_workers: int = 0,
        test_split: str = "test",
        shuffle: Callable[..., TokenizedExample] | None = None,
    ) -> None:
        super().__init__()
        if batch_size < 1 or eval_batch_size < 1:
            raise ValueError(
                f"batch sizes must be >= 1, got batch_size={batch_size}, "
                f"eval_batch_size={eval_batch_size}"
            )
        self.splits, self.answers = dict(splits), dict(answers)
        self.curriculum, self.method, self.ids = curriculum, curriculum.method, ids
        self.batch_size, self.eval_batch_size = batch_size, eval_batch_size
        self.seed, self.num_workers = seed, num_workers
        self.test_split = test_split
        self.shuffle = shuffle
        self.train_collator = Collator(pad_id=ids.eos, latent_id=ids.latent)
        self.prompt_collator = Collator(pad_id=ids.eos)

    # -- where we are -------------------------------------------------------------
    def _epoch(self) -> int:
        trainer = self._trainer_or_none()
        return trainer.current_epoch if trainer is not None else 0

    def _world(self) -> tuple[int, int]:
        trainer = self._trainer_or_none()
        return (trainer.global_rank, trainer.world_size) if trainer is not None else (0, 1)

    def _trainer_or_none(self) -> L.Trainer | None:
        return self.trainer if getattr(self, "trainer", None) is not None else None

    def current_stage(self) -> int:
        """The training stage of the trainer's current epoch (asked of the curriculum)."""
        return self.curriculum.train_stage(self._trainer_or_none())

    def current_eval_stage(self) -> int:
        """The stage evaluation prompts use now (asked of the curriculum)."""
        return self.curriculum.eval_stage(self._trainer_or_none())

    # -- loaders --------------------------------------------------------------------
    def train_dataloader(self) -> ResumableDataLoader:
        if not self.splits.get("train"):
            raise ValueError("CurriculumDataModule: the 'train' split is missing or empty")
        epoch, stage = self._epoch(), self.current_stage()
        rank, world = self._world()
        dataset = StageDataset(
            self.splits["train"],
            stage=stage,
            epoch=epoch,
            seed=self.seed,
            method=self.method,
            ids=self.ids,
            shuffle=self.shuffle,
        )
        sampler = EpochSampler(
            len(dataset), seed=self.seed, epoch=epoch, rank=rank, world_size=world
        )
        log.info("epoch %d: training %s at stage %d", epoch, self.method.name, stage)
        return ResumableDataLoader(
            dataset,
            sampler,
            self.batch_size,
            collate_fn=self.train_collator,
            num_workers=self.num_workers,
        )

    def eval_dataloader(self, split: str, stage: int | None = None) -> ResumableDataLoader:
        """Prompts of ``split`` at ``stage`` (default: :meth:`current_eval_stage`)."""
        if split not in self.splits or not self.splits[split]:
            raise ValueError(f"no {split!r} split to evaluate; have {sorted(self.splits)}")
        stage = self.current_eval_stage() if stage is None else stage
        rank, world = self._world()
        n = len(self.splits[split])
        prompts = PromptDataset(
            self.splits[split],
            self.answers[split],
            stage=stage,
            method=self.method,
            ids=self.ids,
            length=-(-n // world) * world,
        )
        sampler = EpochSampler(
            len(prompts), seed=self.seed, epoch=0, shuffle=False, rank=rank, world_size=world
        )
        return ResumableDataLoader(
            prompts,
            sampler,
            self.eval_batch_size,
            collate_fn=self.prompt_collator,
            num_workers=self.num_workers,
        )

    def val_dataloader(self) -> ResumableDataLoader:
        return self.eval_dataloader("val")

    def test_dataloader(self) -> ResumableDataLoader:
        return self.eval_dataloader(self.test_split)
