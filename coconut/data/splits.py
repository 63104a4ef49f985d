"""Splits of the synthetic tasks: one function makes every missing split file.

:func:`make_missing_splits` is the only code that generates split files; ``coconut-data
generate`` and ``coconut-train`` (a ``data`` config with ``generate``) both call it, so the
same generator, options, sizes and seeds give byte-identical files. Splits are generated
in order, each excluding the questions of every split already there or generated before
it, so no question appears in two splits. Files are written atomically.

Seeds are given per split. ``coconut-data`` derives them from one run seed and the split's
name (:func:`split_seed`) unless ``--seeds`` gives them, so that changing one split's size
does not shift the random stream of the others.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from coconut.data.io import read_records, write_examples
from coconut.data.prontoqa import generate_prontoqa
from coconut.data.prosqa import generate_prosqa

log = logging.getLogger(__name__)

Generator = Callable[..., list[dict[str, Any]]]
"""``generate(n=..., seed=..., exclude=...)`` -> records."""

SPLITS: tuple[str, ...] = ("train", "valid", "test")
GENERATORS: dict[str, Generator] = {
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


def task_generator(task: str, *, progress: bool = False, **options: Any) -> Generator:
    """The generator of ``task`` ("prosqa" or "prontoqa") with its options bound.

    Raises:
        ValueError: for an unknown task.
    """
    if task not in GENERATORS:
        raise ValueError(f"unknown task {task!r}; choose from {sorted(GENERATORS)}")
    return partial(GENERATORS[task], progress=progress, **options)


def _disjoint(
    generate: Generator,
    sizes: Mapping[str, int],
    seeds: Mapping[str, int],
    splits: Sequence[str],
    taken: Collection[str] = (),
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """``(split, records)`` for ``splits`` in order, each avoiding all earlier questions."""
    seen = set(taken)
    for split in splits:
        records = generate(n=sizes[split], seed=seeds[split], exclude=seen)
        seen.update(r["question"] for r in records)
        yield split, records


def make_missing_splits(
    paths: Mapping[str, str | Path],
    generate: Generator,
    sizes: Mapping[str, int],
    seeds: Mapping[str, int],
    *,
    overwrite: bool = False,
) -> dict[str, Path]:
    """Generates the split files of ``paths`` that do not exist yet.

    Args:
        paths: split name -> file, in generation order.
        generate: called as ``generate(n=sizes[split], seed=seeds[split], exclude=...)``.
        sizes: examples per split.
        seeds: seed per split.
        overwrite: generate every split, existing files or not.

    Returns:
        split name -> file, for the files written.

    Raises:
        ValueError: if a split to generate has no size or seed.
    """
    paths = {split: Path(path) for split, path in paths.items()}
    missing = [s for s, p in paths.items() if overwrite or not p.is_file()]
    for split in missing:
        for name, table in (("sizes", sizes), ("seeds", seeds)):
            if split not in table:
                raise ValueError(f"split {split!r} has no entry in {name} ({dict(table)})")
    present = [s for s in paths if s not in missing]
    taken = {r.get("question") for s in present for r in read_records(paths[s])}
    written = {}
    for split, records in _disjoint(generate, sizes, seeds, missing, taken):
        log.info("split %s: %d examples (seed %d) -> %s", split, len(records), seeds[split],
                 paths[split])  # fmt: skip
        written[split] = write_examples(records, paths[split])
    return written


def generate_splits(
    task: str,
    sizes: Sequence[int],
    seed: int,
    *,
    progress: bool = False,
    **options: Any,
) -> dict[str, list[dict[str, Any]]]:
    """Generate disjoint train, valid and test splits of a synthetic task, in memory.

    Args:
        task: "prosqa" or "prontoqa".
        sizes: examples per split, in the order of :data:`SPLITS`.
        seed: run seed (each split's seed is :func:`split_seed` of it).
        progress: show progress bars.
        **options: generator options (e.g. ``hops`` or ``num_nodes``).

    Returns:
        Split name -> records.

    Raises:
        ValueError: for an unknown task or a wrong number of sizes.
    """
    generate = task_generator(task, progress=progress, **options)
    sizes_by_split = _by_split(sizes, "sizes")
    seeds = {split: split_seed(seed, split) for split in SPLITS}
    return dict(_disjoint(generate, sizes_by_split, seeds, SPLITS))


def _by_split(values: Sequence[int], what: str) -> dict[str, int]:
    if len(values) != len(SPLITS):
        raise ValueError(f"need {len(SPLITS)} {what} ({', '.join(SPLITS)}), got {list(values)}")
    return dict(zip(SPLITS, values, strict=True))
