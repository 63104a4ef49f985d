"""Frontiers, reachability and heights of a ReasoningGraph on hand-made graphs."""

from __future__ import annotations

import pytest

from coconut.data.graph import MissingGraphError, ReasoningGraph


def make(edges, n, root=0, target=None):
    names = tuple(f"n{i}" for i in range(n))
    return ReasoningGraph(names, tuple(edges), root, n - 1 if target is None else target)


# 0 -> 1 -> 3 -> 4 ; 0 -> 2 -> 3 ; 5 -> 4 (5 unreachable from 0)
DAG = make([(0, 1), (0, 2), (1, 3), (2, 3), (3, 4), (5, 4)], 6, target=4)


def test_frontier_and_reachability_on_a_dag():
    assert [DAG.frontier(k) for k in range(5)] == [[0], [1, 2], [3], [4], []]
    assert DAG.reachable_within(0) == [0]
    assert DAG.reachable_within(2) == [0, 1, 2, 3]
    assert DAG.reachable_within(10) == [0, 1, 2, 3, 4]  # 5 never
    assert DAG.distances() == [0, 1, 1, 2, 3, None]


def test_heights_on_a_dag():
    # 4 is the only leaf; 5 -> 4 directly
    assert DAG.heights() == [3, 2, 2, 1, 0, 1]


def test_cycle_frontiers_repeat_and_heights_escape_only_where_a_leaf_is_reachable():
    # 0 -> 1 -> 2 -> 1 (cycle), 2 -> 3 (leaf); 4 <-> 5 is a cycle with no way out
    g = make([(0, 1), (1, 2), (2, 1), (2, 3), (4, 5), (5, 4)], 6, target=3)
    assert [g.frontier(k) for k in range(6)] == [[0], [1], [2], [1, 3], [2], [1, 3]]
    assert g.reachable_within(3) == [0, 1, 2, 3]
    assert g.heights() == [3, 2, 1, 0, None, None]


def test_paths_of_different_lengths_put_a_node_on_two_frontiers():
    g = make([(0, 1), (1, 2), (0, 2)], 3)
    assert g.frontier(1) == [1, 2] and g.frontier(2) == [2]
    assert g.distances() == [0, 1, 1]


def test_negative_k_is_refused():
    with pytest.raises(ValueError, match="k must be >= 0"):
        DAG.frontier(-1)


def test_graph_from_record_and_missing_fields():
    record = {
        "idx_to_symbol": ["Tom", "a", "b"],
        "edges": [[0, 1], [1, 2]],
        "root": 0,
        "target": 2,
        "neg_target": 1,
    }
    g = ReasoningGraph.from_record(record)
    assert g.names == ("Tom", "a", "b") and g.texts == (" Tom", " a", " b")
    assert g.has_edge(0, 1) and not g.has_edge(0, 2)
    with pytest.raises(MissingGraphError, match=r"example 7: missing .*'edges'.*'root'"):
        ReasoningGraph.from_record({"idx_to_symbol": ["x"], "target": 0, "neg_target": 0}, index=7)


def test_out_of_range_edges_fail():
    with pytest.raises(ValueError, match=r"edges\[0\]"):
        make([(0, 9)], 3)
