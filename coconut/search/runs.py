"""Loading the runs a search uses: a CoT policy run and a Q-value run."""

from __future__ import annotations

import logging
from pathlib import Path

from omegaconf import DictConfig, OmegaConf
from transformers import AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from coconut.model import Coconut
from coconut.search.value_model import QValueModel

log = logging.getLogger(__name__)


def load_policy(run_dir: str | Path) -> tuple[PreTrainedModel, PreTrainedTokenizerBase, DictConfig]:
    """The base LM, tokenizer and config of a ``coconut-train`` run (its ``model/``).

    Raises:
        FileNotFoundError: naming the missing file when ``run_dir`` is not a finished run.
    """
    run_dir = Path(run_dir)
    model_dir = run_dir / "model"
    config = run_dir / "config.yaml"
    for path in (model_dir, config):
        if not path.exists():
            raise FileNotFoundError(f"policy={run_dir}: {path} does not exist (not a finished run)")
    run_cfg = OmegaConf.load(config)
    if run_cfg.method.name != "cot":
        log.warning("policy=%s was trained with method=%s, not cot", run_dir, run_cfg.method.name)
    model = Coconut.from_pretrained(model_dir).base_causallm.eval()
    return model, AutoTokenizer.from_pretrained(model_dir), run_cfg


def load_value(run_dir: str | Path) -> QValueModel:
    """The Q-value model of a ``coconut-qvalue`` run (its ``model/``).

    Raises:
        FileNotFoundError: when ``run_dir`` holds no Q-value model.
    """
    model_dir = Path(run_dir) / "model"
    if not model_dir.is_dir():
        raise FileNotFoundError(f"value={run_dir}: {model_dir} does not exist")
    return QValueModel.from_pretrained(model_dir).eval()
