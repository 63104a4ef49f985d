"""The priority queue: highest priority first; ties deeper first, then last in, first out."""

from __future__ import annotations

import pytest

from coconut.search.frontier import Frontier


def test_pops_by_priority_then_latest_pushed():
    frontier = Frontier()
    for priority, item in [(0.5, "a"), (2.0, "b"), (1.0, "c"), (2.0, "d"), (-1.0, "e")]:
        frontier.push(priority, item)
    assert frontier.items() == ["d", "b", "c", "a", "e"]
    assert [frontier.pop() for _ in range(5)] == ["d", "b", "c", "a", "e"]
    assert len(frontier) == 0
    with pytest.raises(IndexError):
        frontier.pop()


def test_ties_go_to_the_deeper_item_first():
    frontier = Frontier()
    for depth, item in [(1, "shallow"), (3, "deep"), (2, "middle"), (3, "deep, later")]:
        frontier.push(1.0, item, depth)
    frontier.push(2.0, "better", 0)
    expected = ["better", "deep, later", "deep", "middle", "shallow"]
    assert frontier.items() == expected
    assert [frontier.pop() for _ in range(5)] == expected


def test_items_that_do_not_compare_are_fine():
    frontier = Frontier()
    frontier.push(1.0, {"x": 1})
    frontier.push(1.0, {"y": 2})
    assert frontier.pop() == {"y": 2}
