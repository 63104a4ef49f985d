"""Every config composes, and bad values fail before training with a clear error."""

from __future__ import annotations

from pathlib import Path

import hydra
import pytest
import torch
from hydra import compose, initialize_config_dir
from hydra.errors import MissingConfigException
from omegaconf import OmegaConf

from coconut.hydra_app import CONFIG_DIR
from coconut.methods import TABLE1_METHODS
from coconut.methods.step_curriculum import StepCurriculum
from coconut.training.config.checks import accumulate_grad_batches, check_config
from coconut.training.train import train

CONF = Path(CONFIG_DIR)
PRESETS = sorted(p.stem for p in (CONF / "experiment").glob("*.yaml") if p.stem[0] != "_")
SMALL = [name for name in PRESETS if name.startswith("prosqa_small_")]
MEMORY_REASON = [name for name in PRESETS if name.startswith(("strategyqa_", "truthfulqa_"))]
SYMBOLIC = [name for name in PRESETS if name.startswith("prosqa_symbolic_")]
SYMBOLIC_METHODS = {"no_cot", "cot", "coconut", "pause_as_thought", "no_curriculum"}
DEFAULTS = ["default", "prontoqa_tiny_coconut"]  # the embedded default and the one before it
# the paper's hyperparameters
EXPERIMENTS = [
    name for name in PRESETS if name not in {*SMALL, *MEMORY_REASON, *SYMBOLIC, *DEFAULTS}
]


def _compose(*overrides: str):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose("train", overrides=list(overrides))


def test_there_is_one_preset_per_table_row_and_dataset():
    expected = {f"{d}_{m}" for d in ("prosqa", "prontoqa", "gsm8k") for m in TABLE1_METHODS}
    assert set(EXPERIMENTS) == expected


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_experiment_preset_composes(name):
    cfg = _compose(f"experiment={name}", "init_from=some.ckpt")
    method = check_config(cfg)
    data, method_name = name.split("_", 1)
    assert method.name == method_name and cfg.data.name == data
    assert cfg.model.name == "gpt2" and cfg.optimizer.lr == 1e-4
    assert cfg.optimizer.weight_decay == 0.01 and cfg.trainer.max_epochs == 50
    assert cfg.data.batch_size * accumulate_grad_batches(cfg) == 128
    paper = {"gsm8k": (2, 3, 3)}.get(data, (1, 6, 5))
    knobs = cfg.method  # every preset carries the paper's knobs, read or not by its method
    assert (knobs.c_thought, knobs.max_latent_stage, knobs.epochs_per_stage) == paper
    OmegaConf.to_container(cfg, resolve=True)  # every interpolation resolves


def test_there_is_one_small_prosqa_preset_per_table_row():
    assert {name.removeprefix("prosqa_small_") for name in SMALL} == set(TABLE1_METHODS)


@pytest.mark.parametrize("name", SMALL)
def test_small_prosqa_preset_has_the_papers_curriculum_shape(name):
    """6 stages for 3-6 step problems (as the paper), each reached before training ends."""
    cfg = _compose(f"experiment={name}")
    method = check_config(cfg)
    assert method.name == name.removeprefix("prosqa_small_")
    assert (cfg.data.name, cfg.model.name, cfg.model.tokenizer) == (
        "prosqa_small",
        "prosqa_small",
        "word",
    )
    shape = cfg.method
    assert cfg.data.generate.get("max_steps", 6) == shape.max_latent_stage == 6
    assert shape.c_thought == 1 and shape.pad_latent_to_max
    last_stage_epoch = (shape.max_latent_stage - shape.first_stage) * shape.epochs_per_stage
    assert cfg.trainer.max_epochs > last_stage_epoch  # at least one epoch at the final stage
    if isinstance(method, StepCurriculum):  # the method object took the shape
        assert method.max_latent_stage == 6
    OmegaConf.to_container(cfg, resolve=True)


def test_there_is_one_symbolic_preset_per_issue_row():
    assert {name.removeprefix("prosqa_symbolic_") for name in SYMBOLIC} == SYMBOLIC_METHODS


@pytest.mark.parametrize("name", SYMBOLIC)
def test_symbolic_preset_has_the_anchors_curriculum_shape(name):
    """c=1, stage mixing 0.1, no optimizer reset, shuffled facts, a stage per path step,
    the symbolic tokenizer, and training past the last stage."""
    cfg = _compose(f"experiment={name}")
    method = check_config(cfg)
    assert method.name == name.removeprefix("prosqa_symbolic_")
    assert (cfg.data.name, cfg.model.tokenizer) == ("prosqa_symbolic", "symbolic")
    assert cfg.data.shuffle_facts and cfg.model.arch.n_layer == 2
    shape = cfg.method
    assert (shape.c_thought, shape.uniform_prob, shape.max_latent_stage) == (1, 0.1, 6)
    assert not shape.reset_optimizer_on_stage and not shape.pad_latent_to_max
    assert cfg.trainer.max_epochs > (shape.max_latent_stage + 1) * shape.epochs_per_stage
    OmegaConf.to_container(cfg, resolve=True)


