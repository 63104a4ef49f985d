"""Where a run's examples come from: split files, generated on first use when configured.

``data.splits`` maps each split to a file read with :func:`coconut.data.load_examples`. A
missing file is generated first when ``data.generate`` names a generator (called with
``n=data.sizes[split]``, ``seed=data.seeds[split]`` and ``exclude``, the questions of the
splits already there, so no question is in two splits) and written atomically, so the
embedded default creates its data once and every later run reads the same files.

Two optional keys: ``data.loader`` (a ``_partial_`` callable of the split's source, e.g.
:func:`coconut.data.memory_reason.load_memory_reason` for the published memory/reason
files) replaces :func:`~coconut.data.load_examples`; ``data.tagging`` (``prosqa``,
``prontoqa`` or ``gsm8k``) tags every step memory/reason by rule
(:mod:`coconut.data.tagging`) after loading.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from pathlib import Path

import datasets
import hydra
from omegaconf import DictConfig

from coconut.data import load_examples, write_examples
from coconut.data.schema import features_for
from coconut.data.tagging import tag_records

log = logging.getLogger(__name__)


def load_splits(data_cfg: DictConfig) -> dict[str, datasets.Dataset]:
    """Every configured split, generated first where missing and generation is configured.

    Raises:
        FileNotFoundError: if a split file is missing and cannot be generated; the
            message says how to produce it.
        ValueError: if a file holds a malformed example (from ``load_examples``).
    """
    if "train" not in data_cfg.splits:
        raise ValueError(f"data {data_cfg.name}: no 'train' in data.splits")
    # Files that exist first, so that generated splits can avoid all their questions.
    present = [s for s in data_cfg.splits if Path(data_cfg.splits[s]).is_file()]
    loaded = {split: load_split(data_cfg, split) for split in present}
    for split in data_cfg.splits:
        if split not in loaded:
            taken = {q for dataset in loaded.values() for q in dataset["question"]}
            loaded[split] = load_split(data_cfg, split, exclude=taken)
    return {split: loaded[split] for split in data_cfg.splits}


def load_split(data_cfg: DictConfig, split: str, exclude: Collection[str] = ()) -> datasets.Dataset:
    """One split of ``data_cfg``, generated first if missing and configured to be.

    Args:
        data_cfg: the ``data`` config node.
        split: split name, a key of ``data_cfg.splits``.
        exclude: questions a generated split must not repeat (those of other splits).
    """
    source = data_cfg.splits[split]
    if data_cfg.get("loader") is not None:
        dataset = hydra.utils.instantiate(data_cfg.loader)(source)
    else:
        path = Path(source)
        if not path.is_file():
            _generate(data_cfg, split, path, exclude)
        dataset = load_examples(path)
    log.info("data %s/%s: %d examples from %s", data_cfg.name, split, len(dataset), source)
    if data_cfg.get("tagging"):
        records = tag_records(dataset, data_cfg.tagging, source=str(source))
        dataset = datasets.Dataset.from_list(records, features=features_for(records))
    return dataset


def _generate(data_cfg: DictConfig, split: str, path: Path, exclude: Collection[str]) -> None:
    if data_cfg.get("generate") is None:
        raise FileNotFoundError(
            f"data {data_cfg.name}: split {split!r} file {path} does not exist; create it "
            f"(e.g. with coconut-data) or set data.splits.{split}=<path>"
        )
    n, seed = data_cfg.sizes[split], data_cfg.seeds[split]
    log.info(
        "data %s/%s: generating %d examples (seed %d) into %s", data_cfg.name, split, n, seed, path
    )
    generate = hydra.utils.instantiate(data_cfg.generate)
    records = generate(n=n, seed=seed, exclude=exclude)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_examples(records, path)
