"""ProntoQA generator: our own implementation of the 5-hop fictional-ontology task.

An example is a small ontology of nonce concepts. An entity belongs to the first concept
of a chain ``c_0 -> ... -> c_{k-1}`` (``k = hops``); the last concept carries a property
(maybe negated) and the query asks "True or false: <Name> is [not] <property>.".

With distractors (the task the Coconut paper used), every chain concept also has a side
child, the last one a second side child without a property; every concept but that one and
a tail concept carries a property of its own attribute family; the entity belongs to a
second concept with one child of its own; and one unrelated concept carries the queried
property with the opposite sign. The rules are stated in random order, followed by the two
facts about the entity in random order and the query. For ``k = 5`` that is 25 sentences
before the query, 14 concepts and 12 properties, as in the original generator's output.

The chain of thought alternates a stated rule and a derived conclusion: "Max is a c0.",
"Each c0 is a c1.", "Max is a c1.", ..., "Max is not wooden." Its sentences are joined in
consecutive pairs to make the steps (``k + 1`` of them).
"""

from __future__ import annotations

import itertools
import logging
import random
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from tqdm.auto import tqdm

from coconut.data.vocab import prontoqa_pools
from coconut.data.word_forms import plural, with_article

log = logging.getLogger(__name__)

FIRST_NAMES: tuple[str, ...] = prontoqa_pools().names
"""Person names of the original generator's fictional ontology."""
CONCEPT_WORDS: tuple[str, ...] = prontoqa_pools().concepts
"""Concept words of the original generator's fictional ontology."""
PROPERTY_FAMILIES: tuple[tuple[str, ...], ...] = prontoqa_pools().property_families
"""Attribute families; an example uses each family for one concept at most (but the query's)."""

MAX_HOPS = (len(PROPERTY_FAMILIES) - 1) // 2
NEGATION_PROBABILITY = 0.3  # of a property other than the queried one
_RULE_STYLES = ("plural", "plural", "each", "every")


@dataclass(frozen=True)
class ProntoQAConfig:
    """Options of the generator.

    Attributes:
        hops: rules on the entity's chain (k - 1 concept rules and one property rule).
        distractors: add the side branches, the second entity fact and the opposite
            property; without them the question states only the chain.
    """

    hops: int = 5
    distractors: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.hops <= MAX_HOPS:
            raise ValueError(f"hops must be between 1 and {MAX_HOPS}, got {self.hops}")


@dataclass(frozen=True)
class _Rule:
    """``subject`` is (not) ``predicate``: a concept, or a property when ``concept`` is False."""

    subject: str
    predicate: str
    concept: bool = True
    negated: bool = False


def _render_rule(rule: _Rule, style: str) -> str:
    """Write a rule as "Xpuses are Ypuses.", "Each X is a Y." or "Every X is not P."."""
    negation = "not " if rule.negated else ""
    if style == "plural":
        predicate = plural(rule.predicate) if rule.concept else rule.predicate
        return f"{plural(rule.subject).capitalize()} are {negation}{predicate}."
    predicate = with_article(rule.predicate) if rule.concept else rule.predicate
    return f"{style.capitalize()} {rule.subject} is {negation}{predicate}."


def _property(rng: random.Random, subject: str, family: tuple[str, ...], p_not: float) -> _Rule:
    return _Rule(subject, rng.choice(family), concept=False, negated=rng.random() < p_not)


def _ontology(
    rng: random.Random, config: ProntoQAConfig
) -> tuple[list[str], list[_Rule], list[str]]:
    """The chain concepts, the rules (chain rules first, in order) and the fact concepts."""
    k, p_not = config.hops, NEGATION_PROBABILITY
    words = rng.sample(CONCEPT_WORDS, 2 * k + 4)
    chain, sides = words[:k], words[k : 2 * k]  # one side child per chain concept
    spare, other, other_child, opposite = words[2 * k :]
    families = rng.sample(PROPERTY_FAMILIES, 2 * k + 1)
    queried = _property(rng, chain[-1], families[0], 0.5)
    rules = [_Rule(a, b) for a, b in itertools.pairwise(chain)] + [queried]
    if not config.distractors:
        return chain, rules, [chain[0]]
    rules += [_property(rng, c, f, p_not) for c, f in zip(chain[:-1], families[1:k], strict=True)]
    rules += [_Rule(c, s) for c, s in zip(chain, sides, strict=True)]
    rules += [_property(rng, s, f, p_not) for s, f in zip(sides, families[k:-1], strict=True)]
    # the last chain concept's second child, and the entity's other concept with its child,
    # have no property of their own; one unrelated concept holds the opposite of the query's
    rules += [_Rule(chain[-1], spare), _Rule(other, other_child)]
    rules.append(_property(rng, other, families[-1], p_not))
    rules.append(_Rule(opposite, queried.predicate, concept=False, negated=not queried.negated))
    return chain, rules, [chain[0], other]


def _example(rng: random.Random, config: ProntoQAConfig) -> dict[str, Any]:
    chain, rules, fact_concepts = _ontology(rng, config)
    name = rng.choice(FIRST_NAMES)
    text = {rule: _render_rule(rule, rng.choice(_RULE_STYLES)) for rule in rules}
    facts = [f"{name} is {with_article(c)}." for c in fact_concepts]
    body = list(text.values())
    rng.shuffle(body)
    rng.shuffle(facts)
    queried = rules[config.hops - 1]
    query_negated = rng.random() < 0.5
    query = f"True or false: {name} is {'not ' if query_negated else ''}{queried.predicate}."
    conclusions = [f"{name} is {with_article(c)}." for c in chain]
    conclusions.append(f"{name} is {'not ' if queried.negated else ''}{queried.predicate}.")
    steps = [f"{conclusions[i]} {text[rules[i]]}" for i in range(config.hops)]
    steps.append(conclusions[-1])
    return {
        "question": " ".join([*body, *facts, query]),
        "steps": steps,
        "answer": str(query_negated == queried.negated),
    }


def generate_prontoqa(
    n: int,
    seed: int,
    *,
    hops: int = 5,
    distractors: bool = True,
    progress: bool = False,
    exclude: Collection[str] = (),
    max_attempts: int = 1000,
) -> list[dict[str, Any]]:
    """Generate ``n`` distinct ProntoQA examples, deterministically from ``seed``.

    Args:
        n: number of examples.
        seed: random seed; the same seed and options give the same examples.
        hops: reasoning hops, 1 to :data:`MAX_HOPS` (the paper uses 5); an example has
            ``hops + 1`` steps.
        distractors: include the distractor rules and facts (the paper's setting).
        progress: show a progress bar.
        exclude: questions not to produce (e.g. those of another split).
        max_attempts: draws per example before giving up on finding a new question.

    Returns:
        Records with ``question``, ``steps`` and ``answer`` ("True" or "False").

    Raises:
        ValueError: on a bad option, or when no new question turns up.
    """
    config = ProntoQAConfig(hops=hops, distractors=distractors)
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    rng = random.Random(seed)
    seen = set(exclude)
    records = []
    for _ in tqdm(range(n), desc="ProntoQA", disable=not progress):
        for _attempt in range(max_attempts):
            record = _example(rng, config)
            if record["question"] not in seen:
                break
        else:
            raise ValueError(f"no new ProntoQA question in {max_attempts} draws with {config}")
        seen.add(record["question"])
        records.append(record)
    log.info("generated %d ProntoQA examples (seed %d, %s)", len(records), seed, config)
    return records
