"""A word-level tokenizer for the synthetic tasks (ProsQA, ProntoQA): one token per word.

The text is cut as GPT-2 cuts it before BPE (a word with its leading space, a run of
punctuation, a newline), and every piece is one token. The vocabulary is every piece of
the training text plus every word of the generators' templates and pools
(:mod:`coconut.data.vocab`), singular and plural, lower-case and capitalised, with and
without a leading space. So a
second set drawn from the same generators, or a published file of the same task, encodes
with one token per name or concept and no unknown token, whatever the training set held.
Decoding gives the text back exactly. A piece outside the vocabulary becomes
``<|unk|>``; :func:`count_unknown` finds those so that callers can refuse such input.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence

from tokenizers import Tokenizer, decoders, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast

from coconut.data.names import plural
from coconut.data.vocab import prontoqa_pools, prosqa_pools
from coconut.model.tokens import SPECIAL_TOKENS
from coconut.training.tokenizer import EOS_TOKEN, load_or_build_tokenizer, wrap_tokenizer

UNK_TOKEN = "<|unk|>"
TEMPLATE_WORDS = ("Every", "Each", "Is", "is", "are", "a", "an", "not", "or", "True", "False",
                  "true", "false", ".", "?", ":", "###", "\n")  # fmt: skip
"""The words and punctuation of the ProsQA and ProntoQA sentence templates."""


def _pre_tokenizer() -> pre_tokenizers.PreTokenizer:
    return pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)


def pool_words() -> list[str]:
    """Every word the generators can write: template words, names, concepts, properties."""
    prosqa, pronto = prosqa_pools(), prontoqa_pools()
    nouns = {*prosqa.concepts, *pronto.concepts}
    words = {*prosqa.names, *pronto.names, *pronto.properties, *nouns}
    words |= {plural(noun) for noun in nouns}
    words |= {word.capitalize() for word in words}
    return sorted(words | set(TEMPLATE_WORDS))


def word_pieces(texts: Iterable[str]) -> list[str]:
    """The distinct pre-tokenized pieces of ``texts``, in order of first appearance."""
    pre = _pre_tokenizer()
    seen: dict[str, None] = {}
    for text in texts:
        for piece, _ in pre.pre_tokenize_str(text):
            seen.setdefault(piece, None)
    return list(seen)


def train_word_tokenizer(
    texts: Iterable[str], extra_words: Sequence[str] | None = None
) -> PreTrainedTokenizerFast:
    """Builds a word-level tokenizer from ``texts`` and the generators' word pools.

    Args:
        texts: training text; each of its pieces becomes a token.
        extra_words: words added with and without a leading space (default:
            :func:`pool_words`).

    Returns:
        A fast tokenizer with ``<|endoftext|>`` as eos/bos/pad (id 0), the four markers
        (ids 1-4) and ``<|unk|>`` (id 5) as special tokens.
    """
    words = pool_words() if extra_words is None else list(extra_words)
    pieces = word_pieces([*texts, *words, *(" " + w for w in words)])
    specials = [EOS_TOKEN, *SPECIAL_TOKENS, UNK_TOKEN]
    vocab = {token: i for i, token in enumerate(specials)}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    backend = Tokenizer(models.WordLevel(vocab, unk_token=UNK_TOKEN))
    backend.pre_tokenizer = _pre_tokenizer()
    backend.decoder = decoders.ByteLevel()
    return wrap_tokenizer(backend, unk_token=UNK_TOKEN)


def load_or_train_word_tokenizer(
    records: Iterable[Mapping], out_dir: str | os.PathLike
) -> PreTrainedTokenizerFast:
    """Loads the tokenizer saved in ``out_dir``, or builds one from ``records`` and saves it.

    Raises:
        ValueError: if a record is malformed (naming its index and field) or there are
            no records.
    """
    return load_or_build_tokenizer(records, out_dir, train_word_tokenizer)


def count_unknown(tokenizer: PreTrainedTokenizerFast, ids: Sequence[int]) -> int:
    """How many of ``ids`` are the unknown token (0 for a tokenizer without one)."""
    unk = tokenizer.unk_token_id
    if unk is None or tokenizer.unk_token == tokenizer.eos_token:
        return 0
    return sum(1 for i in ids if i == unk)
