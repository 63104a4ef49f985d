"""The modules of coconut/model import each other without a circle; the façade is on top.

Every import counts, lazy ones inside functions and ``TYPE_CHECKING`` ones included,
since a lazy import back into the façade is how a circle hides.
"""

from __future__ import annotations

import ast
from pathlib import Path

import coconut.model

PACKAGE = "coconut.model"
ROOT = Path(coconut.model.__file__).parent


def _module_name(path: Path) -> str:
    return PACKAGE if path.stem == "__init__" else f"{PACKAGE}.{path.stem}"


def _resolve(node: ast.ImportFrom, current: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    parts = current.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _targets(path: Path, modules: set[str]) -> set[str]:
    """The modules of the package that ``path`` imports (``from pkg import sub`` is ``sub``)."""
    current, found = _module_name(path), set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(node, current, path.stem == "__init__")
            names = [f"{source}.{alias.name}" for alias in node.names]
            if not all(name in modules for name in names):
                names.append(source)  # a name from the package (or module) itself
        else:
            continue
        found |= {name for name in names if name in modules}
    return found - {current}


def import_graph() -> dict[str, set[str]]:
    """``module -> modules of coconut.model it imports``, for coconut/model/*.py."""
    paths = sorted(ROOT.glob("*.py"))
    modules = {_module_name(path) for path in paths}
    return {_module_name(path): _targets(path, modules) for path in paths}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules, or ``None``."""
    state: dict[str, int] = {}  # 1: on the stack, 2: finished

    def visit(node: str, stack: list[str]) -> list[str] | None:
        state[node] = 1
        for child in sorted(graph[node]):
            if state.get(child) == 1:
                return [*stack[stack.index(child) :], child]
            if child not in state and (cycle := visit(child, [*stack, child])):
                return cycle
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start, [start])):
            return cycle
    return None


def test_the_graph_sees_the_package_modules():
    graph = import_graph()
    assert f"{PACKAGE}.coconut" in graph[PACKAGE]
    assert f"{PACKAGE}.backbone" in graph[f"{PACKAGE}.decode"]


def test_no_import_cycle_in_coconut_model():
    assert find_cycle(import_graph()) is None


def test_only_the_package_init_imports_the_facade():
    graph = import_graph()
    facade = f"{PACKAGE}.coconut"
    assert {name for name, targets in graph.items() if facade in targets} == {PACKAGE}
    for name in ("backbone", "decode", "generation", "interleaved", "serialization"):
        assert not graph[f"{PACKAGE}.{name}"] & {facade, PACKAGE}, name


def test_a_circle_would_be_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
