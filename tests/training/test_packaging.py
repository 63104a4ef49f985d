"""The configs ship with the package: ``pkg://coconut.conf`` (train, eval, search, qvalue), wheels
and broken installs."""

from __future__ import annotations

import ast
import os
import re
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from importlib import resources
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

from coconut.hydra_app import CONFIG_DIR, CONFIG_PATH, check_configs

REPO = Path(__file__).resolve().parents[2]


def test_packaged_configs_are_the_top_level_conf():
    assert CONFIG_PATH == "pkg://coconut.conf"
    assert Path(CONFIG_DIR).resolve() == (REPO / "conf").resolve()
    assert resources.files("coconut.conf").joinpath("train.yaml").is_file()
    assert resources.files("coconut.conf").joinpath("method", "coconut.yaml").is_file()


@pytest.mark.parametrize(
    "path",
    ["search.yaml", "qvalue.yaml", "search/astar.yaml", "search/greedy.yaml",
     "search_preset/prosqa.yaml", "search_preset/gsm8k.yaml"],
)  # fmt: skip
def test_search_configs_ship_in_the_package(path):
    assert resources.files("coconut.conf").joinpath(*path.split("/")).is_file()


@pytest.mark.parametrize("config_name", ["train", "eval", "search", "qvalue"])
def test_every_entry_point_config_is_found(config_name):
    check_configs(config_name)  # raises FileNotFoundError when missing


@pytest.mark.parametrize(
    ("module", "overrides", "expected"),
    [("coconut.search.cli", ["policy=p", "search=beam"], "name: beam"),
     ("coconut.search.qvalue_train", ["policy=p", "labels.rollouts=3"], "rollouts: 3")],
)  # fmt: skip
def test_search_entry_points_read_the_packaged_configs_from_any_directory(
    tmp_path, module, overrides, expected
):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", module, "--cfg", "job", *overrides],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert expected in done.stdout and "policy: p" in done.stdout


def test_missing_configs_name_the_package_path():
    with pytest.raises(FileNotFoundError, match=r"no nope\.yaml in package coconut\.conf") as err:
        check_configs("nope")
    assert str(Path(CONFIG_DIR) / "nope.yaml") in str(err.value)
    with pytest.raises(FileNotFoundError, match=r"pkg://coconut\.missing"):
        check_configs("train", package="coconut.missing")


@pytest.mark.parametrize(
    ("trainer", "accelerator", "precision"),
    [("default", "cpu", "32-true"), ("gpu", "gpu", "bf16-mixed")],
)
def test_eval_config_composes_the_trainer_group(trainer, accelerator, precision):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose("eval", overrides=["run_dir=x", f"trainer={trainer}"])
    assert cfg.trainer._target_ == "lightning.pytorch.Trainer"
    assert (cfg.trainer.accelerator, cfg.trainer.precision) == (accelerator, precision)
    assert cfg.trainer.logger is False and cfg.trainer.enable_checkpointing is False


def _source_copy(dest: Path) -> Path:
    """The files a build needs, copied (links kept) so the build leaves the checkout clean."""
    dest.mkdir()
    for name in ("coconut", "conf"):
        shutil.copytree(REPO / name, dest / name, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, dest / name)
    return dest


