"""The pass schedule of a continuous-thought forward, and the checks on its input.

A latent token at column ``p`` takes as its input embedding the last hidden state at
column ``p - 1``, which depends on every earlier latent of the same row. The forward
therefore runs over the sequence in contiguous column chunks ``[s, e)``: a chunk ends
just before the leftmost latent that is still unfilled in any row, so after it runs, that
latent's input is known. Each chunk's first column is the only place where a latent can
need filling, and the value is the previous chunk's last hidden state.

The schedule is computed once per batch on the host (one device-to-host copy), never per
latent position. With latents aligned across rows (as the collator arranges), the number
of chunks is the largest number of latents in a row plus one.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class LatentPlan:
    """Column chunks of a forward and, for each chunk, which rows fill column ``start``.

    Attributes:
        bounds: ``(start, end)`` per chunk; the chunks tile ``[0, T)`` in order.
        fill_rows: bool ``(n_chunks, B)``; row ``b`` of chunk ``i`` takes the previous
            chunk's last hidden state as the input embedding at column ``bounds[i][0]``.
            Row 0 of this tensor is all False.
    """

    bounds: list[tuple[int, int]]
    fill_rows: torch.Tensor

    @property
    def num_passes(self) -> int:
        return len(self.bounds)


def make_plan(latent_mask: torch.Tensor) -> LatentPlan:
    """Builds the chunk schedule from a ``(B, T)`` bool mask of latent positions."""
    batch, length = latent_mask.shape
    columns = sorted({int(c) for c in latent_mask.any(0).nonzero().flatten().tolist()})
    starts = [0, *columns]
    bounds = list(zip(starts, [*columns, length], strict=True))
    first = torch.zeros(1, batch, dtype=torch.bool, device=latent_mask.device)
    fill_rows = torch.cat([first, latent_mask[:, columns].T]) if columns else first
    return LatentPlan(bounds, fill_rows)


def check_inputs(
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    labels: torch.Tensor | None,
    position_ids: torch.Tensor | None,
    ids: tuple[int, int, int],
    markers: bool = True,
) -> None:
    """Raises ``ValueError`` for mismatched shapes or latents outside a marker span.

    Args:
        ids: ``(start_latent_id, latent_id, end_latent_id)``.
        markers: whether latents must sit between the start and end markers (a model
            trained with bare thoughts has none; a latent still needs a real token before
            it and may not be padding).
    """
    if input_ids.dim() != 2:
        raise ValueError(f"input_ids must be (batch, seq), got shape {tuple(input_ids.shape)}")
    for name, other in (("attention_mask", attention_mask), ("labels", labels)):
        if other is not None and other.shape != input_ids.shape:
            raise ValueError(
                f"{name} shape {tuple(other.shape)} does not match input_ids "
                f"shape {tuple(input_ids.shape)}"
            )
    if position_ids is not None and position_ids.shape[-1] != input_ids.shape[-1]:
        raise ValueError(
            f"position_ids shape {tuple(position_ids.shape)} does not match input_ids "
            f"shape {tuple(input_ids.shape)}"
        )
    _check_latent_spans(input_ids, attention_mask.bool(), ids, markers)


def _check_latent_spans(
    input_ids: torch.Tensor, real: torch.Tensor, ids: tuple[int, int, int], markers: bool
) -> None:
    start_id, latent_id, end_id = ids
    latent = input_ids.eq(latent_id) & real
    if not latent.any():
        return
    first_real = real.int().argmax(1)
    at_start = latent[torch.arange(len(real), device=real.device), first_real]
    before = torch.nn.functional.pad(input_ids, (1, 0), value=-1)[:, :-1]
    after = torch.nn.functional.pad(input_ids, (0, 1), value=-1)[:, 1:]
    bad_before = latent & ~(before.eq(start_id) | before.eq(latent_id)) & markers
    bad_after = latent & ~(after.eq(end_id) | after.eq(latent_id)) & markers
    padded = input_ids.eq(latent_id) & ~real
    flags = torch.stack([at_start.any(), bad_before.any(), bad_after.any(), padded.any()]).tolist()
    if flags[0]:
        rows = at_start.nonzero().flatten().tolist()
        raise ValueError(f"latent token at position 0 (rows {rows}): nothing precedes it")
    if flags[1] or flags[2]:
        where = (bad_before | bad_after).nonzero().tolist()
        raise ValueError(
            "latent tokens outside a <|start-latent|> ... <|end-latent|> span at "
            f"(row, column) {where[:8]}"
        )
    if flags[3]:
        raise ValueError("latent tokens at padded positions (attention_mask == 0)")
