"""ProntoQA generator: determinism, agreement with a naive solver, reference statistics."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from coconut.data import ProntoQAConfig, example_stats, generate_prontoqa
from coconut.data.prontoqa import MAX_HOPS
from coconut.data.prosqa_text import split_sentences

# Reference values, computed with example_stats on shared/data/prontoqa/train.json (9,000
# examples made by the original ProntoQA generator, 5 hops, fictional ontology, random
# order, distractors). test_reference_values_are_current recomputes them when it is there.
REFERENCE = {
    "question_chars_mean": 622.7239,
    "question_words_mean": 104.6284,
    "question_sentences_mean": 26.0,
    "steps_mean": 6.0,
    "true_fraction": 0.4923,
}
TOLERANCE = 0.05  # relative


def _singular(word: str) -> str:
    word = word.lower()
    return word[:-2] if word.endswith("ses") else word


# concepts are the nonce words ("-pus"); any other predicate is a property
_IS_A = re.compile(r"^(?:Each|Every) (\w+) is an? (\w+)$|^(\w+) are (\w+puses)$")
_IS_PROP = re.compile(r"^(?:Each|Every) (\w+) is (not )?(\w+)$|^(\w+) are (not )?(\w+)$")


def naive_answer(question: str) -> str:
    """Solve a question by forward chaining over every stated rule (independent of the
    generator): collect the entity's concepts, then the properties they imply."""
    *sentences, query = split_sentences(question)
    name, negated, prop = re.fullmatch(r"True or false: (\w+) is (not )?(\w+)\.", query).groups()
    isa, props, concepts = {}, {}, set()
    for sentence in (s.rstrip(".") for s in sentences):
        if fact := re.fullmatch(rf"{name} is an? (\w+)", sentence):
            concepts.add(fact[1])
        elif m := _IS_A.fullmatch(sentence):
            a, b = (m[1], m[2]) if m[1] else (m[3], m[4])
            isa.setdefault(_singular(a), set()).add(_singular(b))
        elif m := _IS_PROP.fullmatch(sentence):
            subject, neg, p = m.groups()[:3] if m[1] else m.groups()[3:]
            props.setdefault(_singular(subject), set()).add((p, bool(neg)))
        else:
            raise AssertionError(f"unparsed sentence {sentence!r}")
    frontier = list(concepts)
    while frontier:
        for parent in isa.get(frontier.pop(), ()):
            if parent not in concepts:
                concepts.add(parent)
                frontier.append(parent)
    derived = set().union(*(props.get(c, set()) for c in concepts))
    assert (prop, True) in derived or (prop, False) in derived, "query not decided"
    assert not ((prop, True) in derived and (prop, False) in derived), "contradiction"
    return str((prop, bool(negated)) in derived)


@pytest.fixture(scope="module")
def generated() -> list[dict]:
    return generate_prontoqa(3000, seed=0)


def test_same_seed_same_examples() -> None:
    assert generate_prontoqa(30, seed=1) == generate_prontoqa(30, seed=1)


def test_different_seeds_differ() -> None:
    first, second = generate_prontoqa(30, seed=1), generate_prontoqa(30, seed=2)
    assert not {r["question"] for r in first} & {r["question"] for r in second}


@pytest.mark.parametrize("hops", range(1, MAX_HOPS + 1))
@pytest.mark.parametrize("distractors", [True, False])
def test_answers_agree_with_naive_solver(hops: int, distractors: bool) -> None:
    for record in generate_prontoqa(60, seed=hops, hops=hops, distractors=distractors):
        assert record["answer"] == naive_answer(record["question"])


@pytest.mark.parametrize("hops", [1, 3, 5])
def test_step_layout(hops: int) -> None:
    for record in generate_prontoqa(40, seed=0, hops=hops):
        question, steps = record["question"], record["steps"]
        name = re.search(r"True or false: (\w+) is", question)[1]
        assert len(steps) == hops + 1
        for step in steps[:-1]:
            conclusion, rule = split_sentences(step)
            assert re.fullmatch(rf"{name} is an? \w+\.", conclusion)
            assert rule in split_sentences(question)  # the rule is stated in the question
        assert re.fullmatch(rf"{name} is (not )?\w+\.", steps[-1])
        assert steps[0].split(". ")[0] + "." in question  # starts from a stated fact


@pytest.mark.parametrize("hops", [1, 2, 5])
def test_sentence_count(hops: int) -> None:
    (with_distractors,) = generate_prontoqa(1, seed=0, hops=hops)
    (plain,) = generate_prontoqa(1, seed=0, hops=hops, distractors=False)
    assert len(split_sentences(with_distractors["question"])) == 4 * hops + 6
    assert len(split_sentences(plain["question"])) == hops + 2


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_statistics_within_5_percent_of_reference(generated: list[dict], name: str) -> None:
    value = example_stats(generated)[name]
    assert abs(value - REFERENCE[name]) <= TOLERANCE * REFERENCE[name], (name, value)


def test_reference_values_are_current(shared_data: Path) -> None:
    records = json.loads((shared_data / "prontoqa" / "train.json").read_text())
    stats = example_stats(records)
    for name, value in REFERENCE.items():
        assert stats[name] == pytest.approx(value, abs=1e-4), name


def test_reference_answers_agree_with_naive_solver(shared_data: Path) -> None:
    records = json.loads((shared_data / "prontoqa" / "valid.json").read_text())
    for record in records:
        assert record["answer"] == naive_answer(record["question"])


def test_exclude_avoids_given_questions() -> None:
    taken = {r["question"] for r in generate_prontoqa(50, seed=0, hops=1)}
    fresh = generate_prontoqa(50, seed=0, hops=1, exclude=taken)
    assert not taken & {r["question"] for r in fresh}


@pytest.mark.parametrize("hops", [0, MAX_HOPS + 1])
def test_bad_hops(hops: int) -> None:
    with pytest.raises(ValueError, match=f"hops must be between 1 and {MAX_HOPS}, got {hops}"):
        ProntoQAConfig(hops=hops)
