"""The fixed tokenizer of symbolic ProsQA: one token per node index and per marker.

Its vocabulary does not depend on the training data: ``<|endoftext|>`` (eos, bos, pad),
the four continuous-thought markers, ``<|unk|>``, the node indices ``0`` to
``MAX_NODES - 1``, the words of the symbolic form (``|``, ``[Q]``, ``[R]``, see
:mod:`coconut.data.symbolic`), the answer marker ``###`` and the newline. So every file of
this form encodes the same way and without unknown tokens, whatever the run trained on.
A text is cut at whitespace, a newline being a token of its own, and every word is read
with a space before it, as the word-level tokenizer reads words
(:mod:`coconut.tokenizers.word`); decoding drops the implied spaces again, which
gives back exactly every text of the training format
(:mod:`coconut.curriculum.text_format`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers
from transformers import PreTrainedTokenizerFast

from coconut.curriculum.text_format import ANSWER_MARKER
from coconut.data.symbolic import MARKERS, MAX_NODES, max_node_index
from coconut.model.tokens import SPECIAL_TOKENS
from coconut.tokenizers.saved import EOS_TOKEN, load_or_build_tokenizer, wrap_tokenizer
from coconut.tokenizers.word import (
    UNK_TOKEN,
    implied_space_decoder,
    implied_space_normalizer,
)


def _to_bytes(piece: str) -> str:
    """``piece`` in the byte-level alphabet the vocabulary is written in."""
    return "".join(p for p, _ in _BYTES.pre_tokenize_str(piece))


_BYTES = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)



def symbolic_words(max_nodes: int = MAX_NODES) -> list[str]:
    """The words of the vocabulary after the special tokens, in id order."""
    return [*(str(i) for i in range(max_nodes)), *MARKERS, ANSWER_MARKER, "\n"]


def build_symbolic_tokenizer(max_nodes: int = MAX_NODES) -> PreTrainedTokenizerFast:
    """The symbolic tokenizer (see the module docstring).

    Raises:
        ValueError: if ``max_nodes`` is below 1.
    """
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be >= 1, got {max_nodes}")
    specials = [EOS_TOKEN, *SPECIAL_TOKENS, UNK_TOKEN]
    pieces = [_to_bytes(f" {word}") for word in symbolic_words(max_nodes)[:-1]] + [_to_bytes("\n")]
    vocab = {token: i for i, token in enumerate([*specials, *pieces])}
    backend = Tokenizer(models.WordLevel(vocab, unk_token=UNK_TOKEN))
    backend.normalizer = normalizers.Sequence(
        [implied_space_normalizer(), normalizers.Prepend(" ")]
    )
    backend.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(r" ?[^\s]+|\n"), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    backend.decoder = implied_space_decoder()
    return wrap_tokenizer(backend, unk_token=UNK_TOKEN)


def load_or_build_symbolic_tokenizer(
    records: Iterable[Mapping], out_dir: str | os.PathLike, max_nodes: int = MAX_NODES
) -> PreTrainedTokenizerFast:
    """Loads the tokenizer saved in ``out_dir``, or builds the symbolic one and saves it.

    Raises:
        ValueError: if a record writes a node index the tokenizer cannot hold, naming the
            largest index and its record.
    """
    records = list(records)
    check_node_range(records, max_nodes)
    return load_or_build_tokenizer(
        records, out_dir, lambda _texts: build_symbolic_tokenizer(max_nodes)
    )


def check_node_range(
    records: Iterable[Mapping], max_nodes: int = MAX_NODES, source: str = ""
) -> None:
    """Refuses symbolic records that write a node index of ``max_nodes`` or more.

    Raises:
        ValueError: naming the largest index, its record and ``source``.
    """
    largest, index = max_node_index(records)
    if largest >= max_nodes:
        where = f"{source}[{index}]" if source else f"record {index}"
        raise ValueError(
            f"{where}: node index {largest} is past the symbolic tokenizer's range "
            f"0..{max_nodes - 1}; the largest index in the data is {largest}"
        )