def test_memory_reason_presets_cover_each_tagged_set_and_method():
    methods = ("cot", "memory_reason", "memory_reason_shuffled", "memory_reason_untyped")
    expected = {
        f"{d}_{m}" for d in ("strategyqa", "truthfulqa") for m in (*methods, "planning_tokens")
    }
    assert set(MEMORY_REASON) == expected


@pytest.mark.parametrize("name", MEMORY_REASON)
def test_memory_reason_preset_trains_lora_on_its_tagged_set(name):
    cfg = _compose(f"experiment={name}")
    method = check_config(cfg)
    data, method_name = name.split("_", 1)
    assert method.name == method_name and cfg.data.name == data
    assert (cfg.model.name, cfg.adapter.mode) == ("gpt2", "lora")
    assert cfg.data.loader is not None  # the published tagged files, read with their tags
    OmegaConf.to_container(cfg, resolve=True)


@pytest.mark.parametrize(
    "group", ["data", "model", "method", "trainer", "logger", "debug"]
)  # fmt: skip
def test_every_option_of_every_group_composes(group):
    for path in sorted((CONF / group).glob("*.yaml")):  # on the ProntoQA preset: no report
        cfg = _compose("experiment=prontoqa_tiny_coconut", f"{group}={path.stem}")
        OmegaConf.to_container(cfg, resolve=True)
        check_config(cfg)


def test_every_scratch_model_names_the_same_keys():
    # A key that one model option lacks cannot be overridden on it (model.tokenizer=word
    # on tiny_llama once failed with "Key 'tokenizer' is not in struct"). Hub models take
    # their tokenizer from the hub and have no tokenizer key.
    models = [_compose(f"model={path.stem}").model for path in CONF.glob("model/*.yaml")]
    keys = {m.name: frozenset(m) for m in models if m.source == "scratch"}
    assert len(keys) >= 3
    assert len(set(keys.values())) == 1, keys


def test_default_is_the_embedded_run():
    """Bare-thought Coconut with next-step labels on 8-node symbolic ProsQA graphs drawn
    anew and renamed every epoch, the narrowed symbolic model, and the report."""
    cfg = _compose()
    method = check_config(cfg)
    assert (method.name, cfg.trainer.accelerator) == ("coconut", "cpu")
    assert method.bare_latents and method.next_step_only and method.max_latent_stage == 3
    assert (cfg.method.c_thought, cfg.method.uniform_prob) == (1, 0.1)
    data = cfg.data
    assert data.name == "prosqa_symbolic_default"
    assert data.generate._target_ == "coconut.data.symbolic.generate_prosqa_symbolic"
    assert (data.generate.num_nodes, data.generate.min_steps, data.generate.max_steps) == (8, 1, 3)
    assert data.relabel_nodes and data.relabel_own_ids and data.fresh_graphs
    assert data.resample_paths and data.shuffle_facts
    model = cfg.model
    assert (model.name, model.tokenizer, model.source) == ("prosqa_symbolic", "symbolic", "scratch")
    assert (model.arch.n_layer, model.arch.n_embd, model.arch.n_head) == (2, 128, 4)
    assert cfg.report.superposition is True
    assert cfg.paths.output_dir == f"outputs/{cfg.run_name}"
    assert cfg.run_name == "prosqa_symbolic_default-coconut-prosqa_symbolic-seed0"
    assert cfg.trainer.max_epochs > (method.max_latent_stage + 1) * method.epochs_per_stage - 1


def test_the_earlier_prontoqa_default_is_a_preset():
    cfg = _compose("experiment=prontoqa_tiny_coconut")
    method = check_config(cfg)
    assert (cfg.data.name, cfg.model.name, method.name) == ("prontoqa_tiny", "tiny", "coconut")
    assert not method.bare_latents and not method.next_step_only
    assert (method.max_latent_stage, method.epochs_per_stage) == (2, 3)
    assert (cfg.optimizer.lr, cfg.trainer.max_epochs) == (3e-3, 12)
    assert cfg.report.superposition is False
    assert cfg.run_name == "prontoqa_tiny-coconut-tiny-seed0"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["experiment=prontoqa_tiny_coconut", "report.superposition=true"],
         r"report\.superposition=true: .*data\.name=prontoqa_tiny is a prontoqa dataset"),
        (["data=prosqa_small", "model=prosqa_small"],
         r"report\.superposition=true: .*data\.name=prosqa_small is a prosqa dataset"),
        (["method=no_cot"], r"report\.superposition=true: method no_cot has neither"),
        (["eval.final_split=val"], r"report\.superposition=true: .*eval\.final_split=val"),
        (["report.superposition=maybe"], r"report\.superposition: expected bool"),
    ],
)  # fmt: skip
def test_a_report_that_cannot_be_made_is_refused_naming_the_key(overrides, message, tmp_path):
    cfg = _compose(*overrides, f"paths.output_dir={tmp_path}", f"paths.data_dir={tmp_path}")
    with pytest.raises(ValueError, match=message):
        train(cfg)
    assert list(tmp_path.iterdir()) == []  # refused before any data is generated


