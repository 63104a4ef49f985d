"""ProntoQA: the ontology in a question's rules as a :class:`ReasoningGraph`.

A ProntoQA question lists rules (``"Every X is a Y."``, ``"Each X is not P."``,
``"Xpuses are Ypuses."``), facts about an entity (``"Alex is a X."``) and a query
(``"True or false: Alex is P."``). Concepts and properties become nodes (a negated
property ``"not P"`` is its own node), rules and facts become edges, the entity is the
root, and the target is the property the gold chain concludes with. Node texts are what
follows ``"<entity> is"`` in a step: ``" a X"`` for a concept, ``" P"`` or ``" not P"``
for a property (see :func:`coconut.probe.values.prontoqa_cue`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coconut.data import prontoqa_grammar as grammar
from coconut.data.graph import ReasoningGraph
from coconut.data.prontoqa_grammar import Query, singular

__all__ = ["parse_ontology", "singular"]


def parse_ontology(record: Mapping[str, Any], index: int | None = None) -> ReasoningGraph:
    """The graph of a ProntoQA question.

    Raises:
        ValueError: naming the example, if the question has no query or no fact about
            its entity.
    """
    where = "example" if index is None else f"example {index}"
    question = str(record["question"])
    found = grammar.find_query(question)
    if found is None:
        raise ValueError(f"{where}: no 'True or false: <entity> is <property>.' query")
    query, start = found
    entity = query.entity
    sentences = [s.strip() for s in question[:start].split(".") if s.strip()]
    rules, concepts = _read_rules(sentences, entity)
    if not any(subject == entity for subject, *_ in rules):
        raise ValueError(f"{where}: no fact about the entity {entity!r}")
    names: list[str] = [entity]
    texts: list[str] = [""]
    index_of = {entity: 0}

    def node(word: str, negated: bool, is_concept: bool) -> int:
        name = word if is_concept else ("not " if negated else "") + word
        if name not in index_of:
            index_of[name] = len(names)
            names.append(name)
            article = "an" if word[0] in "aeiou" else "a"
            texts.append(f" {article} {word}" if is_concept else f" {name}")
        return index_of[name]

    edges = []
    for subject, obj, negated, marked_concept in rules:
        is_concept = marked_concept or obj in concepts
        parent = 0 if subject == entity else node(subject, False, True)
        edges.append((parent, node(obj, negated and not is_concept, is_concept)))
    target_name = _target_name(record, query)
    target = node(target_name.removeprefix("not "), target_name.startswith("not "), False)
    flipped = (
        target_name.removeprefix("not ")
        if target_name.startswith("not ")
        else ("not " + target_name)
    )
    return ReasoningGraph(
        names=tuple(names),
        edges=tuple(edges),
        root=0,
        target=target,
        neg_target=index_of.get(flipped),
        texts=(" " + entity, *texts[1:]),
    )


def _read_rules(
    sentences: list[str], entity: str
) -> tuple[list[tuple[str, str, bool, bool]], set[str]]:
    """``(subject, object, negated, object is a concept)`` per sentence, and the concepts."""
    rules, concepts = [], set()
    for sentence in sentences:
        if found := grammar.parse_singular_rule(sentence + "."):
            subject, obj, marked = found.subject.lower(), found.obj.lower(), found.article
        elif found := grammar.parse_plural_rule(sentence + "."):
            subject, obj, marked = singular(found.subject), found.obj.lower(), False
        elif (found := grammar.parse_entity_fact(sentence + ".")) and found.subject == entity:
            subject, obj, marked = entity, found.obj.lower(), found.article
        else:
            continue  # facts about other entities and sentences of other shapes
        if subject != entity:
            concepts.add(subject)
        if marked:
            concepts.add(obj)
        rules.append((subject, obj, found.negated, marked))
    # plural objects of "are" rules are concepts when their singular is one
    resolved = []
    for subject, obj, negated, marked in rules:
        plural_concept = singular(obj) in concepts or obj.endswith("puses")
        if not marked and plural_concept and obj != singular(obj):
            obj, marked = singular(obj), True
        resolved.append((subject, obj, negated, marked))
    return resolved, concepts


def _target_name(record: Mapping[str, Any], query: Query) -> str:
    """The property the gold chain ends with (else the queried one)."""
    steps = record.get("steps") or []
    if steps:
        last = str(steps[-1]).strip().rstrip(".")
        match = grammar.CONCLUSION_END.search(last)
        if match and last.split()[-2:-1] != ["a"]:
            return ("not " if match["neg"] else "") + match["obj"].lower()
    return ("not " if query.negated else "") + query.prop.lower()
