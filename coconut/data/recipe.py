"""A run's split files made again from the recipe its config records.

A ``coconut-train`` run keeps its ``data`` config in ``config.yaml``: the split files
and, for generated data, the generator (``data.generate``, a ``_partial_`` callable),
``data.sizes``, ``data.seeds`` and ``data.generated_dir``. :func:`split_file` returns a
split's file when it is still there, and otherwise generates the same split again, with
the same generator, sizes and seeds, in the same order as training did (each split
excludes the questions of those before it), through
:func:`~coconut.data.splits.make_missing_splits`.

Regenerated files go into the package's cache (:func:`cache_root`), one folder per
recipe, never to the paths the config names: those belong to the machine that trained
the run. A split that was not generated (no ``data.generate``, a file outside
``data.generated_dir``, or a generator outside :mod:`coconut.data`) cannot be made again;
asking for it is an error naming the missing file and the option that gives another one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from coconut.data.splits import make_missing_splits

log = logging.getLogger(__name__)

CACHE_ENV = "COCONUT_CACHE"
GENERATOR_PACKAGE = "coconut.data."
"""Only generators of this package are instantiated from a run's config."""


class SplitUnavailableError(FileNotFoundError):
    """A run's split file is gone and the run's config cannot make it again."""


def cache_root() -> Path:
    """``$COCONUT_CACHE``, else ``$XDG_CACHE_HOME/coconut``, else ``~/.cache/coconut``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "coconut"


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (as a run's ``identity.json`` records them)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def regenerable(data: Mapping[str, Any], split: str) -> str | None:
    """``None`` if ``split`` of the ``data`` config can be generated again, else why not."""
    spec = data.get("generate")
    if not spec:
        return f"data {data.get('name')} has no data.generate"
    target = str(spec.get("_target_", ""))
    if not target.startswith(GENERATOR_PACKAGE):
        return f"its generator {target!r} is not one of {GENERATOR_PACKAGE.rstrip('.')}"
    for key in ("sizes", "seeds"):
        if split not in (data.get(key) or {}):
            return f"data.{key} has no entry for {split!r}"
    folder = data.get("generated_dir")
    if folder is None or Path(str(data["splits"][split])).parent != Path(str(folder)):
        return f"the file lies outside data.generated_dir={folder}, so it was not generated"
    return None


def split_file(
    data: Mapping[str, Any],
    split: str,
    *,
    recorded_sha256: str | None = None,
    override: str = "split_path=<file>",
) -> Path:
    """The file of the run's ``split``: the recorded one if present, else regenerated.

    Args:
        data: the run's ``data`` config, resolved, as plain containers.
        split: a key of ``data["splits"]``.
        recorded_sha256: the SHA-256 the run recorded for the split (``identity.json``);
            a regenerated file that differs is used, with a warning.
        override: how the calling command takes another file, for the error message.

    Raises:
        KeyError: if the run has no such split.
        SplitUnavailableError: naming the file and ``override``, if the file is gone and
            cannot be generated again.
    """
    recorded = Path(str(data["splits"][split]))
    if recorded.is_file():
        return recorded
    why = regenerable(data, split)
    if why is not None:
        raise SplitUnavailableError(
            f"{recorded}: the run's {split} split is gone and cannot be generated again "
            f"({why}); pass {override} to use another file"
        )
    paths = _cache_paths(data, split)
    if not paths[split].is_file():
        _generate(data, paths)
    found = paths[split]
    _compare(found, recorded, recorded_sha256)
    return found


def _cache_paths(data: Mapping[str, Any], split: str) -> dict[str, Path]:
    """Where the splits up to ``split`` go (or, for earlier splits that were not
    generated, the recorded files, read only to exclude their questions)."""
    order = list(data["splits"])
    order = order[: order.index(split) + 1]
    recipe = {
        "name": data.get("name"),
        "generate": dict(data["generate"]),
        "sizes": {s: data["sizes"].get(s) for s in order},
        "seeds": {s: data["seeds"].get(s) for s in order},
        "order": order,
    }
    digest = hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:12]
    folder = cache_root() / "splits" / f"{data.get('name')}-{digest}"
    paths = {}
    for name in order:
        file = Path(str(data["splits"][name]))
        if name == split or regenerable(data, name) is None:
            paths[name] = folder / file.name
        elif file.is_file():
            paths[name] = file
        else:
            log.warning(
                "%s (split %s) is gone and was not generated: the regenerated %s split "
                "cannot exclude its questions", file, name, split,
            )  # fmt: skip
    return paths


def _generate(data: Mapping[str, Any], paths: Mapping[str, Path]) -> None:
    import hydra  # only here: the rest of coconut.data does not need it

    generate = hydra.utils.instantiate(dict(data["generate"]))
    log.info("data %s: generating %s into %s", data.get("name"), list(paths),
             paths[list(paths)[-1]].parent)  # fmt: skip
    make_missing_splits(paths, generate, data["sizes"], data["seeds"])


def _compare(found: Path, recorded: Path, sha256: str | None) -> None:
    if sha256 is None:
        log.info("%s is gone; using %s, generated from the run's recipe", recorded, found)
    elif file_sha256(found) == sha256:
        log.info("%s is gone; using %s, generated again byte for byte", recorded, found)
    else:
        log.warning(
            "%s is gone; %s, generated from the run's recipe, differs from the file the run "
            "recorded (the generator changed since?): same distribution, other examples",
            recorded, found,
        )  # fmt: skip
