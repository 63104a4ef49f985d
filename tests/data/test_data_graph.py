"""The ProsQA graph type: construction from records and the graph questions, hand-checked."""

from __future__ import annotations

import pytest

from coconut.data.graph import MissingGraphError, ReasoningGraph

# 0 -> 1 -> 3 -> 4, 0 -> 2 -> 3, 2 -> 5; the negative target 5 is a leaf reached via 2.
RECORD = {
    "idx_to_symbol": ["Tom", "wumpus", "yumpus", "zumpus", "rempus", "gorpus"],
    "edges": [[0, 1], [0, 2], [1, 3], [2, 3], [3, 4], [2, 5]],
    "root": 0,
    "target": 4,
    "neg_target": 5,
}


def graph() -> ReasoningGraph:
    return ReasoningGraph.from_record(RECORD)


def test_from_record_builds_children_and_parents():
    g = graph()
    assert g.names[0] == "Tom" and (g.root, g.target, g.neg_target) == (0, 4, 5)
    assert g.children == ((1, 2), (3,), (3, 5), (4,), (), ())
    assert g.parents == ((), (0,), (0,), (1, 2), (3,), (2,))
    assert g.texts[1] == " wumpus" and g.index("zumpus") == 3 and g.index("x") is None


def test_symbolic_record_reads_the_same():
    symbolic = {**RECORD, "idx_to_symbol": [str(i) for i in range(6)]}
    g = ReasoningGraph.from_record(symbolic)
    assert g.names == ("0", "1", "2", "3", "4", "5") and g.children == graph().children


def test_missing_and_malformed_records_name_file_and_index():
    with pytest.raises(MissingGraphError, match=r"valid\.json\[3\]: missing .*'edges'"):
        ReasoningGraph.from_record({"idx_to_symbol": ["a"]}, index=3, source="valid.json")
    bad = {**RECORD, "edges": [[0, 9]]}
    with pytest.raises(ValueError, match=r"f\.json\[2\]: malformed ProsQA graph: edges\[0\]"):
        ReasoningGraph.from_record(bad, index=2, source="f.json")
    with pytest.raises(ValueError, match=r"^example 5: malformed ProsQA graph"):
        ReasoningGraph.from_record({**RECORD, "root": "x"}, index=5)


def test_distances_layers_and_reachability():
    g = graph()
    assert g.distances() == [0, 1, 1, 2, 3, 2]
    assert g.distances(3) == [None, None, None, 0, 1, None]
    assert g.distance_layers() == [[0], [1, 2], [3, 5], [4]]
    assert g.reachable(2) == [2, 3, 4, 5]
    assert g.reaches(1, 4) and not g.reaches(1, 5) and g.reaches(4, 4)


def test_frontiers_and_heights():
    g = graph()
    assert g.walk_frontier(2) == [3, 5] and g.distance_frontier(2) == [3, 5]
    assert g.walk_frontier(3) == [4] and g.frontier(3, "distance") == [4]
    assert g.reachable_within(1) == [0, 1, 2]
    assert g.heights() == [2, 2, 1, 1, 0, 0]
    with pytest.raises(ValueError, match="k must be >= 0"):
        g.walk_frontier(-1)
    with pytest.raises(ValueError, match="definition must be one of"):
        g.frontier(1, "bfs")


def test_walk_and_distance_frontiers_differ_on_uneven_paths():
    # 0 -> 1 -> 2 and 0 -> 2: node 2 is 1 hop away by distance, 2 hops by a walk
    g = ReasoningGraph(("a", "b", "c"), ((0, 1), (1, 2), (0, 2)), 0, 2)
    assert g.walk_frontier(2) == [2] and g.distance_frontier(2) == []


def test_paths_and_path_layers():
    g = graph()
    assert g.is_path([0, 2, 3, 4]) and not g.is_path([0, 3])
    assert g.path_layers(3) == [{0}, {1, 2}, {3}, {4}]
    assert g.path_layers(1, target=2) == [{0}, {2}]
    with pytest.raises(ValueError, match="no 2-edge path from 0 to 4"):
        g.path_layers(2)


def test_over_indices_and_from_facts():
    g = ReasoningGraph.over_indices([[0, 2], [2, 1]], root=0, target=1)
    assert g.names == ("0", "1", "2") and g.children == ((2,), (), (1,))
    f = ReasoningGraph.from_facts([("Tom", "wumpus"), ("wumpus", "yumpus")], "Tom", "yumpus", "x")
    assert f.names == ("Tom", "yumpus", "x", "wumpus")
    assert (f.root, f.target, f.neg_target) == (0, 1, 2) and f.reaches(0, 1)
