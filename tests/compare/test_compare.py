"""coconut-compare on synthetic runs: results.json, offline W&B folders, bad input."""

from __future__ import annotations

import json

import pytest
from wandb_files import offline_run

from coconut.compare.cli import main
from coconut.compare.plots import metric_curve
from coconut.compare.runs import CompareError, collect_runs, collect_wandb_project
from coconut.compare.table import aggregate, mean_std
from coconut.compare.wandb_offline import read_offline_run


def results(method, seed, acc, tokens, data="prosqa", passes=10.0):
    return {
        "run_name": f"{data}-{method}-m-seed{seed}",
        "method": method,
        "data": data,
        "model": "m",
        "seed": seed,
        "val": {"acc": 0.5, "gen_tokens": 1.0},
        "test": {
            "acc": acc,
            "gen_tokens": tokens,
            "forward_passes": passes,
            "sec_per_example": 0.01,
        },
    }


def wandb_config(method, seed, data="prosqa"):
    return {
        "run_name": f"{data}-{method}-m-seed{seed}",
        "seed": seed,
        "method": {"name": method},
        "data": {"name": data},
        "model": {"name": "m"},
    }


@pytest.fixture
def runs(tmp_path):
    """Coconut on prosqa: seeds 0, 1 as results.json, seed 2 as an offline W&B run only;
    CoT seed 0; a broken and an unfinished run."""
    root = tmp_path / "runs"
    for seed, acc, tokens in [(0, 0.9, 10.0), (1, 0.8, 12.0)]:
        d = root / f"prosqa-coconut-m-seed{seed}"
        d.mkdir(parents=True)
        (d / "results.json").write_text(json.dumps(results("coconut", seed, acc, tokens)))
    offline_run(
        root / "prosqa-coconut-m-seed2" / "wandb" / "offline-run-20250101_000000-xyz",
        wandb_config("coconut", 2),
        history=[{"epoch": 0, "val/acc": 0.4}, {"epoch": 1, "val/acc": 0.6}],
        summary={
            "test/acc": 0.7,
            "test/gen_tokens": 14.0,
            "test/forward_passes": 16.0,
            "test/sec_per_example": 0.03,
        },
        name="prosqa-coconut-m-seed2",
        pad=70_000,
    )
    offline_run(  # seed 0 also logged to W&B: its curve comes along, the run counts once
        root / "prosqa-coconut-m-seed0" / "wandb" / "offline-run-20250101_000000-abc",
        wandb_config("coconut", 0),
        history=[{"epoch": 0, "val/acc": 0.85}],
        summary={"test/acc": 0.9},
        name="prosqa-coconut-m-seed0",
    )
    cot = root / "prosqa-cot-m-seed0"
    cot.mkdir()
    (cot / "results.json").write_text(json.dumps(results("cot", 0, 0.5, 30.0)))
    (root / "broken").mkdir()
    (root / "broken" / "results.json").write_text("{not json")
    (root / "unfinished").mkdir()
    (root / "unfinished" / "config.yaml").write_text("seed: 0\n")
    return root


def test_mean_and_std_by_hand():
    mean, std = mean_std([0.9, 0.8, 0.7])
    assert mean == pytest.approx(0.8) and std == pytest.approx(0.1)  # sqrt((.01+0+.01)/2)
    assert mean_std([3.0]) == (3.0, None)


def test_offline_reader_spans_blocks(runs):
    run = read_offline_run(next((runs / "prosqa-coconut-m-seed2" / "wandb").iterdir()))
    assert run.run_id == "abc123" and run.name == "prosqa-coconut-m-seed2"
    assert run.config["method"] == {"name": "coconut"} and len(run.config["padding"]) == 70_000
    assert run.summary["test/acc"] == 0.7 and [h["val/acc"] for h in run.history] == [0.4, 0.6]


def test_folder_of_runs_gives_table1_with_mean_and_std(runs):
    records, bad = collect_runs([runs])
    assert sorted((r.method, r.seed) for r in records) == [
        ("coconut", 0),
        ("coconut", 1),
        ("coconut", 2),
        ("cot", 0),
    ]
    assert {b.source.rsplit("/", 1)[1]: b.reason.split(":")[0] for b in bad} == {
        "broken": "malformed JSON",
        "unfinished": "a run directory without results.json or a W&B run (unfinished?)",
    }
    seed0 = next(r for r in records if r.seed == 0 and r.method == "coconut")
    assert seed0.source.endswith("results.json")
    assert metric_curve(seed0) == ([0.0], [0.85])
    cells = {c.method: c for c in aggregate(records)}
    coconut = cells["coconut"]
    assert coconut.n == 3 and coconut.acc == pytest.approx((0.8, 0.1))
    assert coconut.gen_tokens == pytest.approx((12.0, 2.0))  # 10, 12, 14
    assert coconut.forward_passes == pytest.approx(12.0)  # (10 + 10 + 16) / 3
    assert cells["cot"].acc == (0.5, None)


