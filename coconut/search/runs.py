"""The runs a search uses: a CoT policy run and a Q-value run; checking, naming, loading.

A search or Q-value run is named after the runs it reads (``run_ids`` in
``search.yaml``/``qvalue.yaml``), so that searching a second policy with the same settings
never overwrites the first one's results: a ``coconut-train`` run's id is in its
``identity.json`` (and ``results.json``), a ``coconut-qvalue`` run's in its
``results.json``; a run written before run ids existed is named by the SHA-256 of its
weights. The runs are checked (:func:`check_run_dir`) before the name is worked out, so a
launch with a missing policy fails before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from omegaconf import DictConfig, OmegaConf
from transformers import AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from coconut.console import UsageError
from coconut.model import Coconut
from coconut.model.serialization import CONFIG_NAME
from coconut.rundir import RunDir
from coconut.search.value_model import CONFIG_FILE as QVALUE_CONFIG
from coconut.search.value_model import HEAD_FILE, QValueModel

log = logging.getLogger(__name__)

WEIGHTS = ("model.safetensors", HEAD_FILE)
"""Files whose content names a run that has no run id."""


def check_run_dir(cfg: DictConfig, key: str, usage: str) -> Path:
    """The run directory ``cfg.<key>`` names, checked to hold a finished run.

    Args:
        cfg: the composed config.
        key: ``policy`` or ``value``.
        usage: the command's usage line, for a missing ``key``.

    Raises:
        UsageError: if ``key`` was not given.
        FileNotFoundError: naming the path when it is not a finished run.
    """
    if OmegaConf.is_missing(cfg, key) or cfg.get(key) in (None, ""):
        raise UsageError(f"{key}: missing. Usage: {usage}")
    run = RunDir(str(cfg[key]))
    run_dir = run.path
    if not run_dir.is_dir():
        raise FileNotFoundError(f"{key}={run_dir}: no such directory")
    if key == "policy":
        needed = [run.config, run.model / CONFIG_NAME]
    else:
        needed = [run.model / QVALUE_CONFIG]
    for path in needed:
        if not path.exists():
            raise FileNotFoundError(f"{key}={run_dir}: {path} does not exist (not a finished run)")
    return run_dir


def run_id_of(run_dir: str | Path) -> str:
    """The run id of a finished run (``identity.json``, else ``results.json``), else
    ``sha-`` and the first 12 hex digits of its weights' SHA-256.

    Raises:
        FileNotFoundError: if the run has neither a run id nor weights.
    """
    run = RunDir(run_dir)
    for path in (run.identity, run.results):
        if path.is_file():
            run_id = json.loads(path.read_text(encoding="utf-8")).get("run_id")
            if run_id:
                return str(run_id)
    for name in WEIGHTS:
        if (run.model / name).is_file():
            digest = hashlib.sha256((run.model / name).read_bytes()).hexdigest()
            return "sha-" + digest[:12]
    raise FileNotFoundError(
        f"{run_dir}: no run id (identity.json, results.json) and no weights in model/; "
        "pass run_name=<name> to name the run yourself"
    )


def run_ids(*run_dirs: str | None) -> str:
    """The run ids of the given runs joined by ``-`` (``None`` ones left out): the
    ``run_ids`` resolver of the search and Q-value configs."""
    return "-".join(run_id_of(d) for d in run_dirs if d)


OmegaConf.register_new_resolver("run_ids", run_ids, replace=True)


def load_policy(run_dir: str | Path) -> tuple[PreTrainedModel, PreTrainedTokenizerBase, DictConfig]:
    """The base LM, tokenizer and config of a ``coconut-train`` run (its ``model/``).

    Raises:
        FileNotFoundError: naming the missing file when ``run_dir`` is not a finished run.
    """
    run_dir = Path(run_dir)
    model_dir = RunDir(run_dir).model
    run_cfg = policy_config(run_dir)
    if not model_dir.exists():
        raise FileNotFoundError(
            f"policy={run_dir}: {model_dir} does not exist (not a finished run)"
        )
    if run_cfg.method.name != "cot":
        log.warning("policy=%s was trained with method=%s, not cot", run_dir, run_cfg.method.name)
    model = Coconut.from_pretrained(model_dir).base_causallm.eval()
    return model, AutoTokenizer.from_pretrained(model_dir), run_cfg


def policy_config(run_dir: str | Path) -> DictConfig:
    """The ``config.yaml`` of a policy run.

    Raises:
        FileNotFoundError: if the run has none.
    """
    run = RunDir(run_dir)
    if not run.is_run():
        raise FileNotFoundError(
            f"policy={run_dir}: {run.config} does not exist (not a finished run)"
        )
    return run.read_config()


def load_value(run_dir: str | Path) -> QValueModel:
    """The Q-value model of a ``coconut-qvalue`` run (its ``model/``).

    Raises:
        FileNotFoundError: when ``run_dir`` holds no Q-value model.
    """
    model_dir = RunDir(run_dir).model
    if not model_dir.is_dir():
        raise FileNotFoundError(f"value={run_dir}: {model_dir} does not exist")
    return QValueModel.from_pretrained(model_dir).eval()