def test_effective_batch_sets_accumulation_per_device_count():
    cfg = _compose("experiment=prosqa_coconut", "trainer.devices=4")
    assert accumulate_grad_batches(cfg) == 1
    cfg = _compose("experiment=prosqa_coconut", "trainer.devices=3")
    with pytest.raises(ValueError, match="effective_batch_size=128"):
        check_config(cfg)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("method.c_thought=0", "c_thought: must be >= 1"),
        ("method.max_latent_stage=-1", "max_latent_stage: must be >= 0"),
        ("method.epochs_per_stage=0", "epochs_per_stage: must be >= 1"),
        ("method.name=coconutt", "unknown method 'coconutt'"),
        ("+method.stages=3", "method: .*stages"),
        ("data.batch_size=0", "data.batch_size"),
        ("eval.stage=-2", "eval.stage"),
        ("speed.attn_implementation=fast", r"speed\.attn_implementation='fast': must be one of"),
        ("speed.loss_chunk_size=0", r"speed\.loss_chunk_size=0: must be at least 1"),
        ("speed.loss_chunk_size=big", r"speed\.loss_chunk_size: expected int"),
    ],
)
def test_bad_values_fail_before_training(override, message, tmp_path):
    cfg = _compose(override, f"paths.output_dir={tmp_path}", f"paths.data_dir={tmp_path}")
    with pytest.raises(ValueError, match=message):
        train(cfg)
    assert list(tmp_path.iterdir()) == []  # nothing generated, nothing written


def test_unknown_method_group_is_refused():
    with pytest.raises(MissingConfigException, match="method"):
        _compose("method=coconutt")


def test_gsm8k_coconut_needs_a_cot_checkpoint():
    with pytest.raises(ValueError, match="init_from"):
        check_config(_compose("experiment=gsm8k_coconut"))


def test_fsdp_and_ddp_strategies_instantiate():
    from hydra.utils import instantiate
    from lightning.pytorch.strategies import FSDPStrategy

    strategy = instantiate(_compose("trainer=fsdp").trainer.strategy)
    assert isinstance(strategy, FSDPStrategy)
    assert _compose("trainer=ddp").trainer.strategy == "ddp"


@pytest.mark.slow
def test_debug_limit_runs_every_stage(tiny_cfg):
    results = train(tiny_cfg("debug=limit", "logger=none"))
    assert results["epochs"] == 4 and results["eval_stage"] == 3


@pytest.mark.parametrize(
    "key", ["data.shuffle_facts", "data.relabel_nodes", "data.relabel_own_ids", "data.fresh_graphs"]
)
def test_a_symbolic_data_flag_that_is_not_a_boolean_is_refused(key):
    from coconut.training.config.values import check_types

    cfg = _compose("experiment=prosqa_symbolic_cot", f"{key}=maybe")
    with pytest.raises(ValueError, match=key.replace(".", r"\.")):
        check_types(cfg)
    check_types(_compose("experiment=prosqa_symbolic_cot"))  # the preset's own values pass


def test_a_warmup_the_constant_schedule_would_drop_is_refused():
    from coconut.training.config.values import check_types

    with pytest.raises(ValueError, match=r"scheduler\.warmup_steps=200: .*constant_with_warmup"):
        check_types(_compose("scheduler.warmup_steps=200"))
    check_types(_compose("scheduler.warmup_steps=200", "scheduler.name=constant_with_warmup"))


def test_fused_adamw_is_one_override_and_steps_as_the_plain_one():
    configs = {True: _compose("+optimizer.fused=true"), None: _compose()}
    assert configs[None].speed == {"attn_implementation": None, "loss_chunk_size": None}
    steps = {}
    for fused, cfg in configs.items():
        torch.manual_seed(0)
        layer = torch.nn.Linear(8, 4)
        optimizer = hydra.utils.instantiate(cfg.optimizer)(layer.parameters())
        assert optimizer.defaults["fused"] is fused
        layer(torch.randn(5, 8)).square().sum().backward()
        optimizer.step()
        steps[fused] = layer.weight.detach().clone()
    torch.testing.assert_close(steps[True], steps[None], rtol=1e-5, atol=1e-6)
