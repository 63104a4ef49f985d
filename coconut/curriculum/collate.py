"""Batching laid-out sequences into padded tensors.

Training batches are aligned on the first ``<|latent|>`` column: each row holding a
latent is left-padded so that its first latent sits in the same column as every other
row's, then all rows are right-padded to the longest. Coconut then needs one forward
pass per latent column instead of one per distinct latent position. Prompt batches (no
labels) are left-padded so that every prompt ends in the last column, ready for
generation.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence as SequenceABC

import torch

from coconut.curriculum.layout import IGNORE_INDEX

_COMPUTED_KEYS = frozenset({"input_ids", "labels", "attention_mask", "position_ids"})


class Collator:
    """Pads a list of features into a batch of ``LongTensor``.

    Each feature is a mapping with ``input_ids`` and, for training batches, ``labels``
    (lists of ints or 1-D tensors); a feature with no or empty ``labels`` is a prompt, so
    ``dataclasses.asdict`` of a :class:`~coconut.curriculum.layout.Sequence` from
    ``build_sequence`` or ``build_prompt`` is a valid feature. ``attention_mask`` and
    ``position_ids`` are always recomputed from the padding. Any other key is passed
    through: as a ``LongTensor`` if every value is an int, else as a list.

    The output holds ``input_ids``, ``attention_mask`` (0 on pads), ``position_ids``
    (``cumsum(attention_mask) - 1`` clamped at 0) and, for training batches, ``labels``
    (``label_pad_id`` on pads). A ``views`` key (a mapping from name to a training
    feature, the same names in every row) becomes a mapping from name to a training
    batch of those features.

    Args:
        pad_id: id written on pad positions (the eos id).
        latent_id: ``<|latent|>`` id to align training rows on; ``None`` disables it.
        label_pad_id: label on pad positions.
    """

    def __init__(
        self, pad_id: int, latent_id: int | None = None, label_pad_id: int = IGNORE_INDEX
    ) -> None:
        self.pad_id = pad_id
        self.latent_id = latent_id
        self.label_pad_id = label_pad_id

    def __call__(self, features: SequenceABC[Mapping]) -> dict[str, torch.Tensor | list]:
        """Collates training features (all with labels) or prompts (none with labels)."""
        if len(features) == 0:
            raise ValueError("collate: empty batch")
        with_labels = [_has_labels(f) for f in features]
        if all(with_labels):
            batch = self._collate_train(features)
        elif not any(with_labels):
            batch = self._collate_prompts(features)
        else:
            odd = with_labels.index(not with_labels[0])
            raise ValueError(f"collate: examples 0 and {odd} disagree on having 'labels'")
        batch.update(_passthrough(features))
        if "views" in batch:
            batch["views"] = self._collate_views(batch["views"])
        return batch

    def _collate_views(self, views: list) -> dict[str, dict[str, torch.Tensor]]:
        """Each named view of the rows (a method's further layouts) batched as a
        training batch of its own."""
        names = list(views[0])
        for i, row in enumerate(views):
            if not isinstance(row, Mapping) or list(row) != names:
                raise ValueError(f"collate: example {i} has views {row!r}, example 0 {names}")
        return {name: self._collate_train([row[name] for row in views]) for name in names}

    def _collate_train(self, features: SequenceABC[Mapping]) -> dict[str, torch.Tensor]:
        rows = [_ids(f, "input_ids", i) for i, f in enumerate(features)]
        labels = [_ids(f, "labels", i) for i, f in enumerate(features)]
        for i, (row, lab) in enumerate(zip(rows, labels, strict=True)):
            if len(row) != len(lab):
                raise ValueError(
                    f"collate: example {i} has {len(row)} input_ids but {len(lab)} labels"
                )
        left = self._latent_offsets(rows)
        width = max(lp + len(r) for lp, r in zip(left, rows, strict=True))
        batch = self._pad(rows, left, width)
        batch["labels"] = torch.tensor(
            [
                [self.label_pad_id] * lp + lab + [self.label_pad_id] * (width - lp - len(lab))
                for lp, lab in zip(left, labels, strict=True)
            ],
            dtype=torch.long,
        )
        return batch

    def _collate_prompts(self, features: SequenceABC[Mapping]) -> dict[str, torch.Tensor]:
        rows = [_ids(f, "input_ids", i) for i, f in enumerate(features)]
        width = max(len(r) for r in rows)
        return self._pad(rows, [width - len(r) for r in rows], width)

    def _latent_offsets(self, rows: list[list[int]]) -> list[int]:
        """Left padding per row that puts every row's first latent in one column."""
        if self.latent_id is None:
            return [0] * len(rows)
        first = [r.index(self.latent_id) if self.latent_id in r else None for r in rows]
        column = max((f for f in first if f is not None), default=0)
        return [0 if f is None else column - f for f in first]

    def _pad(self, rows: list[list[int]], left: list[int], width: int) -> dict[str, torch.Tensor]:
        ids, mask = [], []
        for lp, row in zip(left, rows, strict=True):
            right = width - lp - len(row)
            ids.append([self.pad_id] * lp + row + [self.pad_id] * right)
            mask.append([0] * lp + [1] * len(row) + [0] * right)
        attention_mask = torch.tensor(mask, dtype=torch.long)
        position_ids = (attention_mask.cumsum(-1) - 1).clamp(min=0)
        return {
            "input_ids": torch.tensor(ids, dtype=torch.long),
            "attention_mask": attention_mask,
            "position_ids": position_ids,
        }


def _has_labels(feature: Mapping) -> bool:
    labels = feature.get("labels")
    return labels is not None and len(labels) > 0


def _ids(feature: Mapping, key: str, index: int) -> list[int]:
    value = feature.get(key)
    if isinstance(value, torch.Tensor):
        if value.dim() != 1:
            raise ValueError(f"collate: example {index} field {key!r} must be 1-D")
        value = value.tolist()
    if value is None or len(value) == 0:
        raise ValueError(f"collate: example {index} field {key!r} is missing or empty")
    return [int(v) for v in value]


def _passthrough(features: SequenceABC[Mapping]) -> dict[str, torch.Tensor | list]:
    keys = dict.fromkeys(k for f in features for k in f if k not in _COMPUTED_KEYS)
    out: dict[str, torch.Tensor | list] = {}
    for key in keys:
        for i, f in enumerate(features):
            if key not in f:
                raise ValueError(f"collate: example {i} lacks field {key!r} that others have")
        values = [f[key] for f in features]
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            out[key] = torch.tensor(values, dtype=torch.long)
        else:
            out[key] = values
    return out
