"""Where a run's examples come from: split files, generated on first use when configured.

``data.splits`` maps each split to a file read with :func:`coconut.data.load_examples`. A
missing file is generated first when ``data.generate`` names a generator (called with
``n=data.sizes[split]``, ``seed=data.seeds[split]`` and ``exclude``, the questions of the
splits already there, so no question is in two splits) and written atomically, so the
embedded default creates its data once and every later run reads the same files.

Nothing is substituted silently. Generation happens only inside ``data.generated_dir``
(where the data config says its splits are generated); a missing file anywhere else was
supplied by the user, so it is an error (a typo'd path must not become a fresh dataset).
Each generated file gets a ``<name>.meta.json`` beside it with its size and seed; a file
whose recorded size or seed disagrees with ``data.sizes``/``data.seeds`` is an error too.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
from pathlib import Path

import datasets
import hydra
from omegaconf import DictConfig

from coconut.atomic import atomic_write_json
from coconut.data import load_examples, write_examples

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
    path = Path(data_cfg.splits[split])
    if not path.is_file():
        _generate(data_cfg, split, path, exclude)
    else:
        _check_generated(data_cfg, split, path)
    dataset = load_examples(path)
    log.info("data %s/%s: %d examples from %s", data_cfg.name, split, len(dataset), path)
    return dataset


def meta_path(path: Path) -> Path:
    """The record of how ``path`` was generated: ``<stem>.meta.json`` beside it."""
    return path.with_name(f"{path.stem}.meta.json")


def _check_generated(data_cfg: DictConfig, split: str, path: Path) -> None:
    """Refuses a generated file whose recorded size or seed differs from the config."""
    meta_file = meta_path(path)
    if data_cfg.get("generate") is None or not meta_file.is_file():
        return
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    wanted = {"n": data_cfg.sizes.get(split), "seed": data_cfg.seeds.get(split)}
    keys = {"n": f"data.sizes.{split}", "seed": f"data.seeds.{split}"}
    for field, value in wanted.items():
        if value is not None and meta.get(field) != value:
            raise ValueError(
                f"{keys[field]}={value}, but {path} was generated with {field}={meta.get(field)} "
                f"(see {meta_file}); delete the file (and {meta_file.name}) to generate it "
                f"again, or set {keys[field]}={meta.get(field)}"
            )


def _generate(data_cfg: DictConfig, split: str, path: Path, exclude: Collection[str]) -> None:
    if data_cfg.get("generate") is None:
        raise FileNotFoundError(
            f"data.splits.{split}={path}: no such file (data {data_cfg.name} is not generated);"
            f" create it (e.g. with coconut-data) or fix the path"
        )
    generated_dir = data_cfg.get("generated_dir")
    if generated_dir is not None and path.parent.resolve() != Path(generated_dir).resolve():
        raise FileNotFoundError(
            f"data.splits.{split}={path}: no such file. Only files in data.generated_dir="
            f"{generated_dir} are generated when missing; check the path for a typo"
        )
    n, seed = data_cfg.sizes[split], data_cfg.seeds[split]
    log.info(
        "data %s/%s: generating %d examples (seed %d) into %s", data_cfg.name, split, n, seed, path
    )
    generate = hydra.utils.instantiate(data_cfg.generate)
    records = generate(n=n, seed=seed, exclude=exclude)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_examples(records, path)
    atomic_write_json(meta_path(path), {"n": n, "seed": seed, "split": split})
