"""The thought projection: a module between a hidden state and the latent it feeds.

Coconut feeds the last hidden state at position ``p - 1`` unchanged into the latent at
``p``. A method may put a trainable module on that path (CODI, arXiv 2502.21074: a
two-layer MLP with a layer norm). The module is part of the model: the latent pass,
every decode mode and ``save_pretrained`` use it, and it is rebuilt from a plain
*spec* (a mapping of JSON values) that ``coconut.json`` records:

- ``hidden``: width of the MLP's inner layer (``None``: the model's width);
- ``dropout``: dropout on its input;
- ``layer_norm``: a layer norm on its output.

The layers run in the order dropout, linear (``D -> hidden``), GELU, linear
(``hidden -> D``), layer norm.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from torch import nn

SPEC_KEYS = ("hidden", "dropout", "layer_norm")
WEIGHTS_NAME = "thought_projection.safetensors"
"""File of the projection's weights in a saved model directory."""


def check_spec(spec: Mapping[str, Any], width: int) -> dict[str, Any]:
    """The spec as a plain dict, checked, with ``hidden`` resolved for ``width``-wide
    hidden states.

    Raises:
        ValueError: naming a missing or unknown key, or a bad value.
    """
    keys = set(spec)
    if keys != set(SPEC_KEYS):
        raise ValueError(
            f"thought projection: keys must be {sorted(SPEC_KEYS)}, got {sorted(keys)}"
        )
    hidden, dropout, norm = spec["hidden"], spec["dropout"], spec["layer_norm"]
    hidden = width if hidden is None else hidden
    if isinstance(hidden, bool) or not isinstance(hidden, int) or hidden < 1:
        raise ValueError(f"thought projection hidden: must be an int >= 1, got {hidden!r}")
    if isinstance(dropout, bool) or not isinstance(dropout, int | float) or not 0 <= dropout < 1:
        raise ValueError(f"thought projection dropout: must lie in [0, 1), got {dropout!r}")
    if not isinstance(norm, bool):
        raise ValueError(f"thought projection layer_norm: must be true or false, got {norm!r}")
    return {"hidden": hidden, "dropout": float(dropout), "layer_norm": norm}


def build_projection(spec: Mapping[str, Any], width: int) -> nn.Sequential:
    """A freshly initialised projection of ``width``-wide hidden states."""
    spec = check_spec(spec, width)
    layers = nn.Sequential(
        nn.Dropout(spec["dropout"]),
        nn.Linear(width, spec["hidden"]),
        nn.GELU(),
        nn.Linear(spec["hidden"], width),
    )
    if spec["layer_norm"]:
        layers.add_module("ln", nn.LayerNorm(width))
    return layers
