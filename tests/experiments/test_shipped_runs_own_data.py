"""The shipped runs are scored and probed on their own test split with no data argument.

Their split files lived on the machine that trained them; ``coconut-eval`` and
``coconut-probe`` generate the split again from the run's recorded recipe (generator,
sizes, seeds) into the cache (``COCONUT_CACHE``, a temporary folder here), byte for byte
the file the run recorded in ``identity.json``. A run trained on a file that is gone is
refused, naming the file and the option that gives another one.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from coconut.data.recipe import SplitUnavailableError
from coconut.hydra_app import CONFIG_DIR
from coconut.probe.cli import main as probe_main
from coconut.training.evaluate import evaluate

MODELS = Path(__file__).resolve().parents[2] / "experiments" / "models"
RUN = MODELS / "prosqa_symbolic-coconut_bare_next"


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """One cache for the module: the split is generated once."""
    folder = tmp_path_factory.mktemp("cache")
    patch = pytest.MonkeyPatch()
    patch.setenv("COCONUT_CACHE", str(folder))
    yield folder
    patch.undo()


@pytest.fixture
def run(tmp_path, cache):
    """A copy of the shipped run (as on a fresh clone: its data files are not here)."""
    copy = tmp_path / "run"
    shutil.copytree(RUN, copy)
    return copy


def _eval_cfg(*overrides: str):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose("eval", overrides=list(overrides))


def _trained_on_a_gone_file(run: Path, tmp_path: Path) -> Path:
    """Rewrites the copy's config as if it had trained on user files now deleted."""
    cfg = OmegaConf.load(run / "config.yaml")
    gone = tmp_path / "gone"
    cfg.data.splits = {s: str(gone / f"{s}.json") for s in ("train", "val", "test")}
    cfg.data.generate = None
    (run / "config.yaml").write_text(OmegaConf.to_yaml(cfg))
    return gone / "test.json"


@pytest.mark.slow
def test_eval_with_no_data_argument_scores_the_regenerated_test_split(run, cache):
    recorded = json.loads((run / "results.json").read_text())["test"]
    scored = evaluate(_eval_cfg(f"run_dir={run}"))
    assert Path(scored["file"]).is_relative_to(cache)
    identity = json.loads((run / "identity.json").read_text())
    assert scored["sha256"] == identity["data"]["sha256"]["test"]  # the run's own split
    assert scored["num_examples"] == recorded["num_examples"] == 500
    assert scored["acc"] == pytest.approx(recorded["acc"], abs=2 / 500)  # CPU float noise


@pytest.mark.slow
def test_probe_with_no_data_argument_probes_the_regenerated_test_split(run, cache, tmp_path):
    out = tmp_path / "probe"
    args = [str(run), "--out", str(out), "--superposition", "--limit", "40", "--no-progress"]
    assert probe_main(args) == 0
    report = json.loads((out / "superposition.json").read_text())
    assert Path(report["data"]).is_relative_to(cache) and report["num_examples"] == 40
    assert (out / "superposition.png").is_file()


def test_eval_of_a_run_whose_data_cannot_be_regenerated_names_the_file(run, tmp_path, cache):
    gone = _trained_on_a_gone_file(run, tmp_path)
    with pytest.raises(SplitUnavailableError) as error:
        evaluate(_eval_cfg(f"run_dir={run}"))
    assert str(gone) in str(error.value) and "split_path=" in str(error.value)
    assert not (run / "eval").exists()


def test_probe_of_a_run_whose_data_cannot_be_regenerated_names_the_file(
    run, tmp_path, cache, capsys
):
    gone = _trained_on_a_gone_file(run, tmp_path)
    with pytest.raises(SystemExit) as stop:
        probe_main([str(run), "--out", str(tmp_path / "probe"), "--superposition"])
    assert stop.value.code == 1
    err = capsys.readouterr().err
    assert str(gone) in err and "--data FILE" in err
    assert not (tmp_path / "probe").exists()


def test_probe_of_a_saved_model_outside_a_run_needs_data(tmp_path, cache, capsys):
    saved = shutil.copytree(RUN / "model", tmp_path / "model")
    with pytest.raises(SystemExit) as stop:
        probe_main([str(saved), "--out", str(tmp_path / "probe"), "--no-progress"])
    assert stop.value.code == 1
    assert "pass --data FILE" in capsys.readouterr().err
