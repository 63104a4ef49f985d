"""Where a run's examples come from: split files, generated on first use when configured.

``data.splits`` maps each split to a file read with :func:`coconut.data.load_examples`.
Missing files are made by :func:`coconut.data.splits.make_missing_splits` (the function
``coconut-data generate`` uses too) when ``data.generate`` names a generator, with
``data.sizes`` and ``data.seeds`` per split, so the embedded default creates its data once
and every later run reads the same files.

Two optional keys: ``data.loader`` (a ``_partial_`` callable of the split's source, e.g.
:func:`coconut.data.memory_reason.load_memory_reason` for the published memory/reason
files, whose sources may also be ``hub:<split>``) replaces
:func:`~coconut.data.load_examples` and generation; ``data.tagging`` (``prosqa``,
``prontoqa`` or ``gsm8k``) tags every step memory/reason by rule
(:mod:`coconut.data.tagging`) after loading.

Nothing is substituted silently. Generation happens only inside ``data.generated_dir``
(where the data config says its splits are generated); a missing file anywhere else was
supplied by the user, so it is an error (a typo'd path must not become a fresh dataset).
Each generated file gets a ``<name>.meta.json`` beside it with its size, seed and generator
options; a file whose recorded size, seed or options disagree with ``data.sizes``,
``data.seeds`` or ``data.generate`` is an error too (another ``data.name`` keeps both).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import datasets
import hydra
from omegaconf import DictConfig, OmegaConf

from coconut.atomic import atomic_write_json
from coconut.data import load_examples
from coconut.data.schema import features_for
from coconut.data.splits import make_missing_splits
from coconut.data.tagging import tag_records

log = logging.getLogger(__name__)


def load_splits(data_cfg: DictConfig) -> dict[str, datasets.Dataset]:
    """Every configured split, generated first where missing and generation is configured.

    Raises:
        FileNotFoundError: if a split file is missing and cannot be generated; the
            message says how to produce it.
        ValueError: if a file holds a malformed example (from ``load_examples``) or no
            example at all.
    """
    if "train" not in data_cfg.splits:
        raise ValueError(f"data {data_cfg.name}: no 'train' in data.splits")
    ensure_splits(data_cfg)
    return {split: _load(data_cfg, split) for split in data_cfg.splits}


def load_split(data_cfg: DictConfig, split: str) -> datasets.Dataset:
    """One split of ``data_cfg``, after generating the config's missing splits."""
    ensure_splits(data_cfg)
    return _load(data_cfg, split)


def ensure_splits(data_cfg: DictConfig) -> None:
    """Makes the missing split files of ``data_cfg`` (all of them, in order).

    Raises:
        FileNotFoundError: if a file is missing and ``data.generate`` is not set.
    """
    if data_cfg.get("loader") is not None:
        return  # the loader reads its own sources
    paths = {split: Path(path) for split, path in data_cfg.splits.items()}
    for split, path in paths.items():
        if path.is_file():
            _check_generated(data_cfg, split, path)
    missing = [split for split, path in paths.items() if not path.is_file()]
    if not missing:
        return
    if data_cfg.get("generate") is None:
        split = missing[0]
        raise FileNotFoundError(
            f"data.splits.{split}={paths[split]}: no such file (data {data_cfg.name} is not "
            "generated); create it (e.g. with coconut-data) or fix the path"
        )
    generated_dir = data_cfg.get("generated_dir")
    for split in missing:
        if (
            generated_dir is not None
            and paths[split].parent.resolve() != Path(generated_dir).resolve()
        ):
            raise FileNotFoundError(
                f"data.splits.{split}={paths[split]}: no such file. Only files in "
                f"data.generated_dir={generated_dir} are generated when missing; check the path "
                "for a typo"
            )
    generate = hydra.utils.instantiate(data_cfg.generate)
    sizes = OmegaConf.to_container(data_cfg.sizes, resolve=True)
    seeds = OmegaConf.to_container(data_cfg.seeds, resolve=True)
    log.info("data %s: generating the missing splits %s", data_cfg.name, missing)
    written = make_missing_splits(paths, generate, sizes, seeds)
    options = _generator_options(data_cfg)
    for split, path in written.items():
        meta = {"n": sizes[split], "seed": seeds[split], "split": split, "generate": options}
        atomic_write_json(meta_path(path), meta)


def _generator_options(data_cfg: DictConfig) -> dict:
    """``data.generate`` as plain JSON types (the generator and its options)."""
    return OmegaConf.to_container(data_cfg.generate, resolve=True)


def meta_path(path: Path) -> Path:
    """The record of how ``path`` was generated: ``<stem>.meta.json`` beside it."""
    return path.with_name(f"{path.stem}.meta.json")


def _check_generated(data_cfg: DictConfig, split: str, path: Path) -> None:
    """Refuses a generated file whose recorded size or seed differs from the config."""
    meta_file = meta_path(path)
    if data_cfg.get("generate") is None or not meta_file.is_file():
        return
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    wanted = {
        "n": (data_cfg.get("sizes") or {}).get(split),
        "seed": (data_cfg.get("seeds") or {}).get(split),
    }
    keys = {"n": f"data.sizes.{split}", "seed": f"data.seeds.{split}"}
    if "generate" in meta:  # recorded since data.generate options could change under a name
        wanted["generate"], keys["generate"] = _generator_options(data_cfg), "data.generate"
    for field, value in wanted.items():
        if value is not None and meta.get(field) != value:
            raise ValueError(
                f"{keys[field]}={value}, but {path} was generated with {field}={meta.get(field)} "
                f"(see {meta_file}); delete the file (and {meta_file.name}) to generate it "
                f"again, or set {keys[field]}={meta.get(field)}"
            )


def _load(data_cfg: DictConfig, split: str) -> datasets.Dataset:
    source = data_cfg.splits[split]
    if data_cfg.get("loader") is not None:
        dataset = hydra.utils.instantiate(data_cfg.loader)(source)
    else:
        dataset = load_examples(Path(source))
    if len(dataset) == 0:
        raise ValueError(
            f"data.splits.{split}={source}: the file holds no examples (empty); every split "
            "needs at least one, so fix the file or the path"
        )
    log.info("data %s/%s: %d examples from %s", data_cfg.name, split, len(dataset), source)
    if data_cfg.get("tagging"):
        records = tag_records(dataset, data_cfg.tagging, source=str(source))
        dataset = datasets.Dataset.from_list(records, features=features_for(records))
    return dataset
