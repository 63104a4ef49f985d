"""The notebooks in experiments/notebooks: stored without outputs, and they run headless."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parents[2] / "experiments" / "notebooks"
NAMES = ("probing_prosqa.ipynb", "forcing_k_thoughts.ipynb", "comparing_runs.ipynb")
SYMBOLIC = ("superposition.ipynb",)
QUICKSTART = "quickstart.ipynb"


def test_at_least_three_notebooks_stored_without_outputs():
    found = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert {*NAMES, *SYMBOLIC, QUICKSTART} <= set(found)
    for name in found:
        book = nbformat.read(NOTEBOOKS / name, as_version=4)
        code = [c for c in book.cells if c.cell_type == "code"]
        assert code[0].source.startswith("# Parameters"), name  # the model path comes first
        assert "MODEL" in code[0].source or "RUNS" in code[0].source
        for cell in code:
            assert cell.outputs == [] and cell.execution_count is None, name


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom(name, prosqa_run, monkeypatch):
    data = prosqa_run.parent / "data" / "val.json"
    monkeypatch.setenv("COCONUT_MODEL", str(prosqa_run))
    monkeypatch.setenv("COCONUT_DATA", str(data))
    monkeypatch.setenv("COCONUT_MAX_K", "2")
    monkeypatch.setenv("COCONUT_LIMIT", "4")
    monkeypatch.setenv("COCONUT_MAX_NEW_TOKENS", "16")
    monkeypatch.setenv("COCONUT_RUNS", str(prosqa_run.parent))
    book = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbclient.NotebookClient(book, timeout=300, kernel_name="python3").execute()
    text = "".join(out.get("text", "") for cell in book.cells for out in cell.get("outputs", []))
    if name == "comparing_runs.ipynb":
        assert "1 of 1 runs have a W&B history" in text  # read from the offline W&B folder
    if name == "forcing_k_thoughts.ipynb":
        assert "k=2: accuracy" in text


@pytest.mark.slow
def test_superposition_notebook_runs_on_a_symbolic_run(symbolic_run, monkeypatch):
    run, data = symbolic_run
    monkeypatch.setenv("COCONUT_MODEL", str(run))
    monkeypatch.setenv("COCONUT_COT_MODEL", "")
    monkeypatch.setenv("COCONUT_DATA", str(data / "valid.json"))
    monkeypatch.setenv("COCONUT_LIMIT", "4")
    book = nbformat.read(NOTEBOOKS / "superposition.ipynb", as_version=4)
    nbclient.NotebookClient(book, timeout=300, kernel_name="python3").execute()
    text = "".join(out.get("text", "") for cell in book.cells for out in cell.get("outputs", []))
    assert "coconut (coconut): probed 4 records" in text
    assert "cot: no model at ''" in text
    assert "coconut / attention" in text


@pytest.mark.slow
def test_quickstart_notebook_shows_the_shipped_model_on_a_graph_and_its_renamed_copy(monkeypatch):
    """The quickstart runs on the shipped model as stored (no environment but the number
    of graphs measured), draws its figure, and its numbers bear out its caption: the
    thoughts single out the frontier on generated graphs and not on renamed ones."""
    monkeypatch.setenv("COCONUT_GRAPHS", "40")
    monkeypatch.chdir(NOTEBOOKS)  # as Jupyter opened in the notebooks folder would run it
    book = nbformat.read(NOTEBOOKS / QUICKSTART, as_version=4)
    nbclient.NotebookClient(book, timeout=120, kernel_name="python3").execute()
    outputs = [out for cell in book.cells for out in cell.get("outputs", [])]
    assert not [out for out in outputs if out.get("output_type") == "error"]
    assert any("image/png" in out.get("data", {}) for out in outputs)
    text = "".join(out.get("text", "") for out in outputs)
    assert "method coconut (bare thoughts)" in text
    frontier = {}
    for block in ("original", "renamed"):
        lines = text.split(f"{block} (40 graphs)")[1].splitlines()
        frontier[block] = [
            float(next(line for line in lines if f"thought {k}:" in line).split()[3])
            for k in (1, 2, 3)
        ]
    # renamed graphs: the frontier's probability falls to a small fraction at every thought
    assert all(o > 0.15 and r < o / 4 for o, r in zip(*frontier.values(), strict=True))
