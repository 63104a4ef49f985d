"""A byte-level BPE tokenizer trained on a dataset's own text.

Used by ``model=tiny`` and ``model=gpt2_scratch``, which start from random weights and so
need no pretrained vocabulary. The tokenizer decodes every string back exactly, uses
``<|endoftext|>`` as eos, bos, pad and unk (as GPT-2 does), and carries the four
continuous-thought markers as special tokens so they never split. It is saved and loaded
with the other kinds' code (:mod:`coconut.tokenizers.saved`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast

from coconut.model.tokens import SPECIAL_TOKENS
from coconut.tokenizers.saved import EOS_TOKEN, load_or_build_tokenizer, wrap_tokenizer

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
