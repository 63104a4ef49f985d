"""Train/valid/test splits of the synthetic tasks: sizes, seeds and disjointness.

Each split gets its own seed derived from the run seed and the split's name, so that
changing one split's size does not shift the random stream of the others. Splits are
generated in order and each excludes the questions of the ones before, so no question
appears in two splits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from coconut.data.io import write_examples
from coconut.data.prontoqa import generate_prontoqa
from coconut.data.prosqa import generate_prosqa

SPLITS: tuple[str, ...] = ("train", "valid", "test")
GENERATORS: dict[str, Callable[..., list[dict[str, Any]]]] = {
    "prosqa": generate_prosqa,
    "prontoqa": generate_prontoqa,
}
DEFAULT_SIZES: dict[str, tuple[int, int, int]] = {
    "prosqa": (17_886, 300, 500),  # the Coconut paper's ProsQA splits
    "prontoqa": (9_000, 200, 800),  # the Coconut paper's ProntoQA splits
}


def split_seed(seed: int, split: str) -> int:
    """A 63-bit seed for one split, derived from the run seed and the split's name."""
    digest = hashlib.sha256(f"{seed}:{split}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def generate_splits(
    task: str,
    sizes: Sequence[int],
    seed: int,
    *,
    progress: bool = False,
    **options: Any,
) -> dict[str, list[dict[str, Any]]]:
    """Generate disjoint train, valid and test splits of a synthetic task.

    Args:
        task: "prosqa" or "prontoqa".
        sizes: examples per split, in the order of :data:`SPLITS`.
        seed: run seed.
        progress: show progress bars.
        **options: generator options (e.g. ``hops`` or ``num_nodes``).

    Returns:
        Split name -> records.

    Raises:
        ValueError: for an unknown task or a wrong number of sizes.
    """
    if task not in GENERATORS:
        raise ValueError(f"unknown task {task!r}; choose from {sorted(GENERATORS)}")
    if len(sizes) != len(SPLITS):
        raise ValueError(f"need {len(SPLITS)} sizes ({', '.join(SPLITS)}), got {list(sizes)}")
    generate = GENERATORS[task]
    splits: dict[str, list[dict[str, Any]]] = {}
    seen: set[str] = set()
    for split, size in zip(SPLITS, sizes, strict=True):
        records = generate(
            size, split_seed(seed, split), progress=progress, exclude=seen, **options
        )
        seen.update(r["question"] for r in records)
        splits[split] = records
    return splits


def write_splits(splits: dict[str, list[dict[str, Any]]], out_dir: str | Path) -> list[Path]:
    """Write ``out_dir/{split}.json`` for every split; returns the paths."""
    return [
        write_examples(records, Path(out_dir) / f"{name}.json") for name, records in splits.items()
    ]
