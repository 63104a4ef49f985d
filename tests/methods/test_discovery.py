"""Methods are discovered: a module of ``coconut.methods`` or of an entry point, no list.

A new method is one ``@register`` module plus one ``method/<name>.yaml``: either a file in
``coconut/methods/`` (imported with every other module of the package) or, kept outside
this repository, a module named in the entry-point group ``coconut.methods`` of an
installed distribution, with its YAML in a config dir added with ``--config-dir``
(``hydra.searchpath``). The last test trains such a method one step through
:func:`coconut.training.train.train`, editing no file of the repository.
"""

from __future__ import annotations

import pkgutil
import sys
import textwrap
from pathlib import Path

import pytest

import coconut.methods
from coconut.methods import TABLE1_METHODS, get_method_class, method_names, registry, row_name

ECHO = textwrap.dedent(
    '''
    """``{name}``: the question {repeats} times, then every step and the answer."""

    from dataclasses import dataclass
    from typing import ClassVar

    from coconut.methods import validated_fields as fields
    from coconut.methods.base import Layout, Method
    from coconut.methods.registry import register
    from coconut.methods.step_curriculum import flat


    @register
    @dataclass(frozen=True, kw_only=True)
    class Echo(Method):
        name: ClassVar[str] = "{name}"
        display_name: ClassVar[str] = "Echo"
        repeats: int = fields.integer({repeats}, minimum=1)

        def layout(self, ex, stage, ids):
            return Layout(list(ex.question) * self.repeats, flat(ex.steps) + ex.answer, 0)
    '''
)


@pytest.fixture
def fresh_registry(monkeypatch):
    """The registry as it is now, restored after the test, and the modules it imports
    forgotten again."""
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith(("echo_plugin", "coconut.methods.")):
            del sys.modules[name]


def test_every_module_of_the_package_is_imported():
    modules = {m.name for m in pkgutil.iter_modules(coconut.methods.__path__)}
    assert {"coconut", "cot", "memory_latent", "registry"} <= modules
    assert all(f"coconut.methods.{name}" in sys.modules for name in modules)
    owners = {get_method_class(name).__module__ for name in method_names()}
    assert owners <= {f"coconut.methods.{name}" for name in modules}


def test_table1_comes_from_the_methods_in_the_papers_row_order():
    assert TABLE1_METHODS == (
        "cot", "no_cot", "icot", "pause_token", "coconut", "no_curriculum", "no_thought",
        "pause_as_thought",
    )  # fmt: skip
    rows = [get_method_class(name).table1_row for name in TABLE1_METHODS]
    assert rows == list(range(8))
    assert [row_name(name) for name in ("cot", "coconut", "no_thought")] == [
        "CoT", "Coconut", "- w/o thought"
    ]  # fmt: skip
    assert row_name("memory_reason") == "memory_reason"  # registered, not in Table 1
    assert row_name("gone") == "gone"  # a method of an older run


def test_a_module_added_to_the_package_is_found_by_name(tmp_path, monkeypatch, fresh_registry):
    (tmp_path / "echo_dropped.py").write_text(ECHO.format(name="echo_dropped", repeats=2))
    monkeypatch.setattr(coconut.methods, "__path__", [*coconut.methods.__path__, str(tmp_path)])
    assert "echo_dropped" not in method_names()
    method = registry.build_method(name="echo_dropped")  # looked up again after a miss
    assert method.repeats == 2 and row_name("echo_dropped") == "Echo"
    assert type(method).__module__ == "coconut.methods.echo_dropped"


def _install_plugin(root: Path) -> Path:
    """A distribution ``echo-plugin`` in ``root/site`` whose entry point names the module
    of the method ``echo``, and its ``method/echo.yaml`` in ``root/conf``."""
    site = root / "site"
    package = site / "echo_plugin"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "echo.py").write_text(ECHO.format(name="echo", repeats=1))
    dist = site / "echo_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: echo-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[coconut.methods]\necho = echo_plugin.echo\n")
    conf = root / "conf" / "method"
    conf.mkdir(parents=True)
    # the coconut fields too, so that the experiment's method.* settings still apply
    (conf / "echo.yaml").write_text("defaults:\n  - coconut\n  - _self_\nname: echo\nrepeats: 2\n")
    return site


def test_a_plugin_method_trains_one_step(
    tmp_path, monkeypatch, fresh_registry, compose_cfg, symbolic_args
):
    from coconut.training.train import train

    site = _install_plugin(tmp_path / "plugin")
    monkeypatch.syspath_prepend(str(site))
    searchpath = f"hydra.searchpath=[file://{tmp_path / 'plugin' / 'conf'}]"
    cfg = compose_cfg(
        symbolic_args(tmp_path, (16, 4, 4), "method=echo", searchpath, "debug=fast_dev_run")
    )
    assert cfg.method.name == "echo" and cfg.method.repeats == 2
    results = train(cfg)
    assert results["method"] == "echo" and results["global_step"] == 1
    assert get_method_class("echo").__module__ == "echo_plugin.echo"
