"""The import layers of the package, read from the source (no import is executed).

Each top-level part of ``coconut`` has a layer; a module may import only from its own
part or from parts of a lower layer, whether the import sits at the top of the module,
inside a function or under ``TYPE_CHECKING``. No set of modules imports itself in a
circle, lazily or not.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import coconut

PACKAGE = Path(coconut.__file__).parent
LAYERS = {
    "atomic": 0, "console": 0, "logfile": 0, "outputs": 0, "trust": 0,
    "rundir": 1, "plotting": 1, "model": 1, "data": 1,
    "methods": 2, "bench_checks": 2, "hydra_app": 2,
    "curriculum": 3, "analysis": 3,
    "tokenizers": 4,
    "probe": 5,
    "training": 6,
    "search": 7, "compare": 7, "bench": 7,
}  # fmt: skip


def _modules() -> dict[str, Path]:
    """Dotted name of every module of the package, ``__init__`` as its package."""
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def _imports(path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """The package modules ``path`` imports, anywhere in its code."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in modules:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                yield full if full in modules else node.module


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: set(_imports(path, modules)) - {name} for name, path in modules.items()}


def _part(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def test_every_part_has_a_layer():
    parts = {_part(m) for m in _modules()} - {""}
    assert parts == set(LAYERS)


def test_no_module_imports_from_a_part_above_or_beside_its_own():
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in _graph().items()
        for target in targets
        if _part(module) and _part(target) and _part(target) != _part(module)
        and LAYERS[_part(target)] >= LAYERS[_part(module)]
    )  # fmt: skip
    assert wrong == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected sets of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                members = stack[stack.index(node) :]
                del stack[stack.index(node) :]
                if len(members) > 1:
                    found.append(sorted(members))
    return found


def test_the_cycle_finder_finds_a_known_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_modules_import_each_other_in_a_circle():
    assert _cycles(_graph()) == []


def _contributing_layers() -> dict[str, int]:
    """The parts and layers of CONTRIBUTING.md's layer table."""
    text = (PACKAGE.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].isdigit():
            for part in re.findall(r"`([a-z_]+)`", cells[1]):
                table[part] = int(cells[0])
    return table


def test_contributing_lists_every_layer_this_test_checks():
    assert _contributing_layers() == LAYERS
