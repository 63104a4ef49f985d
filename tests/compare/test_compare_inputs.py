"""``coconut-compare`` on runs that share a name, runs read twice, and an ``--out`` that
cannot be written: nothing merged or dropped silently, the same table in any order."""

from __future__ import annotations

import errno
import json
import os

import pytest
from test_compare import results, wandb_config
from wandb_files import offline_run

from coconut.compare import cli
from coconut.compare.cli import main
from coconut.compare.runs import DUPLICATE, SAME_NAME, collect_runs
from coconut.compare.table import aggregate


def _run(root, folder, acc, run_id, seed=0):
    path = root / folder / "prosqa-coconut-m-seed0"
    path.mkdir(parents=True)
    body = results("coconut", seed, acc, 10.0) | {"run_id": run_id}
    (path / "results.json").write_text(json.dumps(body))
    return path


@pytest.fixture
def rerun(tmp_path):
    """One run name trained twice: ``a/`` (run id aaa, acc 0.9) and ``b/`` (bbb, 0.3)."""
    return _run(tmp_path, "a", 0.9, "aaa"), _run(tmp_path, "b", 0.3, "bbb")


def test_runs_sharing_a_name_are_both_kept_and_named(rerun):
    records, notes = collect_runs([*rerun])
    assert sorted(r.run_id for r in records) == ["aaa", "bbb"]
    assert sorted(r.variant for r in records) == ["run aaa", "run bbb"]
    cells = {c.model: c.acc for c in aggregate(records)}
    assert cells == {"m [run aaa]": (0.9, None), "m [run bbb]": (0.3, None)}
    assert [n.kind for n in notes] == [SAME_NAME, SAME_NAME]
    assert "run ids aaa" in notes[0].reason and "bbb" in notes[0].reason


def test_the_table_does_not_depend_on_the_order_of_the_paths(rerun, tmp_path, capsys):
    tables = []
    for order, paths in enumerate([rerun, rerun[::-1]]):
        out = tmp_path / f"out{order}"
        assert main([*map(str, paths), "--out", str(out)]) == 0
        tables.append((out / "table.md").read_text())
    assert tables[0] == tables[1]
    assert "| Coconut | m [run aaa] | 90.0 |" in tables[0]
    assert "| Coconut | m [run bbb] | 30.0 |" in tables[0]
    assert "## Runs that share a name (kept apart by run id) (2)" in tables[0]
    assert "could not be read" not in tables[0]


def test_one_run_read_twice_counts_once_and_is_not_called_unreadable(tmp_path):
    run = _run(tmp_path, "a", 0.9, "aaa")
    wandb = offline_run(
        run / "wandb" / "offline-run-20250101_000000-aaa", wandb_config("coconut", 0),
        history=[], summary={"test/acc": 0.9}, name="prosqa-coconut-m-seed0", run_id="aaa",
    )  # fmt: skip
    for paths in ([wandb, run], [run, wandb]):
        records, notes = collect_runs(paths)
        assert len(records) == 1 and records[0].source.endswith("results.json")
        assert [n.kind for n in notes] == [DUPLICATE] and "counted once" in notes[0].reason
    out = tmp_path / "out"
    assert main([str(wandb), str(run), "--out", str(out)]) == 0
    table = (out / "table.md").read_text()
    assert "## Runs read more than once (counted once) (1)" in table
    assert "could not be read" not in table


def test_the_table_says_what_its_plus_minus_is(tmp_path):
    for seed, acc in [(0, 0.9), (1, 0.7)]:
        path = tmp_path / f"prosqa-coconut-m-seed{seed}"
        path.mkdir()
        (path / "results.json").write_text(json.dumps(results("coconut", seed, acc, 10.0)))
    assert main([str(tmp_path), "--out", str(tmp_path / "out")]) == 0
    table = (tmp_path / "out" / "table.md").read_text()
    assert "| 80.0 ± 14.1 |" in table  # stdev([0.9, 0.7]) = 0.141: the sample deviation
    assert "± is the sample standard deviation over seeds (n − 1 in the denominator)" in table


def test_an_out_that_cannot_be_written_is_one_line(rerun, tmp_path, capsys, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert _exit(main, [str(rerun[0]), "--out", str(blocker / "out")]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[-2].startswith("coconut-compare: error: ") and "a-file" in lines[-2]
    assert lines[-1] == "(pass --debug to see the full traceback)"
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o555)
    if os.geteuid() == 0:  # root writes anyway: the file system's refusal, simulated

        def refuse(path, text):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))

        monkeypatch.setattr(cli, "atomic_write_text", refuse)
    assert _exit(main, [str(rerun[0]), "--out", str(read_only)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[-2] == (
        f"coconut-compare: error: permission denied while writing {read_only / 'table.md'}"
    )
    with pytest.raises(PermissionError):
        main([str(rerun[0]), "--out", str(read_only), "--debug"])


def _exit(function, argv) -> int:
    try:
        return function(argv)
    except SystemExit as done:
        return int(done.code)


def test_an_out_holding_someone_elses_table_is_refused_unless_forced(rerun, tmp_path, capsys):
    out = tmp_path / "paper"
    out.mkdir()
    (out / "table.md").write_text("my own table")
    assert _exit(main, [str(rerun[0]), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{out / 'table.md'} already exists and was not written by this tool" in err
    assert (out / "table.md").read_text() == "my own table" and not (out / "table.csv").exists()
    assert _exit(main, [str(rerun[0]), "--out", str(out), "--force"]) == 0
    assert _exit(main, [str(rerun[0]), "--out", str(out)]) == 0  # its own table: replaced


def test_a_run_still_training_is_called_unfinished_not_foreign(tmp_path):
    """Its W&B run has no config yet: it was 'not a coconut-train run'."""
    run = tmp_path / "prosqa-coconut-m-seed0"
    run.mkdir()
    (run / "config.yaml").write_text("seed: 0\n")
    offline_run(run / "wandb" / "offline-run-20250101_000000-abc", {}, history=[], summary={})
    records, bad = collect_runs([run, _run(tmp_path, "done", 0.9, "aaa")])
    assert len(records) == 1 and bad[0].source == str(run)
    assert bad[0].reason.startswith("a run directory without results.json or a W&B run")
    assert "still training or stopped before its final evaluation" in bad[0].reason
