"""The priority queue: highest priority first, ties first in, first out."""

from __future__ import annotations

import pytest

from coconut.search.frontier import Frontier


def test_pops_by_priority_then_insertion_order():
    frontier = Frontier()
    for priority, item in [(0.5, "a"), (2.0, "b"), (1.0, "c"), (2.0, "d"), (-1.0, "e")]:
        frontier.push(priority, item)
    assert frontier.items() == ["b", "d", "c", "a", "e"]
    assert [frontier.pop() for _ in range(5)] == ["b", "d", "c", "a", "e"]
    assert len(frontier) == 0
    with pytest.raises(IndexError):
        frontier.pop()


def test_items_that_do_not_compare_are_fine():
    frontier = Frontier()
    frontier.push(1.0, {"x": 1})
    frontier.push(1.0, {"y": 2})
    assert frontier.pop() == {"x": 1}
