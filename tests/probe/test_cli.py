"""``coconut-probe`` end to end on a tiny trained ProsQA run, and its bad input."""

from __future__ import annotations

import json
import shutil

import pytest

from coconut.probe.classify import CATEGORIES
from coconut.probe.cli import main


@pytest.mark.slow
def test_probe_a_trained_run(prosqa_run, tmp_path):
    out = tmp_path / "probe"
    data = prosqa_run.parent / "data" / "val.json"
    assert (
        main(
            [
                str(prosqa_run),
                "--data",
                str(data),
                "--out",
                str(out),
                "--max-k",
                "2",
                "--no-progress",
                "--batch-size",
                "3",
                "--max-new-tokens",
                "24",
            ]
        )
        == 0
    )
    report = json.loads((out / "report.json").read_text())
    assert report["task"] == "prosqa" and report["num_examples"] == 8
    assert report["ks"] == [0, 1, 2]
    for k in ("0", "1", "2"):
        shares = report["categories_by_k"][k]
        assert set(shares) == set(CATEGORIES)
        assert sum(shares.values()) == pytest.approx(1.0)
        assert 0.0 <= report["accuracy_by_k"][k] <= 1.0
        by_k = report["frontier"]["by_k"][k]
        assert 0.0 <= by_k["frontier_share"] <= 1.0
        assert 0.0 < by_k["frontier_share_uniform"] < 1.0
        top = by_k["cumulative_top"]
        assert 0.0 <= top[0] <= top[1] <= top[2] <= 1.0 + 1e-6
    assert report["frontier"]["by_k"]["0"]["hop"] == 1
    assert report["frontier"]["by_k"]["2"]["hop"] == 2
    assert len(report["thoughts"]["mean_norm_by_index"]) == 2
    first = report["examples"][0]
    assert len(first["thoughts"]) == 2 and len(first["thoughts"][0]["top_tokens"]) == 5
    assert set(first["values"]["1"]["values"]) == set(
        json.loads(data.read_text())[0]["idx_to_symbol"]
    )
    assert sorted(report["figures"]) == [
        "categories.png",
        "cumulative_topk.png",
        "value_height.png",
    ]
    for name in report["figures"]:
        assert (out / name).read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_a_save_pretrained_dir_and_unknown_words(prosqa_run, tmp_path):
    records = [
        {
            "question": "Every zorblax is a quuxify. Ünïcødé is a zorblax. Is Ünïcødé a "
            "quuxify or blorp?",
            "steps": ["Ünïcødé is a zorblax."],
            "answer": "Ünïcødé is a quuxify.",
        }
    ]
    data = tmp_path / "odd.json"
    data.write_text(json.dumps(records))
    out = tmp_path / "odd"
    assert (
        main(
            [
                str(prosqa_run / "model"),
                "--data",
                str(data),
                "--out",
                str(out),
                "--max-k",
                "1",
                "--no-progress",
                "--max-new-tokens",
                "8",
            ]
        )
        == 0
    )
    report = json.loads((out / "report.json").read_text())
    assert report["task"] == "generic" and "frontier" not in report


@pytest.mark.slow
def test_frontier_analysis_without_graph_fields_names_what_is_missing(prosqa_run, tmp_path, capsys):
    data = tmp_path / "plain.json"
    data.write_text(json.dumps([{"question": "q?", "steps": ["s."], "answer": "a"}]))
    with pytest.raises(SystemExit) as exit_info:
        main(
            [
                str(prosqa_run),
                "--data",
                str(data),
                "--out",
                str(tmp_path / "o"),
                "--task",
                "prosqa",
                "--no-progress",
                "--max-k",
                "1",
            ]
        )
    assert exit_info.value.code == 1  # an error in the data, not in the command line
    err = capsys.readouterr().err
    assert "example 0: missing the ProsQA graph field(s)" in err and "'edges'" in err


def test_not_a_coconut_model(tmp_path, capsys):
    (tmp_path / "m").mkdir()
    data = tmp_path / "d.json"
    data.write_text("[]")
    with pytest.raises(SystemExit):
        main([str(tmp_path / "m"), "--data", str(data), "--out", str(tmp_path / "o")])
    assert "not a Coconut model: expected coconut.json" in capsys.readouterr().err


@pytest.mark.slow
def test_gsm8k_records_get_hit_rates_by_thought(prosqa_run, tmp_path):
    # the run learned ProsQA and would refuse a GSM8K file; its saved model alone (no run
    # config beside it) says no task, so the GSM8K analysis runs on it
    model = shutil.copytree(prosqa_run / "model", tmp_path / "saved" / "model")
    records = [
        {"question": "Tom has 3 apples and buys 4. How many?", "steps": ["<<3+4=7>>"],
         "answer": "7"},
        {"question": "2 boxes of 5 pens, 1 lost?", "steps": ["<<2*5=10>>", "<<10-1=9>>"],
         "answer": "9"},
    ]  # fmt: skip
    data = tmp_path / "gsm.json"
    data.write_text(json.dumps(records))
    out = tmp_path / "gsm"
    args = [str(model), "--data", str(data), "--out", str(out), "--max-k", "3"]
    assert main([*args, "--no-progress", "--max-new-tokens", "8"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["task"] == "gsm8k" and "categories_by_k" not in report
    rates = report["gsm8k"]["hit_rate_by_thought"]
    assert [(r["index"], r["total"]) for r in rates] == [(1, 2), (2, 1), (3, 0)]
    assert "gsm8k_hits.png" in report["figures"]


@pytest.mark.slow
def test_superposition_probe_writes_its_report_and_figure(symbolic_run, tmp_path):
    run, data = symbolic_run
    out = tmp_path / "sup"
    code = main([str(run), "--data", str(data / "valid.json"), "--out", str(out),
                 "--superposition", "--limit", "3", "--no-progress"])  # fmt: skip
    assert code == 0
    report = json.loads((out / "superposition.json").read_text())
    assert report["mode"] == "coconut" and report["frontier"] == "distance"
    assert report["num_examples"] == 3
    assert set(report) >= {"inner", "prob", "attention", "attention_mass"}
    assert (out / "superposition.png").stat().st_size > 0
