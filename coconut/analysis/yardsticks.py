"""Yardsticks of a symbolic ProsQA split: what rules that do not search score on it.

A model's accuracy on symbolic ProsQA means little without these beside it:

- **the larger option index** (:func:`larger_option_share`): the generator numbers the
  nodes in the order it grows the graph, so the answer is often the larger of the two
  options; a model can score this without reading an edge. On a renamed copy
  (:func:`coconut.data.symbolic.relabel_records`) the rule falls to about a coin flip;
- **the edge-walker** and **its 1-hop lookahead**: the exact accuracy of a walker that
  follows real edges from the root, seeing 0 or 1 hops ahead
  (:func:`coconut.analysis.lookahead.walker_accuracy`); renaming the nodes does not change
  them.

:func:`yardsticks` computes the three for one split.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from coconut.analysis.lookahead import lookahead_table
from coconut.data.symbolic import parse_question

YARDSTICKS = ("larger_option", "edge_walker", "edge_walker_lookahead_1")
"""The keys of :func:`yardsticks`."""


def larger_option_share(records: Sequence[Mapping[str, Any]]) -> float:
    """The share of ``records`` whose answer is the larger of the question's two options.

    Raises:
        ValueError: for no records, or a question that is not symbolic.
    """
    if not records:
        raise ValueError("no records: the larger-option share of an empty split is undefined")
    hits = 0
    for record in records:
        _, options, _ = parse_question(record["question"])
        hits += max(options) == int(record["answer"])
    return hits / len(records)


def yardsticks(records: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """``larger_option``, ``edge_walker`` and ``edge_walker_lookahead_1`` of symbolic
    ProsQA ``records`` that carry their graph fields (``edges``, ``root``, ``target``).

    Raises:
        ValueError: as :func:`larger_option_share`.
    """
    walker, lookahead = lookahead_table([dict(r) for r in records], 1)
    return {
        "larger_option": larger_option_share(records),
        "edge_walker": walker,
        "edge_walker_lookahead_1": lookahead,
    }
