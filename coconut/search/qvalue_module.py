"""Lightning glue for training the Q-value model on rollout labels (binary cross entropy)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader

from coconut.search.labeller import Label
from coconut.search.value_model import QValueModel


def collate_labels(batch: Sequence[Label], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-pads a batch of labelled states."""
    width = max(len(x.ids) for x in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for i, x in enumerate(batch):
        ids[i, : len(x.ids)] = torch.tensor(x.ids)
        mask[i, : len(x.ids)] = 1
    labels = torch.tensor([x.label for x in batch], dtype=torch.float)
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def label_loader(
    labels: Sequence[Label], pad_id: int, batch_size: int, shuffle: bool, seed: int = 0
) -> DataLoader:
    """A DataLoader over labelled states."""
    return DataLoader(
        list(labels),
        batch_size=batch_size,
        shuffle=shuffle,
        collate_fn=lambda b: collate_labels(b, pad_id),
        generator=torch.Generator().manual_seed(seed) if shuffle else None,
    )


class QValueLitModule(L.LightningModule):
    """Trains Q̂ = sigmoid(head(last hidden state)) against 0/1 rollout labels.

    Args:
        model: the Q-value model.
        optimizer: a partial optimizer (``torch.optim.AdamW`` with ``_partial_: true``).
    """

    def __init__(self, model: QValueModel, optimizer: Callable) -> None:
        super().__init__()
        self.model = model
        self.optimizer_factory = optimizer

    def _loss(self, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        logits = self.model(batch["input_ids"], batch["attention_mask"])
        return F.binary_cross_entropy_with_logits(logits, batch["labels"]), logits

    def training_step(self, batch: dict[str, torch.Tensor], batch_idx: int) -> torch.Tensor:
        loss, _ = self._loss(batch)
        self.log("train/loss", loss, prog_bar=True, batch_size=len(batch["labels"]))
        return loss

    def validation_step(self, batch: dict[str, torch.Tensor], batch_idx: int) -> None:
        loss, logits = self._loss(batch)
        probs, labels = torch.sigmoid(logits), batch["labels"]
        n = len(labels)
        self.log("val/loss", loss, prog_bar=True, batch_size=n)
        self.log("val/acc", ((probs > 0.5) == (labels > 0.5)).float().mean(), batch_size=n)
        self.log("val/brier", ((probs - labels) ** 2).mean(), batch_size=n)

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return self.optimizer_factory(self.parameters())
