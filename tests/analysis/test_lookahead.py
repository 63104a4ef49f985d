"""The k-hop walker's exact ProsQA accuracy, checked by hand on a small graph."""

import json
from pathlib import Path

import pytest

from coconut.analysis.lookahead import load_graphs, lookahead_table, main, walker_accuracy
from coconut.data import generate_prosqa
from coconut.data.schema import DataValidationError

# 0 -> 1 -> 3 -> 4 (the target) and 0 -> 2 -> 5 (a dead end); 6 is the other option.
GRAPH = {
    "idx_to_symbol": ["Tom", "a", "b", "c", "target", "leaf", "other"],
    "edges": [[0, 1], [0, 2], [1, 3], [3, 4], [2, 5]],
    "root": 0,
    "target": 4,
    "neg_target": 6,
}


def test_walker_by_hand():
    # k=0 and k=1 see no promising child at the root: half the walks go 0->1->3->4 (right),
    # half go 0->2->5 and guess at the dead end (right half the time): 0.5 + 0.25.
    assert walker_accuracy(GRAPH, 0) == pytest.approx(0.75)
    assert walker_accuracy(GRAPH, 1) == pytest.approx(0.75)
    # k=2 sees 1 -> 3 -> target from the root and always takes it.
    assert walker_accuracy(GRAPH, 2) == pytest.approx(1.0)


def test_adjacent_target_is_always_taken():
    record = dict(GRAPH, edges=[[0, 4], [0, 2], [2, 5]])
    assert walker_accuracy(record, 0) == 1.0


def test_table_rises_to_full_search():
    records = generate_prosqa(40, 5)
    table = lookahead_table(records, 6)
    assert table == sorted(table)
    assert table[-1] == 1.0  # every generated target is reachable within 6 hops
    assert 0.5 < table[0] < 1.0


def test_cli_prints_a_row_per_file(tmp_path: Path, capsys, monkeypatch):
    records = generate_prosqa(3, 0)
    path = tmp_path / "graphs.json"
    path.write_text(json.dumps(records))
    monkeypatch.setattr("sys.argv", ["lookahead", str(path), "--max-lookahead", "2"])
    main()
    row = capsys.readouterr().out.splitlines()[-1]
    cells = " | ".join(f"{acc:.1%}" for acc in lookahead_table(records, 2))
    assert row == f"| `{path}` | 3 | {cells} |"


def test_records_without_graphs_are_refused_by_index(tmp_path: Path):
    path = tmp_path / "mixed.json"
    plain = {"question": "Is Tom a b?", "steps": [], "answer": "Tom is a b."}
    path.write_text(json.dumps([plain]))
    with pytest.raises(DataValidationError, match=r"mixed\.json.*example 0.*edges"):
        load_graphs(path)


def test_broken_graph_is_refused(tmp_path: Path):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps([dict(generate_prosqa(1, 0)[0], target=999)]))
    with pytest.raises(DataValidationError, match=r"broken\.json"):
        load_graphs(path)
