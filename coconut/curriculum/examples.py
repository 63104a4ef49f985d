"""Tokenized examples: a record as token ids, in the training text format.

A record ``{"question": str, "steps": list[str], "answer": str}`` becomes a
:class:`~coconut.data.tokenized.TokenizedExample` in the training text format of
:mod:`coconut.curriculum.text_format` (question and steps end with a newline, the answer
reads ``"### " + answer``), followed by the eos token. Records are checked by
:func:`coconut.data.schema.check_record`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from transformers import PreTrainedTokenizerBase

from coconut.curriculum.text_format import record_texts
from coconut.data.schema import Record, check_record
from coconut.data.tokenized import TokenizedExample

__all__ = ["TokenizedExample", "tokenize_batch", "tokenize_example"]


def tokenize_example(
    record: Record,
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
    encoded = tokenizer(record_texts(record), add_special_tokens=False)["input_ids"]
    return _from_encoded(encoded, tokenizer.eos_token_id, record)


def tokenize_batch(
    records: Sequence[Mapping],
    tokenizer: PreTrainedTokenizerBase,
    *,
    first_index: int = 0,
    source: str | None = None,
) -> list[TokenizedExample]:
    """:func:`tokenize_example` of many records, with one call to the tokenizer.

    Args:
        records: the examples.
        tokenizer: tokenizer with an eos token.
        first_index: index of ``records[0]`` in its file, for error messages.
        source: the file, for error messages.
    """
    for i, record in enumerate(records):
        check_record(record, first_index + i, source)
    if tokenizer.eos_token_id is None:
        raise ValueError("tokenizer has no eos token; set tokenizer.eos_token")
    pieces = [record_texts(record) for record in records]
    flat = [text for texts in pieces for text in texts]
    encoded = tokenizer(flat, add_special_tokens=False)["input_ids"] if flat else []
    examples, start = [], 0
    for record, texts in zip(records, pieces, strict=True):
        chunk = encoded[start : start + len(texts)]
        examples.append(_from_encoded(chunk, tokenizer.eos_token_id, record))
        start += len(texts)
    return examples


def _from_encoded(encoded: list[list[int]], eos: int, record: Mapping) -> TokenizedExample:
    """The example from the encoded pieces of :func:`record_texts` (eos appended), with
    the record's step kinds."""
    return TokenizedExample(
        question=list(encoded[0]),
        steps=[list(ids) for ids in encoded[1:-1]],
        answer=[*encoded[-1], eos],
        step_kinds=_kinds(record),
    )


def _kinds(record: Mapping) -> tuple[str, ...] | None:
    kinds = record.get("step_kinds")
    return None if kinds is None else tuple(kinds)
