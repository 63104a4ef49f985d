"""Loading a trained Coconut model and its tokenizer for probing.

``MODEL`` may be a ``coconut-train`` run directory (its ``model/`` holds the evaluated
weights and tokenizer) or a directory written by ``Coconut.save_pretrained``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from omegaconf import OmegaConf
from transformers import AutoTokenizer, PreTrainedTokenizerBase

from coconut.model import Coconut
from coconut.rundir import RunDir

log = logging.getLogger(__name__)

MARKER_FILE = "coconut.json"


class NotACoconutModelError(ValueError):
    """Raised for a path that holds neither a Coconut run nor a saved Coconut model."""


@dataclass
class ProbedModel:
    """A model ready for probing.

    Attributes:
        model: the Coconut model, in eval mode, on ``device``.
        tokenizer: its tokenizer.
        run_config: the run's ``config.yaml`` as a dict, if ``MODEL`` was a run directory.
        source: the directory the weights came from.
    """

    model: Coconut
    tokenizer: PreTrainedTokenizerBase
    run_config: dict[str, Any] | None
    source: Path

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def max_thoughts(self, default: int = 6) -> int:
        """Thoughts of the run's last stage (``max_latent_stage * c_thought``), else default."""
        return max_thoughts(self.run_config, default)


def max_thoughts(run_config: dict[str, Any] | None, default: int = 6) -> int:
    """Thoughts of a run's last stage (``max_latent_stage * c_thought``), else ``default``."""
    method = (run_config or {}).get("method") or {}
    if "max_latent_stage" in method:
        return int(method["max_latent_stage"]) * int(method.get("c_thought", 1))
    return default


def resolve_model_dir(path: str | Path) -> tuple[Path, Path | None]:
    """``(weights directory, run directory or None)`` for a run or a saved model.

    Raises:
        NotACoconutModelError: naming the path and what was looked for.
    """
    path = Path(path)
    if not path.exists():
        raise NotACoconutModelError(f"{path}: no such file or directory")
    if (path / MARKER_FILE).is_file():
        run_dir = path.parent if RunDir(path.parent).is_run() else None
        return path, run_dir
    if (RunDir(path).model / MARKER_FILE).is_file():
        return RunDir(path).model, path
    raise NotACoconutModelError(
        f"{path}: not a Coconut model: expected {MARKER_FILE} (a Coconut.save_pretrained "
        f"directory) or model/{MARKER_FILE} (a coconut-train run directory)"
    )


def load_for_probing(path: str | Path, device: str | torch.device = "cpu") -> ProbedModel:
    """Loads the model and tokenizer of a run directory or a saved model directory.

    Args:
        path: a ``coconut-train`` run directory or a ``save_pretrained`` directory.
        device: where to put the model (``"auto"``: CUDA when available).

    Raises:
        NotACoconutModelError: if the path holds no Coconut model or no tokenizer.
    """
    weights, run_dir = resolve_model_dir(path)
    if str(device) == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    model = Coconut.from_pretrained(weights).to(device).eval()
    tokenizer = _load_tokenizer(weights, run_dir)
    run_config = read_run_config(run_dir)
    log.info("loaded %s (%d parameters)", weights, sum(p.numel() for p in model.parameters()))
    return ProbedModel(model, tokenizer, run_config, weights)


def read_run_config(run_dir: Path | None) -> dict[str, Any] | None:
    """The run's ``config.yaml`` as a dict (``None`` without a run)."""
    if run_dir is None or not RunDir(run_dir).is_run():
        return None
    return OmegaConf.to_container(RunDir(run_dir).read_config(), resolve=False)


def _load_tokenizer(weights: Path, run_dir: Path | None) -> PreTrainedTokenizerBase:
    candidates = [weights] + ([RunDir(run_dir).tokenizer] if run_dir is not None else [])
    for candidate in candidates:
        if (candidate / "tokenizer.json").is_file() or (
            candidate / "tokenizer_config.json"
        ).is_file():
            return AutoTokenizer.from_pretrained(candidate)
    raise NotACoconutModelError(
        f"{weights}: no tokenizer saved with the model (looked in {[str(c) for c in candidates]})"
    )
