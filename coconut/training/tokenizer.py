"""A byte-level BPE tokenizer trained on a dataset's own text.

Used by ``model=tiny`` and ``model=gpt2_scratch``, which start from random weights and so
need no pretrained vocabulary. The tokenizer decodes every string back exactly, uses
``<|endoftext|>`` as eos, bos, pad and unk (as GPT-2 does), and carries the four
continuous-thought markers as special tokens so they never split.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast

from coconut.atomic import atomic_files_into
from coconut.curriculum.text_format import record_texts as _record_pieces
from coconut.data.schema import check_record
from coconut.model.tokens import SPECIAL_TOKENS

log = logging.getLogger(__name__)

EOS_TOKEN = "<|endoftext|>"
_TOKENIZER_FILE = "tokenizer.json"
_ALPHABET = pre_tokenizers.ByteLevel.alphabet()
MIN_VOCAB_SIZE = len(_ALPHABET) + 1 + len(SPECIAL_TOKENS)
"""Bytes plus eos plus the markers: the smallest vocabulary that encodes everything."""


def train_tokenizer(
    texts: Iterable[str], vocab_size: int = 1000, *, min_frequency: int = 2
) -> PreTrainedTokenizerFast:
    """Trains a byte-level BPE tokenizer on ``texts``.

    Args:
        texts: training text.
        vocab_size: largest vocabulary size, special tokens included (the result is
            smaller when the text offers fewer merges).
        min_frequency: fewest occurrences for a pair to be merged.

    Returns:
        A fast tokenizer with eos/bos/pad/unk ``<|endoftext|>`` (id 0) and the four
        markers (ids 1-4) as special tokens.

    Raises:
        ValueError: if ``vocab_size`` cannot hold every byte and special token, or
            ``min_frequency`` is below 1.
    """
    if vocab_size < MIN_VOCAB_SIZE:
        raise ValueError(f"vocab_size must be >= {MIN_VOCAB_SIZE}, got {vocab_size}")
    if min_frequency < 1:
        raise ValueError(f"min_frequency must be >= 1, got {min_frequency}")
    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=[EOS_TOKEN, *SPECIAL_TOKENS],
        initial_alphabet=_ALPHABET,
        show_progress=False,
    )
    backend.train_from_iterator(texts, trainer=trainer)
    return wrap_tokenizer(backend)


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


def load_or_train_tokenizer(
    records: Iterable[Mapping], out_dir: str | os.PathLike, vocab_size: int = 1000
) -> PreTrainedTokenizerFast:
    """Loads the tokenizer saved in ``out_dir``, or trains one on ``records`` and saves it.

    Args:
        records: ``{question, steps, answer}`` examples to train on (read only if no
            tokenizer is saved yet).
        out_dir: directory holding the tokenizer; created if needed.
        vocab_size: vocabulary size when training.

    Returns:
        The tokenizer.

    Raises:
        ValueError: if a record is malformed (naming its index and field) or there are
            no records.
    """
    return load_or_build_tokenizer(
        records, out_dir, lambda texts: train_tokenizer(texts, vocab_size)
    )


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