def _run(args: list, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": "", "WANDB_MODE": "offline", "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def _site_dirs() -> list[str]:
    """The site-packages folders this interpreter imports from (venv, conda or system)."""
    paths = sysconfig.get_paths()
    found = [paths["purelib"], paths["platlib"], *site.getsitepackages()]
    if site.ENABLE_USER_SITE:
        found.append(site.getusersitepackages())
    found += [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")]
    return [p for p in dict.fromkeys(found) if Path(p).is_dir()]


def _see_our_dependencies(python: Path) -> None:
    """Lets the venv of ``python`` import the dependencies installed for this interpreter.

    A ``.pth`` file lists this interpreter's site-packages folders after the venv's own, so
    the wheel installed in the venv comes first. ``--system-site-packages`` would not do:
    made from a venv's (or conda env's) Python it sees the base interpreter's packages.
    Folders listed in a ``.pth`` are added without their own ``.pth`` files, so the
    editable install of the checkout stays out.
    """
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    purelib = _run([python, "-c", code], python.parent).stdout.strip()
    assert purelib and Path(purelib).is_dir(), purelib
    Path(purelib, "outer_site_packages.pth").write_text("\n".join(_site_dirs()) + "\n")


def test_the_inner_venv_sees_this_interpreters_packages_but_not_the_checkout():
    dirs = _site_dirs()
    assert dirs and all(Path(d).is_dir() for d in dirs)
    assert str(REPO) not in dirs  # the checkout is not imported from in the wheel venv
    omegaconf = Path(__import__("omegaconf").__file__).resolve().parents[1]
    assert any(omegaconf == Path(d).resolve() for d in dirs)


@pytest.mark.slow
def test_wheel_installed_in_a_fresh_venv_trains_from_any_directory(
    tmp_path, toy_data_dir, tiny_args
):
    source = _source_copy(tmp_path / "src")
    wheels = tmp_path / "wheels"
    build = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                  "-w", wheels, source], cwd=tmp_path)  # fmt: skip
    assert build.returncode == 0, build.stderr[-3000:]
    (wheel,) = wheels.glob("coconut-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ("train.yaml", "eval.yaml", "method/coconut.yaml", "__init__.py", "search.yaml",
                 "qvalue.yaml", "search/astar.yaml", "search_preset/prosqa.yaml"):  # fmt: skip
        assert f"coconut/conf/{path}" in names

    venv = tmp_path / "venv"
    made = _run([sys.executable, "-m", "venv", venv], tmp_path)
    assert made.returncode == 0, made.stderr[-3000:]
    python = venv / "bin" / "python"
    install = _run([python, "-m", "pip", "install", "--no-deps", "--no-index", wheel], tmp_path)
    assert install.returncode == 0, install.stderr[-3000:]
    _see_our_dependencies(python)
    where = _run([python, "-c", "import coconut; print(coconut.__file__)"], tmp_path)
    assert str(venv) in where.stdout, where.stdout  # the wheel, not the editable checkout

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run_dir = elsewhere / "run"
    train = _run([venv / "bin" / "coconut-train", "debug=fast_dev_run",
                  *tiny_args(toy_data_dir, run_dir)], cwd=elsewhere)  # fmt: skip
    assert train.returncode == 0, train.stderr[-3000:]
    assert (run_dir / "results.json").is_file()
    scored = _run([venv / "bin" / "coconut-eval", f"run_dir={run_dir}", "split=val",
                   "max_new_tokens=4", "trainer=default"], cwd=elsewhere)  # fmt: skip
    assert scored.returncode == 0, scored.stderr[-3000:]
    for script, expected in (("coconut-search", "name: astar"), ("coconut-qvalue", "rollouts:")):
        shown = _run([venv / "bin" / script, "--cfg", "job", f"policy={run_dir}"], cwd=elsewhere)
        assert shown.returncode == 0 and expected in shown.stdout, shown.stderr[-3000:]

    site = Path(where.stdout.strip()).parent
    (site / "conf" / "train.yaml").unlink()  # a broken install
    broken = _run([venv / "bin" / "coconut-train", "debug=fast_dev_run"], cwd=elsewhere)
    assert broken.returncode != 0
    assert f"expected at {site / 'conf' / 'train.yaml'}" in broken.stderr


def _imported_top_level_modules(package: Path) -> set[str]:
    names: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"coconut"}


def test_every_imported_distribution_is_a_declared_dependency():
    # The wheel test above imports this interpreter's packages, so it hides a missing one;
    # `pip install -e .` on a fresh machine once failed on peft this way.
    tomllib = pytest.importorskip("tomllib")
    declared = {
        re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower()
        for spec in tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    owners = packages_distributions()
    missing = {
        module: owners.get(module)
        for module in _imported_top_level_modules(REPO / "coconut")
        if not {dist.lower() for dist in owners.get(module, [module])} & declared
    }
    assert not missing, f"imported by coconut/ but not in [project] dependencies: {missing}"
