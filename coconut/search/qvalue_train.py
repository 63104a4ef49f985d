"""``coconut-qvalue``: label states by rollouts of a CoT policy and train the Q-value model.

:func:`train_qvalue` is a plain function of the composed ``qvalue`` config; :func:`main`
wraps it with ``hydra.main`` on the packaged configs (``pkg://coconut.conf``). The run
directory gets ``labels.jsonl`` (reused when the command is repeated), ``model/``
(:class:`~coconut.search.value_model.QValueModel`), ``results.json`` (with the run's own
``run_id``, which names the searches that use it), ``config.yaml`` and ``qvalue.log``.
The directory is named after the policy's run id, so labels of one policy are never
reused for another; the policy run and the labelled file (its task must be the policy's)
are checked before anything is written. Errors are one line (exit 1; 2 for a missing
``policy=``).
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import hydra
import lightning as L
from lightning.pytorch.loggers import CSVLogger
from omegaconf import DictConfig, OmegaConf
from tqdm.auto import tqdm

from coconut.atomic import atomic_write_json, atomic_write_text
from coconut.console import run_reporting_errors
from coconut.data import load_examples
from coconut.data.tasks import check_task, data_task
from coconut.hydra_app import hydra_entry
from coconut.logfile import log_to_file
from coconut.rundir import RunDir, new_run_id
from coconut.search.cli import make_problems
from coconut.search.counters import ComputeCounter
from coconut.search.labeller import Label, RolloutLabeller
from coconut.search.policy import StepPolicy
from coconut.search.qvalue_module import QValueLitModule, label_loader
from coconut.search.runs import check_run_dir, load_policy, policy_config, run_id_of
from coconut.search.value_model import QValueModel

log = logging.getLogger(__name__)

LABELS_FILE = "labels.jsonl"
USAGE = "coconut-qvalue policy=<coconut-train run of a CoT policy> [data.limit=200]"


def train_qvalue(cfg: DictConfig) -> dict[str, Any]:
    """Labels (or reloads labels), trains, validates and saves the Q-value model.

    Raises:
        ValueError: for invalid label settings, naming the key.
        FileNotFoundError: for a missing policy run or data file.
    """
    _check(cfg)
    check_run_dir(cfg, "policy", USAGE)
    data_file = _check_data_file(cfg, policy_config(cfg.policy))
    run_dir = Path(cfg.paths.output_dir)  # named after the policy, now that it is checked
    with log_to_file(run_dir / "qvalue.log"):
        return _train(cfg, run_dir, data_file)


def _check_data_file(cfg: DictConfig, run_cfg: DictConfig) -> str:
    """The file to label, refused when of another task than the policy's."""
    data_file = str(cfg.data.file or run_cfg.data.splits.train)
    owner = f"the policy {cfg.policy} (data {run_cfg.data.name})"
    records = load_examples(data_file)
    if len(records) == 0:
        raise ValueError(f"data.file={data_file}: no examples to label")
    check_task(records, f"data.file={data_file}", data_task(run_cfg.data), owner)
    return data_file


