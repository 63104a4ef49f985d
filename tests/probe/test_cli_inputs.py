"""``coconut-probe`` on bad input: another task's file, forced thoughts on a CoT run, an
``--out`` that is a file; one line each, exit 1 for errors and 2 for usage."""

from __future__ import annotations

import json
import shutil

import pytest
from omegaconf import OmegaConf

from coconut.data import generate_prontoqa
from coconut.probe.checks import UntrainedThoughtsError, check_thoughts
from coconut.probe.cli import main
from coconut.probe.loading import NotACoconutModelError


def _probe(*args: str) -> int:
    try:
        return main([*args, "--no-progress", "--max-new-tokens", "4", "--limit", "2"])
    except SystemExit as done:
        return int(done.code)


def _as_method(run, root, method: str):
    """A copy of ``run`` whose config says it was trained with ``method``."""
    copy = root / f"{method}-run"
    shutil.copytree(run / "model", copy / "model")
    config = OmegaConf.load(run / "config.yaml")
    config.method.name = method
    OmegaConf.save(config, copy / "config.yaml")
    return copy


def test_out_naming_a_file_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "report.json").write_text("{}")
    code = _probe(str(tmp_path), "--data", "d.json", "--out", str(tmp_path / "report.json"))
    assert code == 2
    err = capsys.readouterr().err
    assert "--out " + str(tmp_path / "report.json") + ": a file, not a directory" in err
    assert "Traceback" not in err


def test_errors_are_one_line_with_a_hint_and_debug_shows_the_traceback(tmp_path, capsys):
    (tmp_path / "m").mkdir()
    args = [str(tmp_path / "m"), "--data", "d.json", "--out", str(tmp_path / "o")]
    assert _probe(*args) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and lines[0].startswith("coconut-probe: error: ")
    assert lines[1] == "(pass --debug to see the full traceback)"
    with pytest.raises(NotACoconutModelError):
        main([*args, "--debug"])


@pytest.mark.slow
def test_a_prontoqa_file_with_a_prosqa_model_is_refused(prosqa_run, tmp_path, capsys):
    data = tmp_path / "prontoqa.json"
    data.write_text(json.dumps(generate_prontoqa(3, 0, hops=3)))
    code = _probe(str(prosqa_run), "--data", str(data), "--out", str(tmp_path / "o"))
    assert code == 1
    err = capsys.readouterr().err.splitlines()  # after the progress bar of datasets
    (first,) = [line for line in err if line.startswith("coconut-probe: error: ")]
    assert f"--data {data}: a prontoqa file, but the run {prosqa_run}" in first
    assert "learned prosqa" in first
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_forced_thoughts_on_a_cot_run_need_the_flag(prosqa_run, tmp_path, capsys):
    run = _as_method(prosqa_run, tmp_path, "cot")
    data = prosqa_run.parent / "data" / "val.json"
    args = [str(run), "--data", str(data), "--out", str(tmp_path / "o"), "--max-k", "1"]
    assert _probe(*args) == 1
    err = capsys.readouterr().err
    assert "method=cot, which never uses continuous thoughts" in err
    assert "--allow-untrained-thoughts" in err and not (tmp_path / "o").exists()
    assert _probe(*args, "--allow-untrained-thoughts") == 0
    assert (tmp_path / "o" / "report.json").is_file()
    assert _probe(*args[:-2], "--max-k", "0") == 0  # no forced thoughts: nothing to refuse


def test_check_thoughts_passes_latent_methods_and_unknown_runs():
    check_thoughts({"method": {"name": "coconut"}}, 3, allow=False)
    check_thoughts({"method": {"name": "no_curriculum"}}, 3, allow=False)
    check_thoughts(None, 3, allow=False)  # a saved model without its run
    with pytest.raises(UntrainedThoughtsError, match="method=no_cot"):
        check_thoughts({"method": {"name": "no_cot"}}, 1, allow=False)
    check_thoughts({"method": {"name": "no_cot"}}, 1, allow=True)  # warns


@pytest.mark.slow
def test_superposition_probes_of_a_cot_run_stay_allowed(symbolic_run, tmp_path):
    run, data = symbolic_run
    cot = _as_method(run, tmp_path, "cot")
    args = [str(cot), "--data", str(data / "valid.json"), "--out", str(tmp_path / "sup")]
    assert _probe(*args, "--superposition") == 0
    report = json.loads((tmp_path / "sup" / "superposition.json").read_text())
    assert report["mode"] == "cot"


def _fake_model(root):
    """A folder that passes as a saved model until the weights load."""
    (root / "m").mkdir()
    (root / "m" / "coconut.json").write_text("{}")
    return root / "m"


def test_an_out_holding_someone_elses_files_is_refused_before_loading(tmp_path, capsys):
    model, out = _fake_model(tmp_path), tmp_path / "o"
    out.mkdir()
    (out / "categories.png").write_text("my figure")
    data = tmp_path / "d.json"
    data.write_text(json.dumps(generate_prontoqa(2, 0, hops=2)))
    assert _probe(str(model), "--data", str(data), "--out", str(out)) == 1
    assert f"{out / 'categories.png'} already exists" in capsys.readouterr().err
    assert (out / "categories.png").read_text() == "my figure"
    assert _probe(str(model), "--data", str(out / "report.json"), "--out", str(out)) == 1
    assert "is also the input --data=" in capsys.readouterr().err


def test_superposition_on_a_file_without_graph_symbols_is_one_line(tmp_path, capsys):
    model = _fake_model(tmp_path)
    data = tmp_path / "prontoqa.json"
    data.write_text(json.dumps(generate_prontoqa(2, 0, hops=2)))
    args = [str(model), "--data", str(data), "--out", str(tmp_path / "o"), "--superposition"]
    assert _probe(*args) == 1
    err = capsys.readouterr().err
    assert f"{data}: example 0 has no idx_to_symbol: --superposition probes symbolic" in err
    assert "Traceback" not in err and not (tmp_path / "o").exists()
