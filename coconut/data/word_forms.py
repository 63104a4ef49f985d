"""How the synthetic tasks write their words: plurals and articles.

The word pools themselves are read from the package's ``word_pools.json`` by
:mod:`coconut.data.vocab`.
"""

from __future__ import annotations


def plural(word: str) -> str:
    """Plural of a nonce word: "rempus" -> "rempuses"."""
    return f"{word}es" if word.endswith("s") else f"{word}s"


def with_article(word: str) -> str:
    """``word`` preceded by "a" or "an", as ProntoQA's original generator writes it."""
    return f"an {word}" if word[0].lower() in "aeiou" else f"a {word}"
