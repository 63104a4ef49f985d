"""``method=codi`` end to end through ``train(cfg)``: its losses logged by name, a killed
run resumed to the same weights (the projection and the optimizer included), the
exported model equal to the trained one, data without steps refused; and a method's
training-only modules kept in checkpoints but out of ``model/`` unless asked."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from kill_harness import Crash
from safetensors.torch import load_file

from coconut.methods.codi import Codi
from coconut.model import Coconut
from coconut.model.codi import CodiObjective
from coconut.training.lightning.module import CoconutLitModule
from coconut.training.train import TRAINING_MODULES_NAME, train

CODI = (
    "method=codi",
    "method.num_thoughts=2",
    "method.projection_dim=16",
    "method.loss_weight_distill=0.5",
    "trainer.max_epochs=2",
    "checkpoint.every_n_train_steps=3",
    "model.arch.resid_pdrop=0.1",
    "method.projection_dropout=0.1",
    "eval.max_new_tokens=8",
    "trainer.log_every_n_steps=1",
)


def _state(run: Path) -> dict:
    return torch.load(run / "checkpoints" / "last.ckpt", weights_only=True)


@pytest.mark.slow
def test_a_killed_codi_run_resumes_to_the_same_weights(tiny_cfg, tmp_path):
    reference = train(tiny_cfg(*CODI, "logger=csv", f"paths.output_dir={tmp_path / 'ref'}"))
    cfg = tiny_cfg(*CODI)
    with pytest.raises(RuntimeError, match="simulated crash"):
        train(cfg, callbacks=[Crash(7)])  # last.ckpt of step 6, mid epoch 1
    assert _state(tmp_path / "run")["global_step"] == 6
    resumed = train(cfg)
    assert resumed["resumed_from"].endswith("last.ckpt")
    ref, res = _state(tmp_path / "ref"), _state(tmp_path / "run")
    assert any(k.startswith("model.thought_projection.") for k in ref["state_dict"])
    assert ref["state_dict"].keys() == res["state_dict"].keys()
    for key, value in ref["state_dict"].items():
        torch.testing.assert_close(res["state_dict"][key], value, rtol=0, atol=0)
    ref_opt, res_opt = ref["optimizer_states"][0]["state"], res["optimizer_states"][0]["state"]
    for index, state in ref_opt.items():
        torch.testing.assert_close(res_opt[index]["exp_avg"], state["exp_avg"], rtol=0, atol=0)
    assert resumed["test"]["acc"] == reference["test"]["acc"]

    (metrics,) = (tmp_path / "ref").glob("csv/version_0/metrics.csv")
    rows = [r for r in csv.DictReader(metrics.open()) if r.get("train/loss")]
    assert rows
    for row in rows:  # the total is the weighted sum of the logged parts
        parts = {k: float(row[f"train/loss_{k}"]) for k in ("student", "teacher", "distill")}
        total = parts["student"] + parts["teacher"] + 0.5 * parts["distill"]
        assert float(row["train/loss"]) == pytest.approx(total, rel=1e-5)


@pytest.mark.slow
def test_the_exported_codi_model_answers_as_the_trained_one(tiny_cfg, tmp_path):
    results = train(tiny_cfg(*CODI))
    run = tmp_path / "run"
    assert results["checkpoint"] == "last weights" or results["checkpoint"].startswith("check")
    path = run / "checkpoints" / "last.ckpt"
    if results["checkpoint"] != "last weights":
        path = run / results["checkpoint"]
    exported = Coconut.from_pretrained(run / "model").eval()
    saved = json.loads((run / "model" / "coconut.json").read_text())
    assert saved["thought_projection"] == {"hidden": 16, "dropout": 0.1, "layer_norm": True}
    state = torch.load(path, weights_only=True)["state_dict"]
    trained = {k.removeprefix("model."): v for k, v in state.items()}
    assert exported.state_dict().keys() == trained.keys()
    for key, value in exported.state_dict().items():
        torch.testing.assert_close(value, trained[key], rtol=0, atol=0)
    in_memory = Coconut.from_pretrained(run / "model").eval()
    in_memory.load_state_dict(trained)
    ids = torch.tensor([[5, 6, 7, 8, saved["start_latent_id"], *[saved["latent_token_id"]] * 2,
                         saved["end_latent_id"]]])  # fmt: skip
    a = exported.generate(ids, max_new_tokens=8).sequences
    b = in_memory.generate(ids, max_new_tokens=8).sequences
    assert torch.equal(a, b)


def test_codi_on_data_without_steps_names_the_method_and_file(tiny_cfg, tmp_path, make_records):
    records = make_records(8)
    records[3]["steps"] = []
    bad = tmp_path / "nosteps.json"
    bad.write_text(json.dumps(records))
    with pytest.raises(ValueError, match=r"method codi needs the reasoning steps.*nosteps\.json"):
        train(tiny_cfg("method=codi", f"data.splits.train={bad}"))


def test_codi_refuses_bad_values_by_key(tiny_cfg):
    with pytest.raises(ValueError, match="method num_thoughts: must be >= 1"):
        train(tiny_cfg("method=codi", "method.num_thoughts=0"))
    with pytest.raises(ValueError, match="method loss_weight_teacher: must be >= 0"):
        train(tiny_cfg("method=codi", "method.loss_weight_teacher=-0.5"))


# -- training-only modules ---------------------------------------------------------------
@dataclass(frozen=True)
class _WithHead(CodiObjective):
    """CODI plus a training-only head whose loss joins the objective."""

    def training_modules(self, model):
        return {"head": torch.nn.Linear(4, 1)}

    def losses(self, model, batch, modules):
        parts = super().losses(model, batch, modules)
        parts["head"] = modules["head"](torch.ones(4)).square().sum()
        return parts


@dataclass(frozen=True, kw_only=True)
class _CodiWithHead(Codi):
    def objective(self):
        weights = {"student": 1.0, "distill": 1.0, "teacher": 1.0, "head": 1.0}
        return _WithHead(weights, self.answer_marker_tokens)


def test_training_only_modules_train_and_live_in_the_module_state():
    module = CoconutLitModule(
        _tiny_model(), None, _CodiWithHead(num_thoughts=1), lambda p: torch.optim.SGD(p, lr=0.1)
    )
    keys = module.state_dict().keys()  # what every checkpoint saves and resume loads
    assert {"extras.head.weight", "extras.head.bias"} <= set(keys)
    params = {id(p) for p in module.parameters()}
    assert all(id(p) in params for p in module.extras.parameters())  # the optimizer gets them


def _tiny_model() -> Coconut:
    from tiny import BOT, EOS, EOT, LAT, tiny_base

    torch.manual_seed(0)
    return Coconut(tiny_base("gpt2"), LAT, BOT, EOT, EOS)


def test_training_modules_are_exported_only_when_asked(tmp_path):
    from omegaconf import OmegaConf

    from coconut.rundir import RunDir
    from coconut.training.train import _export

    module = CoconutLitModule(
        _tiny_model(), None, _CodiWithHead(num_thoughts=1), lambda p: torch.optim.SGD(p, lr=0.1)
    )
    inputs = type("Inputs", (), {"tokenizer": None})()
    for asked in (False, True):
        run = RunDir(tmp_path / str(asked))
        _export(OmegaConf.create({"export_training_modules": asked}), module, run, inputs)
        assert (run.model / "coconut.json").is_file()
        assert (run.model / TRAINING_MODULES_NAME).is_file() == asked
    saved = load_file(RunDir(tmp_path / "True").model / TRAINING_MODULES_NAME)
    torch.testing.assert_close(saved["head.weight"], module.extras["head"].weight.detach())
