"""What every tokenizer of a scratch model shares: the wrapper, and saving and loading.

A run's tokenizer is saved in its run directory (``tokenizer/``) the first time it is
built and loaded from there on every later launch, so a resumed run never builds a
different one. :func:`load_or_build_tokenizer` does both for any way of building (BPE,
word-level, symbolic); :func:`save_tokenizer` writes it so that a crash never leaves it
half-written; :func:`wrap_tokenizer` gives every kind the same special tokens.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from tokenizers import Tokenizer
from transformers import PreTrainedTokenizerFast

from coconut.atomic import atomic_files_into
from coconut.curriculum.text_format import record_texts as _record_pieces
from coconut.data.schema import check_record
from coconut.model.tokens import SPECIAL_TOKENS

log = logging.getLogger(__name__)

EOS_TOKEN = "<|endoftext|>"
_TOKENIZER_FILE = "tokenizer.json"


def wrap_tokenizer(backend: Tokenizer, unk_token: str = EOS_TOKEN) -> PreTrainedTokenizerFast:
    """A transformers tokenizer around ``backend``: eos/bos/pad ``<|endoftext|>``, the markers
    as special tokens, and text decoded back exactly."""
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token=EOS_TOKEN,
        eos_token=EOS_TOKEN,
        unk_token=unk_token,
        pad_token=EOS_TOKEN,
        additional_special_tokens=list(SPECIAL_TOKENS),
        clean_up_tokenization_spaces=False,
    )


def record_texts(records: Iterable[Mapping]) -> Iterator[str]:
    """The texts of ``{question, steps, answer}`` records, in the training text format."""
    for i, record in enumerate(records):
        check_record(record, i)
        yield from _record_pieces(record)


def load_or_build_tokenizer(
    records: Iterable[Mapping],
    out_dir: str | os.PathLike,
    build: Callable[[list[str]], PreTrainedTokenizerFast],
) -> PreTrainedTokenizerFast:
    """Loads the tokenizer saved in ``out_dir``, or builds it from ``records`` and saves it.

    Args:
        records: ``{question, steps, answer}`` examples (read only if no tokenizer is saved).
        out_dir: directory holding the tokenizer; created if needed.
        build: makes the tokenizer from the records' texts in the training text format.

    Raises:
        ValueError: if a record is malformed (naming its index and field) or there are
            no records.
    """
    out_dir = Path(out_dir)
    if (out_dir / _TOKENIZER_FILE).is_file():
        log.info("loading tokenizer from %s", out_dir)
        return PreTrainedTokenizerFast.from_pretrained(out_dir)
    texts = list(record_texts(records))
    if not texts:
        raise ValueError(f"no records to build a tokenizer for {out_dir}")
    tokenizer = build(texts)
    log.info("built a tokenizer of %d tokens; saving it to %s", len(tokenizer), out_dir)
    save_tokenizer(tokenizer, out_dir)
    return tokenizer


def save_tokenizer(tokenizer: PreTrainedTokenizerFast, out_dir: str | os.PathLike) -> None:
    """Saves ``tokenizer`` into ``out_dir`` so that a crash never leaves it half-written.

    Every file is written in a temporary directory inside ``out_dir`` and moved in with
    :func:`coconut.atomic.atomic_files_into`; ``tokenizer.json``, whose presence marks a
    saved tokenizer, goes last.
    """
    with atomic_files_into(out_dir, last=_TOKENIZER_FILE) as tmp:
        tokenizer.save_pretrained(tmp)
