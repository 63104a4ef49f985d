"""ProsQA generator: determinism, the published statistics, the size knobs."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest

from coconut.data import ProsQAConfig, example_stats, generate_prosqa, verify_prosqa
from coconut.data.prosqa import CONCEPT_WORDS, FIRST_NAMES

# Targets from the issue, measured on the published ProsQA files (shared/data/README.md):
# mean nodes 22.8 +- 1.0, mean edges 36 +- 2.5, mean steps 3.8 +- 0.25, steps in [3, 6].
TARGETS = {"nodes_mean": (22.8, 1.0), "edges_mean": (36.0, 2.5), "steps_mean": (3.8, 0.25)}


@pytest.fixture(scope="module")
def generated() -> list[dict]:
    return generate_prosqa(500, seed=0)


def test_same_seed_same_examples() -> None:
    assert generate_prosqa(20, seed=3) == generate_prosqa(20, seed=3)


def test_different_seeds_differ() -> None:
    first, second = generate_prosqa(20, seed=3), generate_prosqa(20, seed=4)
    assert not {r["question"] for r in first} & {r["question"] for r in second}


def test_prefix_is_stable() -> None:
    assert generate_prosqa(5, seed=1) == generate_prosqa(12, seed=1)[:5]


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_statistics_match_published(generated: list[dict], name: str) -> None:
    target, tolerance = TARGETS[name]
    assert abs(example_stats(generated)[name] - target) <= tolerance


def test_published_file_meets_the_same_targets(shared_data: Path) -> None:
    published = json.loads((shared_data / "prosqa" / "valid.json").read_text())
    stats = example_stats(published)
    for name, (target, tolerance) in TARGETS.items():
        assert abs(stats[name] - target) <= tolerance, name


def test_every_example_is_valid(generated: list[dict]) -> None:
    for record in generated:
        assert 3 <= len(record["steps"]) <= 6
        assert verify_prosqa(record) == []


def test_examples_are_distinct(generated: list[dict]) -> None:
    assert len({r["question"] for r in generated}) == len(generated)


def test_names_come_from_the_pools(generated: list[dict]) -> None:
    for record in generated[:50]:
        has_parent = {child for _, child in record["edges"]}
        for node, symbol in enumerate(record["idx_to_symbol"]):
            pool = CONCEPT_WORDS if node in has_parent else FIRST_NAMES
            assert symbol in pool


def test_persons_and_answer_order_vary(generated: list[dict]) -> None:
    persons = [len(r["idx_to_symbol"]) - len({c for _, c in r["edges"]}) for r in generated]
    assert 2.2 <= statistics.fmean(persons) <= 3.0  # published: 2.5
    target_first = sum(
        r["question"].endswith(f"{r['idx_to_symbol'][r['neg_target']]}?") for r in generated
    )
    assert 0.4 < target_first / len(generated) < 0.6


@pytest.mark.parametrize(
    ("options", "most_nodes"),
    [
        ({"num_nodes": 10, "min_steps": 1, "max_steps": 3}, 10),
        ({"num_nodes": 8, "min_steps": 2, "max_steps": 2}, 8),
    ],
)
def test_small_variant(options: dict, most_nodes: int) -> None:
    records = generate_prosqa(100, seed=0, **options)
    for record in records:
        assert options["min_steps"] <= len(record["steps"]) <= options["max_steps"]
        assert len(record["idx_to_symbol"]) <= most_nodes
        assert verify_prosqa(record) == []


def test_exclude_avoids_given_questions() -> None:
    taken = {
        r["question"] for r in generate_prosqa(30, seed=5, num_nodes=6, min_steps=1, max_steps=2)
    }
    fresh = generate_prosqa(30, seed=5, num_nodes=6, min_steps=1, max_steps=2, exclude=taken)
    assert not taken & {r["question"] for r in fresh}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"num_nodes": 3}, "num_nodes"),
        ({"num_nodes": 1000}, "num_nodes"),
        ({"min_steps": 4, "max_steps": 3}, "min_steps"),
        ({"min_steps": 0}, "min_steps"),
        ({"num_nodes": 6, "max_steps": 5}, "max_steps"),
        ({"mean_parents": 0}, "mean_parents"),
        ({"depth_weight": -1}, "depth_weight"),
    ],
)
def test_bad_options(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ProsQAConfig(**options)


def test_impossible_request_fails_clearly() -> None:
    with pytest.raises(ValueError, match="no new valid ProsQA graph in 50 draws"):
        generate_prosqa(5, seed=0, num_nodes=5, min_steps=3, max_steps=3, max_attempts=50)
