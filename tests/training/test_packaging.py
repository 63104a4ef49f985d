"""The configs ship with the package: ``pkg://coconut.conf``, wheels and broken installs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from importlib import resources
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

from coconut.training.hydra_app import CONFIG_DIR, CONFIG_PATH, check_configs

REPO = Path(__file__).resolve().parents[2]


def test_packaged_configs_are_the_top_level_conf():
    assert CONFIG_PATH == "pkg://coconut.conf"
    assert Path(CONFIG_DIR).resolve() == (REPO / "conf").resolve()
    assert resources.files("coconut.conf").joinpath("train.yaml").is_file()
    assert resources.files("coconut.conf").joinpath("method", "coconut.yaml").is_file()


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
    for path in ("coconut/conf/train.yaml", "coconut/conf/eval.yaml",
                 "coconut/conf/method/coconut.yaml", "coconut/conf/__init__.py"):  # fmt: skip
        assert path in names

    venv = tmp_path / "venv"
    assert (
        _run([sys.executable, "-m", "venv", "--system-site-packages", venv], tmp_path).returncode
        == 0
    )
    python = venv / "bin" / "python"
    install = _run([python, "-m", "pip", "install", "--no-deps", "--no-index", wheel], tmp_path)
    assert install.returncode == 0, install.stderr[-3000:]
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

    site = Path(where.stdout.strip()).parent
    (site / "conf" / "train.yaml").unlink()  # a broken install
    broken = _run([venv / "bin" / "coconut-train", "debug=fast_dev_run"], cwd=elsewhere)
    assert broken.returncode != 0
    assert f"expected at {site / 'conf' / 'train.yaml'}" in broken.stderr
