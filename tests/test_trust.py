"""A run folder is data, not code (:mod:`coconut.trust`): the readers of a run refuse a
``config.yaml`` that names anything outside the allow-list, and build nothing from it."""

from __future__ import annotations

import builtins
import json
import pickle
import shutil
from pathlib import Path

import pytest
import yaml
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from coconut.compare.runs import collect_runs
from coconut.hydra_app import CONFIG_DIR
from coconut.probe.cli import main as probe_main
from coconut.training.evaluate import evaluate
from coconut.training.train import train
from coconut.trust import (
    PACKAGE_TARGETS,
    UntrustedConfigError,
    check_run_targets,
    is_allowed_target,
    iter_targets,
)

KEYS = (
    "model.arch", "model.arch.n_inner", "data.generate", "data.loader", "trainer",
    "trainer.strategy",
)  # fmt: skip
"""Where a reader of a run would build something, or (``model.arch.n_inner``) nested under
an allowed target: Hydra builds nested targets first, without the outer keyword arguments."""


def test_the_allow_list_takes_trainers_model_configs_and_the_packages_own_data_code():
    assert is_allowed_target("lightning.pytorch.Trainer")
    assert is_allowed_target("transformers.GPT2Config")
    assert is_allowed_target("transformers.LlamaConfig")
    assert is_allowed_target("lightning.pytorch.strategies.FSDPStrategy")
    assert all(is_allowed_target(t) for t in PACKAGE_TARGETS)
    for target in (
        "torch.load", "coconut.atomic.atomic_write_text", "os.system", "builtins.open",
        "transformers.AutoModelForCausalLM", "transformers.GPT2Config.from_pretrained",
        "transformers.pipeline", "lightning.pytorch.strategies.os", "${oc.env:TARGET}",
        "coconut.data.generate_prosqa ", None, 3, {"_target_": "torch.load"},
    ):  # fmt: skip
        assert not is_allowed_target(target), target


def test_every_target_the_package_ships_outside_training_only_keys_is_allowed():
    """The shipped data, model and trainer groups stay readable (the list has not drifted)."""
    conf = Path(CONFIG_DIR)
    for group in ("data", "model", "trainer"):
        for path in sorted((conf / group).glob("*.yaml")):
            for key, target in iter_targets(yaml.safe_load(path.read_text()) or {}):
                assert is_allowed_target(target), f"{path}: {key}={target}"


def test_keys_only_training_builds_keep_their_freedom_and_others_are_named():
    cfg = {"optimizer": {"_target_": "my.Optimizer"}, "logger": {"x": {"_target_": "my.Log"}}}
    check_run_targets(cfg, "run/config.yaml")
    cfg["data"] = {"splits": [{"_target_": "torch.load"}]}
    with pytest.raises(UntrustedConfigError, match=r"run/config.yaml: data.splits\[0\]._target_="):
        check_run_targets(cfg, "run/config.yaml")


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory, make_records, tiny_args, compose_cfg):
    root = tmp_path_factory.mktemp("trust")
    for split, (n, seed) in {"train": (16, 0), "val": (4, 1), "test": (4, 2)}.items():
        (root / f"{split}.json").write_text(json.dumps(make_records(n, seed=seed)))
    train(compose_cfg([*tiny_args(root, root / "run"), "debug=fast_dev_run"]))
    return root / "run"


def _payloads(tmp_path: Path) -> dict[str, dict]:
    """Two configs that write ``tmp_path/marker`` when instantiated: the package's own
    atomic writer, and ``torch.load`` of a pickle whose payload opens the marker."""
    marker = tmp_path / "marker"
    evil = tmp_path / "evil.pt"
    evil.write_bytes(pickle.dumps(_OpensOnLoad(str(marker))))
    return {
        "writer": {"_target_": "coconut.atomic.atomic_write_text", "path": str(marker),
                   "text": "pwned"},
        "torch.load": {"_target_": "torch.load", "f": str(evil), "weights_only": False},
    }  # fmt: skip


class _OpensOnLoad:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (builtins.open, (self.path, "w"))


