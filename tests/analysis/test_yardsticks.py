"""The yardsticks of a symbolic ProsQA split, on two graphs worked out by hand."""

from __future__ import annotations

import json

import pytest

from coconut.analysis.yardsticks import YARDSTICKS, larger_option_share, yardsticks
from coconut.data.io import read_records
from coconut.data.symbolic import relabel_records

# Graph A: 0->1, 0->2, 1->3; root 0, answer 3 (the larger option). The edge-walker at 0
# sees no child equal to 3, so it picks 1 or 2 at random: from 1 it steps to 3 (right),
# 2 is a dead end (a coin flip between the options): 0.5 * 1 + 0.5 * 0.5 = 0.75. With one
# hop of lookahead it sees that 1 reaches 3 and goes there: 1.0.
# Graph B: 0->1, 0->2; root 0, answer 1 (the smaller option). The answer is a child of
# the root: both walkers step to it, 1.0. The larger option (2) is wrong.
GRAPHS = [
    {"question": "0 1 | 0 2 | 1 3 | [Q] 3 2 [R] 0", "steps": ["1", "3"], "answer": "3",
     "idx_to_symbol": ["0", "1", "2", "3"], "edges": [[0, 1], [0, 2], [1, 3]],
     "root": 0, "target": 3, "neg_target": 2},
    {"question": "0 1 | 0 2 | [Q] 1 2 [R] 0", "steps": ["1"], "answer": "1",
     "idx_to_symbol": ["0", "1", "2"], "edges": [[0, 1], [0, 2]],
     "root": 0, "target": 1, "neg_target": 2},
]  # fmt: skip


def test_the_yardsticks_of_two_graphs_worked_out_by_hand(tmp_path):
    path = tmp_path / "two.json"
    path.write_text(json.dumps(GRAPHS))
    sticks = yardsticks(read_records(path))
    assert list(sticks) == list(YARDSTICKS)
    assert sticks == {"larger_option": 0.5, "edge_walker": 0.875, "edge_walker_lookahead_1": 1.0}


def test_renaming_keeps_the_walkers_and_moves_the_larger_option():
    renamed = relabel_records(GRAPHS, seed=0)
    assert yardsticks(renamed)["edge_walker"] == 0.875
    assert yardsticks(renamed)["edge_walker_lookahead_1"] == 1.0
    larger = [max(int(w) for w in r["question"].split("[Q]")[1].split()[:2]) for r in renamed]
    expected = sum(m == int(r["answer"]) for m, r in zip(larger, renamed, strict=True)) / 2
    assert larger_option_share(renamed) == expected


def test_an_empty_split_has_no_larger_option_share():
    with pytest.raises(ValueError, match="no records"):
        larger_option_share([])
