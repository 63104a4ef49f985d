"""The LightningModule: the Coconut model trained on the curriculum, scored by generation.

Every method trains the same :class:`~coconut.model.Coconut` wrapper: on a batch without
``<|latent|>`` tokens its forward is a plain pass of the base model, so the language-only
methods need no second code path. A method that owns its objective
(:meth:`Method.objective <coconut.methods.Method.objective>`) trains on the weighted sum
of its named losses instead, each logged as ``train/loss_<name>``; the training-only
modules it brings live in ``extras``, so every checkpoint holds them and a resumed run
continues them. The curriculum stage (its logging and the optimizer
resets at stage switches) belongs to :mod:`coconut.training.lightning.stage_callback`.
"""

from __future__ import annotations

import contextlib
import logging
import random
from collections.abc import Callable, Iterable
from typing import Any

import lightning as L
import torch
from lightning.pytorch.strategies import FSDPStrategy
from transformers import PreTrainedTokenizerBase, get_scheduler

from coconut.methods import Method
from coconut.model import Coconut
from coconut.model.objective import weighted_total
from coconut.training.lightning.scoring import EvalTally, score_batch

log = logging.getLogger(__name__)

OptimizerFactory = Callable[[Iterable[torch.nn.Parameter]], torch.optim.Optimizer]


class CoconutLitModule(L.LightningModule):
    """Trains a :class:`Coconut` model on curriculum batches and evaluates by generation.

    Args:
        model: the Coconut-wrapped causal LM.
        tokenizer: decodes generations during evaluation.
        method: the training method.
        optimizer: builds the optimizer from parameters (e.g. a partial ``AdamW``).
        scheduler: ``transformers.get_scheduler`` name (``"constant"`` for none).
        warmup_steps: warm-up optimizer steps of the schedule.
        max_new_tokens: generation budget per evaluated example.

    Generation lets the model open latent spans of ``method.latent_steps`` thoughts
    (memory_latent; ``None`` for plain decoding).
    """

    def __init__(
        self,
        model: Coconut,
        tokenizer: PreTrainedTokenizerBase,
        method: Method,
        optimizer: OptimizerFactory,
        *,
        scheduler: str = "constant",
        warmup_steps: int = 0,
        max_new_tokens: int = 64,
    ) -> None:
        super().__init__()
        self.model = model
        self.tokenizer = tokenizer
        self.method = method
        self.optimizer_factory = optimizer
        self.scheduler_name = scheduler
        self.warmup_steps = warmup_steps
        self.max_new_tokens = max_new_tokens
        self.keep_predictions = False
        self.predictions: list[dict[str, Any]] = []
        self._tally = EvalTally()
        self.objective = method.objective()
        modules = {} if self.objective is None else self.objective.training_modules(model)
        self.extras = torch.nn.ModuleDict(modules)

    # -- training -------------------------------------------------------------------
    def forward(self, batch: dict[str, Any]):
        return self.model(
            batch["input_ids"],
            batch["attention_mask"],
            labels=batch.get("labels"),
            position_ids=batch.get("position_ids"),
        )

    def training_step(self, batch: dict[str, Any], batch_idx: int) -> torch.Tensor:
        size = batch["input_ids"].shape[0]
        if self.objective is None:
            loss = self(batch).loss
        else:
            parts = self.objective.losses(self.model, batch, self.extras)
            loss = weighted_total(parts, self.objective.weights)
            for name, value in parts.items():
                self.log(f"train/loss_{name}", value, batch_size=size, sync_dist=True)
        self.log("train/loss", loss, prog_bar=True, batch_size=size, sync_dist=True)
        return loss

    def configure_optimizers(self) -> Any:
        optimizer = self.optimizer_factory(self.parameters())
        if self.scheduler_name == "constant" and self.warmup_steps == 0:
            return optimizer
        scheduler = get_scheduler(
            self.scheduler_name,
            optimizer,
            num_warmup_steps=self.warmup_steps,
            num_training_steps=int(self.trainer.estimated_stepping_batches),
        )
        return {
            "optimizer": optimizer,
            "lr_scheduler": {"scheduler": scheduler, "interval": "step"},
        }

    # -- evaluation -----------------------------------------------------------------
    def on_validation_epoch_start(self) -> None:
        self._start_eval()

    def validation_step(self, batch: dict[str, Any], batch_idx: int) -> None:
        self._eval_step(batch)

    def on_validation_epoch_end(self) -> None:
        self._end_eval("val")

    def on_test_epoch_start(self) -> None:
        self._start_eval()

    def test_step(self, batch: dict[str, Any], batch_idx: int) -> None:
        self._eval_step(batch)

    def on_test_epoch_end(self) -> None:
        self._end_eval("test")

    def _start_eval(self) -> None:
        self._tally = EvalTally()
        self.predictions = []

    def _eval_step(self, batch: dict[str, Any]) -> None:
        with self._full_parameters():
            scored = score_batch(
                self.model, batch, self.tokenizer, self.max_new_tokens, self.method.latent_steps
            )
        self._tally.add(scored.tally)
        if self.keep_predictions:
            self.predictions.extend(scored.predictions)

    def _full_parameters(self) -> contextlib.AbstractContextManager:
        """Under FSDP, gathers the whole model: generation calls submodules directly.

        Not exercised by the test suite (it needs GPUs).
        """
        strategy = self.trainer.strategy
        if not isinstance(strategy, FSDPStrategy):
            return contextlib.nullcontext()
        from torch.distributed.fsdp import FullyShardedDataParallel

        return FullyShardedDataParallel.summon_full_params(strategy.model, writeback=False)

    def _end_eval(self, prefix: str) -> None:
        totals = self.trainer.strategy.reduce(self._tally.to_tensor(self.device), reduce_op="sum")
        tally = EvalTally.from_tensor(totals)
        if tally.total == 0:
            return
        for name, value in tally.metrics().items():
            self.log(f"{prefix}/{name}", value, prog_bar=name == "acc", sync_dist=False)

    # -- checkpoints ----------------------------------------------------------------
    def on_save_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        # Random states, so that a resumed run draws the dropout masks it would have.
        checkpoint["rng_states"] = {
            "torch": torch.get_rng_state(),
            "python": random.getstate(),
            "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        }

    def on_load_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        states = checkpoint.get("rng_states")
        if not states:
            return
        torch.set_rng_state(states["torch"])
        random.setstate(_as_python_state(states["python"]))
        if states["cuda"] and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(states["cuda"])


def _as_python_state(state: Any) -> tuple:
    """``random`` state back from a checkpoint (lists may come back where tuples went in)."""
    version, internal, gauss = state
    return version, tuple(internal), gauss
