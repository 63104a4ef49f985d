"""Tokenized examples: a record as token ids, in the training text format.

A record ``{"question": str, "steps": list[str], "answer": str}`` becomes a
:class:`TokenizedExample` in the training text format: the question and every step end
with a newline, and the answer reads ``"### " + answer`` followed by the eos token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from transformers import PreTrainedTokenizerBase


@dataclass(frozen=True)
class TokenizedExample:
    """One example as token ids.

    Attributes:
        question: ids of ``question + "\\n"``.
        steps: ids of ``step + "\\n"`` for each reasoning step.
        answer: ids of ``"### " + answer`` followed by eos.
        step_kinds: ``"memory"`` / ``"reason"`` per step, when the record carries them
            (the memory/reason methods need them).
    """

    question: list[int]
    steps: list[list[int]]
    answer: list[int]
    step_kinds: tuple[str, ...] | None = None


def check_record(record: object, index: int | None = None, source: str | None = None) -> None:
    """Raises ``ValueError`` naming the source, index and field if ``record`` is malformed."""
    where = _where(index, source)
    if not isinstance(record, Mapping):
        raise ValueError(f"{where}: expected a mapping, got {type(record).__name__}")
    for key in ("question", "steps", "answer"):
        if key not in record:
            raise ValueError(f"{where}: missing field {key!r}")
    for key in ("question", "answer"):
        if not isinstance(record[key], str):
            raise ValueError(
                f"{where}: field {key!r} must be a str, got {type(record[key]).__name__}"
            )
    steps = record["steps"]
    if not isinstance(steps, (list, tuple)) or not all(isinstance(s, str) for s in steps):
        raise ValueError(f"{where}: field 'steps' must be a list of str")


def tokenize_example(
    record: Mapping,
    tokenizer: PreTrainedTokenizerBase,
    *,
    index: int | None = None,
    source: str | None = None,
) -> TokenizedExample:
    """Tokenizes one ``{question, steps, answer}`` record.

    Args:
        record: the example.
        tokenizer: tokenizer with an eos token; special tokens are not added.
        index: position of the record in its file, for error messages.
        source: file the record came from, for error messages.

    Raises:
        ValueError: naming the source, index and field, if the record is malformed or the
            tokenizer has no eos token.
    """
    check_record(record, index, source)
    if tokenizer.eos_token_id is None:
        raise ValueError("tokenizer has no eos token; set tokenizer.eos_token")
    texts = [record["question"] + "\n", *(s + "\n" for s in record["steps"])]
    texts.append("### " + record["answer"])
    encoded = tokenizer(texts, add_special_tokens=False)["input_ids"]
    return TokenizedExample(
        question=list(encoded[0]),
        steps=[list(ids) for ids in encoded[1:-1]],
        answer=[*encoded[-1], tokenizer.eos_token_id],
        step_kinds=tuple(record["step_kinds"]) if record.get("step_kinds") is not None else None,
    )


def _where(index: int | None, source: str | None) -> str:
    parts = [source or "record"]
    if index is not None:
        parts.append(f"example {index}")
    return ", ".join(parts)