def _train(cfg: DictConfig, run_dir: Path, data_file: str) -> dict[str, Any]:
    L.seed_everything(cfg.seed, workers=True)
    model, tokenizer, run_cfg = load_policy(cfg.policy)
    labels, labelling = _labels(cfg, data_file, model, tokenizer, run_dir)
    indices = sorted({x.index for x in labels})
    n_val = max(1, round(len(indices) * cfg.val_fraction)) if len(indices) > 1 else 0
    val_ids = set(indices[len(indices) - n_val :])
    train = [x for x in labels if x.index not in val_ids]
    val = [x for x in labels if x.index in val_ids] or train
    pad = tokenizer.eos_token_id
    module = QValueLitModule(
        QValueModel.from_policy(RunDir(cfg.policy).model), hydra.utils.instantiate(cfg.optimizer)
    )
    trainer = hydra.utils.instantiate(
        cfg.trainer, default_root_dir=str(run_dir), logger=CSVLogger(str(run_dir), name="logs")
    )
    start = time.perf_counter()
    trainer.fit(
        module,
        label_loader(train, pad, cfg.batch_size, shuffle=True, seed=cfg.seed),
        label_loader(val, pad, cfg.batch_size, shuffle=False),
    )
    metrics = trainer.validate(module, label_loader(val, pad, cfg.batch_size, False), verbose=False)
    results = {
        "run_name": cfg.run_name,
        "run_id": new_run_id(),
        "policy_run_id": run_id_of(cfg.policy),
        "method": "qvalue",
        "data": run_cfg.data.name,
        "model": run_cfg.model.name,
        "seed": cfg.seed,
        "policy": str(cfg.policy),
        "labels": labelling,
        "train_states": len(train),
        "val_states": len(val),
        "val_positive_rate": sum(x.label for x in val) / max(len(val), 1),
        "val": {k.split("/", 1)[1]: float(v) for k, v in metrics[0].items()},
        "train_seconds": time.perf_counter() - start,
    }
    run = RunDir(run_dir)
    module.model.save_pretrained(run.model, tokenizer)
    atomic_write_text(run.config, OmegaConf.to_yaml(cfg, resolve=True))
    atomic_write_json(run.results, results)
    log.info("Q-value model in %s: val %s", run.model, results["val"])
    return results


def _check(cfg: DictConfig) -> None:
    for key in ("rollouts", "trajectories", "max_new_tokens"):
        value = cfg.labels[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"labels.{key} must be an integer >= 1, got {value!r}")
    if not isinstance(cfg.labels.temperature, (int, float)) or cfg.labels.temperature < 0:
        raise ValueError(
            f"labels.temperature must be a number >= 0, got {cfg.labels.temperature!r}"
        )
    if not 0 <= cfg.val_fraction < 1:
        raise ValueError(f"val_fraction must be in [0, 1), got {cfg.val_fraction!r}")


def _labels(cfg, data_file, model, tokenizer, run_dir: Path) -> tuple[list[Label], dict[str, Any]]:
    path = run_dir / LABELS_FILE
    meta_path = run_dir / "labels.json"
    if path.is_file() and meta_path.is_file():
        log.info("reusing the labels in %s", path)
        labels = [Label(**json.loads(line)) for line in path.read_text().splitlines() if line]
        return labels, json.loads(meta_path.read_text())
    problems = make_problems(load_examples(data_file), tokenizer, cfg.data.limit)
    counter = ComputeCounter()
    labeller = RolloutLabeller(
        StepPolicy(model, tokenizer, counter, seed=cfg.seed),
        n=cfg.labels.rollouts,
        temperature=cfg.labels.temperature,
        max_new_tokens=cfg.labels.max_new_tokens,
    )
    start, labels = time.perf_counter(), []
    for problem in tqdm(problems, desc="labelling"):
        labels += labeller.label_problem(problem, cfg.labels.trajectories, cfg.labels.include_gold)
    meta = {
        "file": str(data_file),
        "examples": len(problems),
        "states": len(labels),
        "positive_rate": sum(x.label for x in labels) / max(len(labels), 1),
        **{k: cfg.labels[k] for k in ("rollouts", "trajectories", "temperature", "include_gold")},
        **counter.as_dict(),
        "seconds": time.perf_counter() - start,
    }
    lines = "".join(
        json.dumps({"index": x.index, "ids": list(x.ids), "label": x.label}) + "\n" for x in labels
    )
    atomic_write_text(path, lines)
    atomic_write_json(meta_path, meta)
    return labels, meta


def _run(cfg: DictConfig) -> float:
    """Runs the composed ``qvalue`` config; returns the metric for sweepers."""
    return run_reporting_errors(train_qvalue, cfg)["val"]["loss"]


main = hydra_entry(_run, "qvalue")
"""Console entry point: ``coconut-qvalue policy=<cot run> [labels.rollouts=4]`` (configs from
``pkg://coconut.conf``)."""


if __name__ == "__main__":
    main()
