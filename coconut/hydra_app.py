"""Where the packaged Hydra configs live, and the entry points' wrapper of ``hydra.main``.

Every console script with a Hydra config (``coconut-train``, ``coconut-eval``,
``coconut-search``, ``coconut-qvalue``) starts through :func:`hydra_entry`.

The top-level ``conf/`` ships inside the package as ``coconut.conf`` (``coconut/conf``
links to it in the source tree; a wheel holds a copy), so ``coconut-train`` and
``coconut-eval`` find their configs at ``pkg://coconut.conf`` from any directory and
from any install. A user's own configs are added with Hydra's ``--config-dir`` (or
``hydra.searchpath``), e.g. ``coconut-train --config-dir my_conf experiment=mine``.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import hydra
from hydra.experimental.callback import Callback
from omegaconf import DictConfig

import coconut
from coconut.console import HINT, describe, run_reporting_errors
from coconut.rundir import check_run_name

CONFIG_PACKAGE = "coconut.conf"
CONFIG_PATH = f"pkg://{CONFIG_PACKAGE}"
CONFIG_DIR = str(Path(coconut.__file__).parent / "conf")
"""The packaged configs as a directory (for ``hydra.initialize_config_dir`` in tests)."""


def check_configs(config_name: str, package: str = CONFIG_PACKAGE) -> None:
    """Raises ``FileNotFoundError`` naming the expected path if the configs are missing.

    Args:
        config_name: the primary config, e.g. ``"train"``.
        package: the package that holds the configs.
    """
    try:
        found = resources.files(package).joinpath(f"{config_name}.yaml").is_file()
    except ModuleNotFoundError:
        found = False
    if not found:
        where = Path(coconut.__file__).parent.joinpath(*package.split(".")[1:])
        raise FileNotFoundError(
            f"coconut's configs are missing: no {config_name}.yaml in package {package} "
            f"(pkg://{package}, expected at {where}/{config_name}.yaml); the install is "
            "broken, reinstall coconut (pip install --force-reinstall ...)"
        )


def check_run_name_overrides(argv: list[str]) -> None:
    """Refuses a ``run_name=`` override that is not one path component, before Hydra makes
    (and logs into) the run folder it names.

    Raises:
        ValueError: naming the value (:func:`~coconut.rundir.check_run_name`).
    """
    for arg in argv:
        key, sep, value = arg.partition("=")
        if sep and key.lstrip("+~") == "run_name":
            check_run_name(value.strip("'\""))


class RunFolderCheck(Callback):
    """A Hydra callback: before Hydra makes the run folder and opens its log there, a
    folder that cannot be written (a read-only file system, no permission) is one line and
    exit status 1, not the traceback of Hydra's logging set-up."""

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        folder = Path(str(config.hydra.run.dir))
        try:
            check_writable(folder)
        except OSError as err:
            print(f"error: {describe(err)}\n{HINT}", file=sys.stderr)
            raise SystemExit(1) from None


def check_writable(folder: Path) -> None:
    """Raises the ``OSError`` a write into ``folder`` (or the nearest existing folder above
    it, where it would be made) would meet: ``EROFS`` or ``EACCES``, naming ``folder``."""
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None or os.access(existing, os.W_OK | os.X_OK):
        return
    read_only = bool(os.statvfs(existing).f_flag & os.ST_RDONLY)
    code = errno.EROFS if read_only else errno.EACCES
    raise OSError(code, os.strerror(code), str(folder))


def hydra_entry(task: Callable[[DictConfig], Any], config_name: str) -> Callable[[], Any]:
    """A console entry point running ``task`` under ``hydra.main`` on the packaged configs.

    The configs are checked first, so a broken install fails with a message naming the
    package path instead of Hydra's "Primary config module not found".
    """
    decorated = hydra.main(config_path=CONFIG_PATH, config_name=config_name, version_base="1.3")(
        task
    )

    @functools.wraps(task)
    def main() -> Any:
        check_configs(config_name)
        run_reporting_errors(check_run_name_overrides, sys.argv[1:])  # before Hydra's run dir
        return decorated()

    return main
