"""Scoring generated answers: one batch at a time, summed over an evaluation.

Shared by validation during training and by ``coconut-eval``. The prediction is the text
after the last ``###`` of the generation (``coconut.curriculum.extract_answer``), compared
with the gold answer after ``coconut.data.normalize_answer``. Generated tokens are counted
as the paper counts them: new tokens (eos included) plus the latent thoughts of the prompt.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, fields
from typing import Any

import torch
from transformers import PreTrainedTokenizerBase

from coconut.curriculum import extract_answer
from coconut.data import normalize_answer
from coconut.model import Coconut


@dataclass
class EvalTally:
    """Sums over the examples scored so far (padding rows excluded).

    Attributes:
        correct: exact matches.
        total: examples scored.
        gen_tokens: new tokens plus latent thoughts, summed over examples.
        forward_passes: model passes of each example's batch, summed over examples.
        seconds: wall-clock generation time, split evenly over a batch's examples.
    """

    correct: float = 0.0
    total: float = 0.0
    gen_tokens: float = 0.0
    forward_passes: float = 0.0
    seconds: float = 0.0

    def add(self, other: EvalTally) -> None:
        """Adds ``other``'s sums to this tally."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def to_tensor(self, device: torch.device | str = "cpu") -> torch.Tensor:
        """The sums as a float64 vector (for reducing across processes)."""
        return torch.tensor(
            [getattr(self, f.name) for f in fields(self)], dtype=torch.float64, device=device
        )

    @classmethod
    def from_tensor(cls, values: torch.Tensor) -> EvalTally:
        """Inverse of :meth:`to_tensor`."""
        return cls(*(float(v) for v in values.tolist()))

    def metrics(self) -> dict[str, float]:
        """Means per example: ``acc``, ``gen_tokens``, ``forward_passes``, ``sec_per_example``.

        Raises:
            ValueError: if nothing was scored.
        """
        if self.total <= 0:
            raise ValueError("no examples were scored")
        n = self.total
        return {
            "acc": self.correct / n,
            "gen_tokens": self.gen_tokens / n,
            "forward_passes": self.forward_passes / n,
            "sec_per_example": self.seconds / n,
            "num_examples": n,
        }


@dataclass
class ScoredBatch:
    """One batch's tally and its per-example predictions (real rows only)."""

    tally: EvalTally
    predictions: list[dict[str, Any]]


@torch.no_grad()
def score_batch(
    model: Coconut,
    batch: dict[str, Any],
    tokenizer: PreTrainedTokenizerBase,
    max_new_tokens: int,
    latent_steps: int | None = None,
) -> ScoredBatch:
    """Generates greedily for a prompt batch and scores it against the gold answers.

    Args:
        model: the Coconut model (in eval mode).
        batch: a prompt batch from ``CurriculumDataModule.eval_dataloader``: ``input_ids``,
            ``attention_mask``, ``n_latent``, ``index``, ``real`` and ``answer``.
        tokenizer: decodes the generations.
        max_new_tokens: generation budget per example.
        latent_steps: thoughts per latent span the model opens while generating
            (memory_latent); those thoughts and markers count as generated tokens.

    Returns:
        The batch's tally and one record per real row: index, gold, prediction, text.
    """
    start = time.perf_counter()
    extra = {} if latent_steps is None else {"latent_steps": latent_steps}
    result = model.generate(batch["input_ids"], batch["attention_mask"], max_new_tokens, **extra)
    seconds = time.perf_counter() - start
    new_tokens = result.num_new_tokens.tolist()
    real = batch["real"].tolist()
    n_real = sum(real)
    tally, predictions = EvalTally(), []
    for row, is_real in enumerate(real):
        if not is_real:
            continue
        text = tokenizer.decode(result.sequences[row, : new_tokens[row]].tolist())
        predicted = normalize_answer(extract_answer(text, tokenizer.eos_token))
        gold = normalize_answer(batch["answer"][row])
        n_latent = int(batch["n_latent"][row])
        tally.correct += float(predicted == gold)
        tally.gen_tokens += new_tokens[row] + n_latent
        tally.forward_passes += result.num_forward_passes
        tally.seconds += seconds / max(n_real, 1)
        tally.total += 1
        predictions.append(
            {
                "index": int(batch["index"][row]),
                "gold": gold,
                "predicted": predicted,
                "correct": predicted == gold,
                "generated": text,
            }
        )
    return ScoredBatch(tally, predictions)
