"""From loaded records to tokenized examples, with the context-length check.

Examples are tokenized once per run. Before training starts, every example's longest
training layout (over all stages the method schedules) and every evaluation prompt plus
the generation budget must fit the model's context; otherwise training would crash part
way, so the first offending example is named now.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from transformers import PreTrainedTokenizerBase

from coconut.curriculum import (
    Method,
    TokenIds,
    TokenizedExample,
    build_prompt,
    build_sequence,
    schedule_stages,
    tokenize_example,
)


class ContextLengthError(ValueError):
    """An example does not fit the model's context."""


def tokenize_split(
    records: Iterable[Mapping], tokenizer: PreTrainedTokenizerBase, source: str
) -> tuple[list[TokenizedExample], list[str]]:
    """Tokenized examples and gold answers of one split.

    Raises:
        ValueError: naming ``source``, the example index and field of a malformed record.
    """
    examples, answers = [], []
    for i, record in enumerate(records):
        examples.append(tokenize_example(record, tokenizer, index=i, source=source))
        answers.append(record["answer"])
    return examples, answers


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
    stages = schedule_stages(method)
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
        return length, "training sequence"
    eval_stages = stages if eval_stage is None else (eval_stage,)
    length = max_new_tokens + max(build_prompt(ex, k, method, ids).prompt_len for k in eval_stages)
    return length, "prompt + eval.max_new_tokens"
