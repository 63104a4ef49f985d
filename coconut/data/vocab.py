"""Word pools of the synthetic tasks, read once from the published data and shipped here.

The pools live in ``word_pools.json`` next to this module. They were read from the files in
``../shared/data`` (ProsQA's published validation split; ProntoQA's train/valid splits made
by the original generator) with :func:`pools_from_published`, then the ProntoQA properties
were grouped into the attribute families of the original generator by hand. A test checks
that every name and word of the published validation splits is in these pools.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from coconut.data.prontoqa_grammar import named_entities

POOLS_FILE = "word_pools.json"
_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class ProsQAPools:
    """Person names and concept words of ProsQA."""

    names: tuple[str, ...]
    concepts: tuple[str, ...]


@dataclass(frozen=True)
class ProntoQAPools:
    """Person names, concept words and property families of ProntoQA."""

    names: tuple[str, ...]
    concepts: tuple[str, ...]
    property_families: tuple[tuple[str, ...], ...]

    @property
    def properties(self) -> tuple[str, ...]:
        """Every property word, family after family."""
        return tuple(word for family in self.property_families for word in family)


@cache
def _raw_pools() -> dict[str, Any]:
    text = resources.files("coconut.data").joinpath(POOLS_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def prosqa_pools() -> ProsQAPools:
    """The ProsQA pools shipped with the package."""
    raw = _raw_pools()["prosqa"]
    return ProsQAPools(tuple(raw["names"]), tuple(raw["concepts"]))


def prontoqa_pools() -> ProntoQAPools:
    """The ProntoQA pools shipped with the package."""
    raw = _raw_pools()["prontoqa"]
    families = tuple(tuple(family) for family in raw["property_families"])
    return ProntoQAPools(tuple(raw["names"]), tuple(raw["concepts"]), families)


def prosqa_words(records: Iterable[Mapping[str, Any]]) -> tuple[set[str], set[str]]:
    """``(person names, concept words)`` of ProsQA records with graph fields.

    A node with a parent is a concept; a node without one is a person entity.
    """
    names: set[str] = set()
    concepts: set[str] = set()
    for record in records:
        children = {child for _, child in record["edges"]}
        for index, symbol in enumerate(record["idx_to_symbol"]):
            (concepts if index in children else names).add(symbol)
    return names, concepts


_PRONTOQA_FUNCTION_WORDS = frozenset(
    {"a", "an", "is", "are", "not", "each", "every", "true", "or", "false"}
)


def prontoqa_words(records: Iterable[Mapping[str, Any]]) -> tuple[set[str], set[str], set[str]]:
    """``(person names, concept words, property words)`` of ProntoQA records.

    Names are the subjects of "<Name> is a ..." facts and of the query; concepts are the
    singular nouns ending in "pus" (plurals "-puses" are folded onto them); the remaining
    lower-case words, less the template's function words, are properties.
    """
    names: set[str] = set()
    concepts: set[str] = set()
    properties: set[str] = set()
    for record in records:
        text = " ".join([record["question"], *record["steps"]])
        names.update(named_entities(text))
        for word in _WORD.findall(text):
            lower = word.lower()
            if word in names or lower in _PRONTOQA_FUNCTION_WORDS:
                continue
            if lower.endswith("puses"):
                concepts.add(lower[:-2])
            elif lower.endswith("pus"):
                concepts.add(lower)
            else:
                properties.add(lower)
    return names, concepts, properties


def pools_from_published(
    prosqa_records: Iterable[Mapping[str, Any]], prontoqa_records: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """The pools as read from published files (ProntoQA properties not yet in families)."""
    prosqa_names, prosqa_concepts = prosqa_words(prosqa_records)
    names, concepts, properties = prontoqa_words(prontoqa_records)
    return {
        "prosqa": {"names": sorted(prosqa_names), "concepts": sorted(prosqa_concepts)},
        "prontoqa": {
            "names": sorted(names),
            "concepts": sorted(concepts),
            "properties": sorted(properties),
        },
    }
