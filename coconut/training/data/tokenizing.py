"""From loaded records to tokenized examples, with the context-length check.

A split loaded as a ``datasets.Dataset`` is tokenized with ``Dataset.map``, whose cache
file is keyed by a fingerprint of the data and of the tokenizer: a second run of the same
config reads the token ids back instead of tokenizing again, and logs that it did.

Before training starts, every example's longest training layout (over all stages the
method schedules) and every evaluation prompt plus the generation budget must fit the
model's context; otherwise training would crash part way, so the first offending example
is named now.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import datasets
from datasets.fingerprint import Hasher
from transformers import PreTrainedTokenizerBase

from coconut.curriculum import (
    Method,
    TokenizedExample,
    build_prompt,
    build_sequence,
    build_views,
    tokenize_example,
)
from coconut.curriculum.examples import tokenize_batch
from coconut.model.tokens import TokenIds

log = logging.getLogger(__name__)

TOKENIZED_FORMAT = "coconut-tokenized-v1"
"""Part of the cache fingerprint: change it when the tokenized columns change meaning."""
_COLUMNS = ("question_ids", "step_ids", "answer_ids")
_KEPT = ("answer", "step_kinds")


class ContextLengthError(ValueError):
    """An example does not fit the model's context."""


def tokenize_split(
    records: Iterable[Mapping], tokenizer: PreTrainedTokenizerBase, source: str
) -> tuple[list[TokenizedExample], list[str]]:
    """Tokenized examples and gold answers of one split.

    A ``datasets.Dataset`` goes through :func:`tokenize_dataset` (cached); other records
    are tokenized one by one.

    Raises:
        ValueError: naming ``source``, the example index and field of a malformed record.
    """
    if isinstance(records, datasets.Dataset):
        return tokenize_dataset(records, tokenizer, source)
    examples, answers = [], []
    for i, record in enumerate(records):
        examples.append(tokenize_example(record, tokenizer, index=i, source=source))
        answers.append(record["answer"])
    return examples, answers


def tokenize_dataset(
    dataset: datasets.Dataset, tokenizer: PreTrainedTokenizerBase, source: str
) -> tuple[list[TokenizedExample], list[str]]:
    """Tokenizes ``dataset`` with ``Dataset.map``, through the ``datasets`` cache.

    The cache file is named by a fingerprint of the dataset, the tokenizer and
    :data:`TOKENIZED_FORMAT`; when it exists the tokenizer is not called and the log says
    so. A dataset held in memory (no cache files) is tokenized every time.
    """
    fingerprint = tokenized_fingerprint(dataset, tokenizer)
    batches: list[int] = []

    def encode(batch: dict[str, list], indices: list[int]) -> dict[str, list]:
        batches.append(len(indices))
        columns = list(batch.values())
        rows = [{key: col[i] for key, col in zip(batch, columns, strict=True)}
                for i in range(len(indices))]  # fmt: skip
        examples = tokenize_batch(rows, tokenizer, first_index=indices[0], source=source)
        return {
            "question_ids": [ex.question for ex in examples],
            "step_ids": [ex.steps for ex in examples],
            "answer_ids": [ex.answer for ex in examples],
        }

    tokenized = dataset.map(
        encode,
        batched=True,
        with_indices=True,
        remove_columns=[c for c in dataset.column_names if c not in _KEPT],
        new_fingerprint=fingerprint,
        desc=f"tokenizing {source}",
    )
    if batches:
        log.info("tokenized %d examples of %s (cache %s)", sum(batches), source, fingerprint)
    else:
        log.info("tokenized %s: read from the datasets cache (%s)", source, fingerprint)
    columns = {name: tokenized[name] for name in (*_COLUMNS, "answer")}
    kinds = tokenized["step_kinds"] if "step_kinds" in tokenized.column_names else None
    examples = [
        TokenizedExample(
            question=list(q),
            steps=[list(s) for s in steps],
            answer=list(a),
            step_kinds=None if kinds is None else tuple(kinds[i]),
        )
        for i, (q, steps, a) in enumerate(zip(*(columns[name] for name in _COLUMNS), strict=True))
    ]
    return examples, list(columns["answer"])


def tokenized_fingerprint(dataset: datasets.Dataset, tokenizer: PreTrainedTokenizerBase) -> str:
    """The cache key of a tokenized split: the data's fingerprint and the tokenizer's state."""
    return hashlib.sha256(
        "\n".join([TOKENIZED_FORMAT, dataset._fingerprint, _tokenizer_state(tokenizer)]).encode()
    ).hexdigest()[:32]


def _tokenizer_state(tokenizer: PreTrainedTokenizerBase) -> str:
    backend: Any = getattr(tokenizer, "backend_tokenizer", None)
    text = backend.to_str() if backend is not None else Hasher.hash(tokenizer.get_vocab())
    return f"{text}\neos={tokenizer.eos_token_id}"


def check_context(
    splits: Mapping[str, Sequence[TokenizedExample]],
    method: Method,
    ids: TokenIds,
    context: int | None,
    max_new_tokens: int,
    eval_stage: int | None = None,
) -> None:
    """Raises :class:`ContextLengthError` if a layout or prompt + budget exceeds ``context``.

    Args:
        splits: tokenized examples per split; ``train`` is checked at every scheduled
            stage, the others as evaluation prompts.
        method: method config.
        ids: special token ids.
        context: the model's context length (``None``: unknown, nothing to check).
        max_new_tokens: generation budget added to each prompt.
        eval_stage: forced evaluation stage, if any (else every scheduled stage).

    Raises:
        ValueError: naming the split and example that the method cannot lay out (e.g.
            steps without memory/reason kinds for memory_reason).
    """
    stages = method.stages()
    for split, examples in splits.items():
        for i, ex in enumerate(examples):
            try:
                length, what = _longest(split, ex, method, ids, stages, max_new_tokens, eval_stage)
            except ValueError as err:  # e.g. a method that needs step kinds the data lacks
                raise ValueError(f"split {split!r}, example {i}: {err}") from err
            if context is not None and length > context:
                raise ContextLengthError(
                    f"split {split!r}, example {i}: {what} has {length} tokens, more than the "
                    f"model's context of {context}; shorten the data, lower eval.max_new_tokens "
                    "or use a model with a longer context"
                )


def _longest(
    split: str,
    ex: TokenizedExample,
    method: Method,
    ids: TokenIds,
    stages: tuple[int, ...],
    max_new_tokens: int,
    eval_stage: int | None,
) -> tuple[int, str]:
    """The longest training layout (train) or prompt + budget (other splits) of ``ex``."""
    if split == "train":
        length = max(len(build_sequence(ex, k, method, ids).input_ids) for k in stages)
        views = [len(v.input_ids) for k in stages for v in build_views(ex, k, method, ids).values()]
        return max([length, *views]), "training sequence"
    eval_stages = stages if eval_stage is None else (eval_stage,)
    length = max_new_tokens + max(build_prompt(ex, k, method, ids).prompt_len for k in eval_stages)
    return length, "prompt + eval.max_new_tokens"
