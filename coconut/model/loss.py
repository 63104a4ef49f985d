"""Next-token cross entropy over a Coconut batch, dense or in chunks.

Position ``t`` predicts ``labels[t + 1]``; positions labelled ``-100`` carry no loss. Both
functions return the mean over the labelled positions, computed in fp32 as Hugging Face's
causal-LM loss does.

- :func:`shifted_cross_entropy` takes the ``(B, T, V)`` logits the model already computed.
- :func:`chunked_shifted_cross_entropy` takes the final hidden states and the LM head
  instead. It keeps only the labelled positions and runs the head and the loss on
  ``chunk_size`` of them at a time, each chunk under activation checkpointing. So no
  ``(B, T, V)`` tensor, and no fp32 copy of one, ever exists: at most ``chunk_size x V``
  logits are alive, in the forward pass and in the backward pass. On ProsQA only the
  answer and the language steps are labelled, a small part of every row.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

IGNORE = -100
"""The label of a position that carries no loss."""


def shift_labels(labels: torch.Tensor) -> torch.Tensor:
    """``labels`` moved one position left and padded with ``-100``: entry ``t`` is the
    target of position ``t``."""
    return F.pad(labels, (0, 1), value=IGNORE)[:, 1:]


def shifted_cross_entropy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross entropy of ``(B, T, V)`` logits against ``(B, T)`` labels.

    The labels are shifted rather than the logits sliced, so the logits are never copied.
    """
    flat = logits.float().reshape(-1, logits.shape[-1])
    return F.cross_entropy(flat, shift_labels(labels).reshape(-1), ignore_index=IGNORE)


def chunked_shifted_cross_entropy(
    hidden: torch.Tensor, head: nn.Module, labels: torch.Tensor, chunk_size: int
) -> torch.Tensor:
    """The same loss as :func:`shifted_cross_entropy` on ``head(hidden)``, computed
    ``chunk_size`` labelled positions at a time without the full logits.

    Args:
        hidden: ``(B, T, D)`` final hidden states (after the final layer norm).
        head: the LM head, ``D -> V``.
        labels: ``(B, T)`` targets, ``-100`` where no loss is taken.
        chunk_size: labelled positions per chunk (at least 1).

    Returns ``nan`` when no position is labelled, as the dense loss does.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    targets = shift_labels(labels)
    keep = targets.ne(IGNORE)
    rows, wanted = hidden[keep], targets[keep]  # (N, D), (N,)
    total = hidden.new_zeros((), dtype=torch.float32)
    for start in range(0, rows.shape[0], chunk_size):
        part = slice(start, start + chunk_size)
        total = total + checkpoint(
            _summed_loss, head, rows[part], wanted[part], use_reentrant=False
        )
    return total / keep.sum()


def _summed_loss(head: nn.Module, rows: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(head(rows).float(), targets, reduction="sum")