def _tampered(run: Path, tmp_path: Path, key: str, payload: dict) -> Path:
    """A copy of ``run`` whose config names ``payload`` at ``key``; the run's split files
    are moved to a missing, generated path so that every reading of data would build."""
    copy = tmp_path / "shared-run"
    shutil.copytree(run, copy)
    cfg = OmegaConf.load(copy / "config.yaml")
    OmegaConf.update(cfg, key, payload, force_add=True)
    if key == "data.generate":
        cfg.data.generated_dir = str(tmp_path / "gen")
        cfg.data.splits.test = str(tmp_path / "gen" / "test.json")
    (copy / "config.yaml").write_text(OmegaConf.to_yaml(cfg))
    return copy


def _eval_cfg(*overrides: str):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose("eval", overrides=list(overrides))


@pytest.mark.slow
@pytest.mark.parametrize("payload", ["writer", "torch.load"])
@pytest.mark.parametrize("key", KEYS)
def test_eval_probe_search_and_compare_refuse_a_config_naming_code(
    trained_run, tmp_path, key, payload, capsys
):
    value = _payloads(tmp_path)[payload]
    run = _tampered(trained_run, tmp_path, key, value)
    named = rf"{key}._target_='{value['_target_']}' is not something a run folder may name"
    for checkpoint in ("model", str(run / "tokenizer")):  # not model/: built from model.arch
        with pytest.raises(UntrustedConfigError, match=named):
            evaluate(_eval_cfg(f"run_dir={run}", f"checkpoint={checkpoint}"))
    with pytest.raises(SystemExit) as probe:
        probe_main([str(run), "--data", str(trained_run.parent / "test.json"),
                    "--out", str(tmp_path / "probe")])  # fmt: skip
    assert probe.value.code == 1 and f"{key}._target_=" in capsys.readouterr().err
    from coconut.search.runs import load_policy

    with pytest.raises(UntrustedConfigError, match=named):
        load_policy(run)
    records, bad = collect_runs([trained_run, run])
    assert [r.source for r in records] == [str(trained_run / "results.json")]
    assert bad[0].source == str(run) and f"{key}._target_=" in bad[0].reason
    assert not (tmp_path / "marker").exists()
    assert not (run / "eval" / "eval.log").exists() and not (tmp_path / "probe").exists()


@pytest.mark.slow
@pytest.mark.parametrize("payload", ["writer", "torch.load"])
def test_a_tampered_generator_meets_a_second_guard_without_the_check(
    trained_run, tmp_path, monkeypatch, payload
):
    """``data.generate`` is built only to make a missing split again, and that path
    (:mod:`coconut.data.recipe`) instantiates only the package's own generators: with the
    allow-list patched out, the payload is still refused and never runs."""
    monkeypatch.setattr("coconut.rundir.check_run_targets", lambda config, source: None)
    run = _tampered(trained_run, tmp_path, "data.generate", _payloads(tmp_path)[payload])
    with pytest.raises(Exception):  # noqa: B017 - refused, however it is worded
        evaluate(_eval_cfg(f"run_dir={run}", "checkpoint=model"))
    assert not (tmp_path / "marker").exists()


@pytest.mark.parametrize("payload", ["writer", "torch.load"])
@pytest.mark.parametrize(
    ("key", "checkpoint"), [("model.arch.n_inner", "tokenizer"), ("data.loader", "model")]
)
def test_without_the_check_coconut_eval_runs_the_payload(
    trained_run, tmp_path, monkeypatch, key, checkpoint, payload
):
    """The control: each key is built by ``coconut-eval``, so the refusal above is what
    stops the payload."""
    monkeypatch.setattr("coconut.rundir.check_run_targets", lambda config, source: None)
    run = _tampered(trained_run, tmp_path, key, _payloads(tmp_path)[payload])
    if checkpoint == "tokenizer":  # weights that are no save_pretrained dir: built from arch
        checkpoint = str(run / "tokenizer")
    with pytest.raises(Exception):  # noqa: B017 - whatever fails after the payload ran
        evaluate(_eval_cfg(f"run_dir={run}", f"checkpoint={checkpoint}"))
    assert (tmp_path / "marker").exists()
