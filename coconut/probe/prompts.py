"""Prompts with a forced number of continuous thoughts, batched and padded.

The training text format puts ``question + "\\n"`` first; a Coconut prompt with ``k``
thoughts is that, then ``<|start-latent|>``, ``k`` x ``<|latent|>``, ``<|end-latent|>``
(the layout of :func:`coconut.curriculum.build_prompt` at the final stage). Forcing ``k``
at inference is the paper's protocol for Figures 4 and 8; it suits models trained with
``uniform_prob > 0``, which have seen every number of thoughts.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from transformers import PreTrainedTokenizerBase

from coconut.model import Coconut


@dataclass(frozen=True)
class PromptBatch:
    """Right-padded prompts.

    Attributes:
        input_ids: ``(B, T)``.
        attention_mask: ``(B, T)``.
        lengths: real length of each row.
        latent_starts: column of each row's first ``<|latent|>`` (its bot + 1).
    """

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    lengths: list[int]
    latent_starts: list[int]


def question_ids(tokenizer: PreTrainedTokenizerBase, question: str) -> list[int]:
    """Token ids of the question in the training text format (``question + "\\n"``)."""
    return list(tokenizer(question + "\n", add_special_tokens=False)["input_ids"])


def thought_prompt(
    model: Coconut, tokenizer: PreTrainedTokenizerBase, question: str, k: int
) -> list[int]:
    """``question, bot, latent x k, eot`` as token ids."""
    if k < 0:
        raise ValueError(f"number of thoughts must be >= 0, got {k}")
    bot, latent, eot = model.marker_ids
    return [*question_ids(tokenizer, question), bot, *([latent] * k), eot]


def pad_batch(rows: list[list[int]], pad_id: int, latent_starts: list[int]) -> PromptBatch:
    """Right-pads ``rows`` with ``pad_id``."""
    if not rows:
        raise ValueError("no prompts to batch")
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
        mask[i, : len(row)] = 1
    return PromptBatch(ids, mask, [len(r) for r in rows], latent_starts)


def thought_batch(
    model: Coconut,
    tokenizer: PreTrainedTokenizerBase,
    questions: list[str],
    k: int,
    suffixes: list[list[int]] | None = None,
) -> PromptBatch:
    """Prompts with ``k`` thoughts for ``questions``, each optionally followed by a suffix."""
    rows, starts = [], []
    for i, question in enumerate(questions):
        prompt = thought_prompt(model, tokenizer, question, k)
        starts.append(len(prompt) - k - 1)
        rows.append(prompt + (list(suffixes[i]) if suffixes else []))
    return pad_batch(rows, model.eos_token_id, starts)


def chunks(items: list, size: int) -> list[list]:
    """``items`` in consecutive chunks of at most ``size``."""
    if size < 1:
        raise ValueError(f"batch size must be >= 1, got {size}")
    return [items[i : i + size] for i in range(0, len(items), size)]
