"""Word pools for the synthetic tasks: first names and nonce concept words.

Concept words are made procedurally (a consonant onset, a short vowel cluster and the
ending ``-pus``, as in "rempus" or "shumpus") so that they carry no meaning a pretrained
model could lean on. The pools are fixed tuples, identical on every machine.
"""

from __future__ import annotations

import itertools
import random

FIRST_NAMES: tuple[str, ...] = (
    "Alex",
    "Ana",
    "Ben",
    "Cleo",
    "Dan",
    "Eli",
    "Finn",
    "Gus",
    "Ida",
    "Jay",
    "Kai",
    "Lena",
    "Milo",
    "Nora",
    "Omar",
    "Pia",
    "Ravi",
    "Rosa",
    "Tess",
    "Theo",
    "Uma",
    "Vera",
)
"""Names for the person entities of ProsQA and ProntoQA (one name per entity)."""

_ONSETS = (
    "b",
    "br",
    "ch",
    "d",
    "dr",
    "f",
    "g",
    "gl",
    "gr",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "pl",
    "qu",
    "r",
    "sc",
    "sh",
    "sk",
    "sl",
    "sn",
    "st",
    "t",
    "tr",
    "v",
    "w",
    "y",
    "z",
    "zh",
)
_NUCLEI = ("um", "em", "im", "om", "er", "or", "ur", "el", "ol", "oom")
_REAL_WORDS = frozenset({"rumpus"})  # English words the recipe happens to produce

NUM_CONCEPT_WORDS = 48


def make_nonce_words(n: int, seed: int = 2412) -> tuple[str, ...]:
    """Draw ``n`` distinct nonce words ``<onset><nucleus>pus``.

    Args:
        n: how many words.
        seed: seed of the draw (the default gives :data:`CONCEPT_WORDS`).

    Returns:
        The words, sorted alphabetically.

    Raises:
        ValueError: if ``n`` exceeds the number of words the recipe can make.
    """
    combos = sorted(
        word
        for onset, nucleus in itertools.product(_ONSETS, _NUCLEI)
        if (word := f"{onset}{nucleus}pus") not in _REAL_WORDS
    )
    if not 0 < n <= len(combos):
        raise ValueError(f"n must be between 1 and {len(combos)}, got {n}")
    return tuple(sorted(random.Random(seed).sample(combos, n)))


CONCEPT_WORDS: tuple[str, ...] = make_nonce_words(NUM_CONCEPT_WORDS)
"""The fixed pool of concept words used by both generators."""


def plural(word: str) -> str:
    """Plural of a nonce word: "rempus" -> "rempuses"."""
    return f"{word}es" if word.endswith("s") else f"{word}s"


def with_article(word: str) -> str:
    """``word`` preceded by "a" or "an"."""
    return f"an {word}" if word[0].lower() in "aeiou" else f"a {word}"
