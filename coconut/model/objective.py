"""A training objective that a method owns: its passes and its named loss components.

By default a method trains on one forward pass of the Coconut model over the batch and
its next-token loss (``out.loss``), as every method of the paper does. A method that
needs more (CODI: a teacher pass, a student pass and a distillation term between them)
returns an :class:`Objective` from ``Method.objective()``. The training loop then calls
:meth:`Objective.losses` and trains on :func:`weighted_total` of the components, whose
weights are the method's config fields; each component is logged unweighted as
``train/loss_<name>`` beside the weighted total ``train/loss``.

An objective may also bring *training-only* modules (:meth:`Objective.training_modules`,
e.g. an auxiliary decoder): the training loop keeps them beside the model, trains them
with it and saves them in every checkpoint, so a resumed run continues them; they are
left out of the exported model unless the run asks for them. A module the model itself
needs to think (CODI's projection) belongs to the model instead
(``Coconut(thought_projection=...)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import torch
from torch import nn


class Objective(Protocol):
    """What the training loop asks of a method's own objective.

    Attributes:
        weights: the weight of each loss component by name (the keys :meth:`losses`
            returns), each >= 0.
    """

    weights: Mapping[str, float]

    def training_modules(self, model: nn.Module) -> dict[str, nn.Module]:
        """Fresh training-only modules by name (built once, before training)."""
        ...

    def losses(
        self, model: nn.Module, batch: Mapping[str, Any], modules: Mapping[str, nn.Module]
    ) -> dict[str, torch.Tensor]:
        """The unweighted scalar loss components of ``batch``, by name.

        Args:
            model: the Coconut model.
            batch: the collated batch (``batch["views"]`` holds the method's views).
            modules: the modules :meth:`training_modules` built, as trained so far.
        """
        ...


def weighted_total(parts: Mapping[str, torch.Tensor], weights: Mapping[str, float]) -> torch.Tensor:
    """``sum(weights[name] * parts[name])`` in the order of ``parts``.

    Raises:
        ValueError: if the components and the weights name different losses.
    """
    if set(parts) != set(weights):
        raise ValueError(
            f"loss components {sorted(parts)} and their weights {sorted(weights)} differ"
        )
    names = list(parts)
    total = weights[names[0]] * parts[names[0]]
    for name in names[1:]:
        total = total + weights[name] * parts[name]
    return total