def test_cli_writes_table_csv_plot_and_lists_unreadable(runs, tmp_path, capsys):
    out = tmp_path / "out"
    assert main([str(runs), str(tmp_path / "missing"), "--out", str(out)]) == 0
    table = (out / "table.md").read_text()
    assert table.splitlines()[0].startswith("| Method | Model | prosqa Acc. (%) | prosqa # Tokens")
    rows = {line.split(" | ")[0].strip("| "): line for line in table.splitlines()[2:4]}
    assert rows["CoT"].startswith("| CoT | m | 50.0 | 30.0 | 10.0 | 0.0100 | 1 |")
    assert rows["Coconut"].startswith("| Coconut | m | 80.0 ± 10.0 | 12.0 ± 2.0 | 12.0 |")
    assert table.index("| CoT |") < table.index("| Coconut |")  # the paper's row order
    assert "## Runs that could not be read (3)" in table
    assert "missing`: no such file or directory" in table
    csv_lines = (out / "table.csv").read_text().splitlines()
    assert csv_lines[0].startswith("method,model,dataset,seeds,acc_mean,acc_std")
    assert csv_lines[1].startswith("cot,m,prosqa,1,0.5,,30.0,")
    assert (out / "acc_vs_tokens.png").read_bytes()[:4] == b"\x89PNG"


def test_runs_of_another_configuration_get_their_own_row(tmp_path):
    for name, acc in [("prosqa-coconut-m-seed0", 0.6), ("prosqa-coconut-m-lr3-seed0", 0.2)]:
        d = tmp_path / name
        d.mkdir()
        (d / "results.json").write_text(
            json.dumps(results("coconut", 0, acc, 5.0) | {"run_name": name})
        )
    records, _ = collect_runs([tmp_path])
    assert sorted(r.variant for r in records) == ["", "lr3"]
    cells = {c.model: c.acc for c in aggregate(records)}
    assert cells == {"m": (0.6, None), "m [lr3]": (0.2, None)}


def test_a_results_file_and_a_run_given_twice_count_once(runs):
    path = runs / "prosqa-coconut-m-seed0"
    records, bad = collect_runs([path / "results.json", path])
    assert len(records) == 1 and "counted once" in bad[0].reason
    records, _ = collect_runs([runs / "prosqa-cot-m-seed0"], split="val")
    assert records[0].split == "val" and records[0].metrics["acc"] == 0.5


def test_empty_folder_and_nothing_readable_fail_clearly(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    with pytest.raises(CompareError, match=r"empty.*no runs found \(empty folder\?\)"):
        collect_runs([tmp_path / "empty"])
    with pytest.raises(SystemExit) as info:
        main([str(tmp_path / "empty"), "--out", str(tmp_path / "o")])
    assert info.value.code == 2 and "no runs to compare" in capsys.readouterr().err


class FakeRun:
    def __init__(self, run_id, config, summary):
        self.id, self.name, self.config, self.summary = run_id, config["run_name"], config, summary


class FakeApi:
    def __init__(self, runs=None, error=None):
        self._runs, self._error = runs or [], error

    def runs(self, project):
        if self._error:
            raise self._error
        assert project == "team/coconut"
        return self._runs


def test_wandb_project_through_the_api():
    good = FakeRun("r1", wandb_config("coconut", 0), {"test/acc": 0.75, "test/gen_tokens": 9})
    other = FakeRun("r2", {"run_name": "x", "lr": 1}, {"loss": 1.0})
    records, bad = collect_wandb_project("wandb:team/coconut", api=FakeApi([good, other]))
    assert [(r.method, r.metrics["acc"]) for r in records] == [("coconut", 0.75)]
    assert bad[0].source == "wandb:team/coconut/r2" and "not a coconut-train run" in bad[0].reason


def test_unreachable_wandb_project_is_named():
    with pytest.raises(CompareError, match="wandb:team/coconut: cannot reach the W&B project"):
        collect_wandb_project("wandb:team/coconut", api=FakeApi(error=ConnectionError("down")))
    with pytest.raises(CompareError, match="expected wandb:ENTITY/PROJECT"):
        collect_wandb_project("wandb:nope")
