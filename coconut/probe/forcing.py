"""Forcing ``k`` continuous thoughts at inference and reading what the model writes.

For each ``k`` the prompts get exactly ``k`` latents (see :mod:`coconut.probe.prompts`),
and the model decodes greedily in batches with ``Coconut.generate``. The paper uses this
protocol for its Figures 4 and 8 on models trained with ``uniform_prob > 0``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from tqdm.auto import tqdm
from transformers import PreTrainedTokenizerBase

from coconut.curriculum import extract_answer
from coconut.data import normalize_answer
from coconut.model import Coconut
from coconut.probe.prompts import chunks, thought_batch


@dataclass
class ForcedOutput:
    """What the model wrote after ``k`` forced thoughts.

    Attributes:
        k: the number of thoughts.
        text: the decoded continuation (cut after eos).
        predicted: the answer read out of it, normalised.
        correct: whether it matches the gold answer.
        new_tokens: tokens generated (eos included).
    """

    k: int
    text: str
    predicted: str
    correct: bool
    new_tokens: int


@torch.no_grad()
def generate_with_thoughts(
    model: Coconut,
    tokenizer: PreTrainedTokenizerBase,
    questions: list[str],
    answers: list[str],
    k: int,
    *,
    max_new_tokens: int = 64,
    batch_size: int = 32,
    progress: bool = False,
) -> list[ForcedOutput]:
    """Greedy generation after ``k`` forced thoughts, one output per question.

    Raises:
        ValueError: if ``questions`` and ``answers`` differ in length.
    """
    if len(questions) != len(answers):
        raise ValueError(f"{len(questions)} questions but {len(answers)} answers")
    device = next(model.parameters()).device
    outputs: list[ForcedOutput] = []
    groups = chunks(list(range(len(questions))), batch_size)
    for group in tqdm(groups, desc=f"generate k={k}", disable=not progress, leave=False):
        batch = thought_batch(model, tokenizer, [questions[i] for i in group], k)
        result = model.generate(
            batch.input_ids.to(device), batch.attention_mask.to(device), max_new_tokens
        )
        for row, i in enumerate(group):
            n = int(result.num_new_tokens[row])
            text = tokenizer.decode(result.sequences[row, :n].tolist())
            predicted = normalize_answer(extract_answer(text, tokenizer.eos_token))
            correct = predicted == normalize_answer(answers[i])
            outputs.append(ForcedOutput(k, text, predicted, correct, n))
    return outputs
