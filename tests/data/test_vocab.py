"""The word pools shipped with the package cover the published data and feed the generators."""

from __future__ import annotations

import json
import re
from pathlib import Path

from coconut.data import generate_prontoqa, generate_prosqa
from coconut.data.vocab import (
    prontoqa_pools,
    prontoqa_words,
    prosqa_pools,
    prosqa_words,
)


def _load(path: Path) -> list[dict]:
    return json.loads(path.read_text())


def test_every_published_prosqa_word_is_in_the_pools(shared_data: Path) -> None:
    names, concepts = prosqa_words(_load(shared_data / "prosqa" / "valid.json"))
    pools = prosqa_pools()
    assert len(names) == 17 and len(concepts) == 38
    assert names <= set(pools.names)
    assert concepts <= set(pools.concepts)


def test_every_published_prontoqa_word_is_in_the_pools(shared_data: Path) -> None:
    pools = prontoqa_pools()
    for split in ("train", "valid"):
        names, concepts, properties = prontoqa_words(
            _load(shared_data / "prontoqa" / f"{split}.json")
        )
        assert names <= set(pools.names), split
        assert concepts <= set(pools.concepts), split
        assert properties <= set(pools.properties), split


def test_property_families_are_disjoint() -> None:
    properties = prontoqa_pools().properties
    assert len(properties) == len(set(properties)) == 45
    assert len(prontoqa_pools().property_families) == 13


def test_generators_draw_only_from_the_pools() -> None:
    prosqa = prosqa_pools()
    names, concepts = prosqa_words(generate_prosqa(100, seed=3))
    assert names <= set(prosqa.names) and concepts <= set(prosqa.concepts)
    # the published ProsQA vocabulary is mostly used, not a small corner of it
    assert len(concepts) > 30 and len(names) > 12
    pronto = prontoqa_pools()
    names, concepts, properties = prontoqa_words(generate_prontoqa(100, seed=3))
    assert names <= set(pronto.names)
    assert concepts <= set(pronto.concepts)
    assert properties <= set(pronto.properties)


def test_prontoqa_writes_an_before_vowels_and_prosqa_always_a() -> None:
    text = " ".join(r["question"] + " " + " ".join(r["steps"]) for r in generate_prontoqa(200, 4))
    assert re.search(r"\ban impus\b", text)
    assert not re.search(r"\ba impus\b", text)
    assert not re.search(r"\ban [^aeiou]", text)
    prosqa = " ".join(r["question"] for r in generate_prosqa(100, 4))
    assert re.search(r"\ba impus\b", prosqa)
    assert " an " not in prosqa
