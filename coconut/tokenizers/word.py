"""A word-level tokenizer for the synthetic tasks (ProsQA, ProntoQA): one token per word.

The text is cut as GPT-2 cuts it before BPE (a word with its leading space, a run of
punctuation, a newline), and every piece is one token. A word at the start of a text or
of a line is read as if a space stood before it, so a word is the same token wherever it
stands: the "Tom" that opens a reasoning step is the " Tom" of the question. (With
GPT-2's own cut they are two unrelated tokens, and a model trained from scratch must
learn that they mean the same.) Decoding removes those implied spaces again.

The vocabulary is every piece of the training text plus every word of the generators'
templates and pools (:mod:`coconut.data.vocab`), singular and plural, lower-case and
capitalised. So a second set drawn from the same generators, or a published file of the
same task, encodes with one token per name or concept and no unknown token, whatever the
training set held. Decoding gives back exactly any text that does not begin with
whitespace and has none right after a newline (all of these tasks' text); a space there
is dropped. A piece outside the vocabulary becomes ``<|unk|>``; :func:`count_unknown`
finds those so that callers can refuse such input.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
from transformers import PreTrainedTokenizerFast

from coconut.data.vocab import prontoqa_pools, prosqa_pools
from coconut.data.word_forms import plural
from coconut.model.tokens import SPECIAL_TOKENS
from coconut.tokenizers.saved import EOS_TOKEN, load_or_build_tokenizer, wrap_tokenizer

UNK_TOKEN = "<|unk|>"
TEMPLATE_WORDS = ("Every", "Each", "Is", "is", "are", "a", "an", "not", "or", "True", "False",
                  "true", "false", "###")  # fmt: skip
"""The words of the ProsQA and ProntoQA sentence templates."""
TEMPLATE_PUNCTUATION = (".", "?", ":", "\n")
"""The punctuation of those templates, which follows a word with no space between."""


def implied_space_normalizer() -> normalizers.Normalizer:
    """A space after every newline that a word follows (the start of text: see below)."""
    return normalizers.Replace(Regex(r"\n(?=\S)"), "\n ")


def _pre_tokenizer() -> pre_tokenizers.PreTokenizer:
    # add_prefix_space gives the first word of a text its space unless it has one.
    return pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=True)


def implied_space_decoder() -> decoders.Decoder:
    """Bytes back to text, less the spaces that the normalizer and pre-tokenizer implied."""
    implied = [decoders.Replace("\n ", "\n"), decoders.Strip(" ", 1, 0)]
    return decoders.Sequence([decoders.ByteLevel(), *implied])


def pool_words() -> list[str]:
    """Every word the generators can write: template words, names, concepts, properties."""
    prosqa, pronto = prosqa_pools(), prontoqa_pools()
    nouns = {*prosqa.concepts, *pronto.concepts}
    words = {*prosqa.names, *pronto.names, *pronto.properties, *nouns}
    words |= {plural(noun) for noun in nouns}
    words |= {word.capitalize() for word in words}
    return sorted(words | set(TEMPLATE_WORDS))


def _bare_pieces(text: str) -> list[str]:
    """The pieces of ``text`` where it follows a word (no space implied before it)."""
    bare = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    return [piece for piece, _ in bare.pre_tokenize_str(text)]


def word_pieces(texts: Iterable[str]) -> list[str]:
    """The distinct pre-tokenized pieces of ``texts``, in order of first appearance."""
    norm, pre = implied_space_normalizer(), _pre_tokenizer()
    seen: dict[str, None] = {}
    for text in texts:
        for piece, _ in pre.pre_tokenize_str(norm.normalize_str(text)):
            seen.setdefault(piece, None)
    return list(seen)


def train_word_tokenizer(
    texts: Iterable[str], extra_words: Sequence[str] | None = None
) -> PreTrainedTokenizerFast:
    """Builds a word-level tokenizer from ``texts`` and the generators' word pools.

    Args:
        texts: training text; each of its pieces becomes a token.
        extra_words: words added to the vocabulary (default: :func:`pool_words`); the
            template punctuation is always added.

    Returns:
        A fast tokenizer with ``<|endoftext|>`` as eos/bos/pad (id 0), the four markers
        (ids 1-4) and ``<|unk|>`` (id 5) as special tokens.
    """
    words = pool_words() if extra_words is None else list(extra_words)
    punctuation = [piece for mark in TEMPLATE_PUNCTUATION for piece in _bare_pieces(mark)]
    pieces = [*word_pieces([*texts, *words]), *punctuation]
    specials = [EOS_TOKEN, *SPECIAL_TOKENS, UNK_TOKEN]
    vocab = {token: i for i, token in enumerate(specials)}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    backend = Tokenizer(models.WordLevel(vocab, unk_token=UNK_TOKEN))
    backend.normalizer = implied_space_normalizer()
    backend.pre_tokenizer = _pre_tokenizer()
    backend.decoder = implied_space_decoder()
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
