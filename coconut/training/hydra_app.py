"""Where the packaged Hydra configs live, and the entry points' wrapper of ``hydra.main``.

The top-level ``conf/`` ships inside the package as ``coconut.conf`` (``coconut/conf``
links to it in the source tree; a wheel holds a copy), so ``coconut-train`` and
``coconut-eval`` find their configs at ``pkg://coconut.conf`` from any directory and
from any install. A user's own configs are added with Hydra's ``--config-dir`` (or
``hydra.searchpath``), e.g. ``coconut-train --config-dir my_conf experiment=mine``.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import hydra
from omegaconf import DictConfig

import coconut
from coconut.console import run_reporting_errors
from coconut.training.ownership import check_run_name

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
        ValueError: naming the value (:func:`~coconut.training.ownership.check_run_name`).
    """
    for arg in argv:
        key, sep, value = arg.partition("=")
        if sep and key.lstrip("+~") == "run_name":
            check_run_name(value.strip("'\""))


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
