"""The method registry: methods by name, finding them, and building one from the config.

``@register`` adds a :class:`~coconut.methods.base.Method` subclass under its ``name``.
:func:`discover_methods` imports the modules that hold methods, so that their
``@register`` runs: every module of the ``coconut.methods`` package (a new file there
needs no other edit) and every module named in the entry-point group ``coconut.methods``
of an installed distribution (a method kept outside this repository, e.g.
``[project.entry-points."coconut.methods"] mine = "my_pkg.mine"`` in its
``pyproject.toml``). A name not registered yet is looked up once more after discovering
again, so a distribution put on ``sys.path`` after the import is found too.
:func:`build_method` turns the Hydra ``method`` node into an instance: the fields the
method declares are passed to it (and checked there); a field that another registered
method declares is checked and ignored, with a log line when it is set away from its
default, so that one preset can be swept over ``method=cot,coconut``; a field that no
registered method declares is a typo and is refused with its name.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import pkgutil
from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any

from coconut.methods.base import Method
from coconut.methods.validated_fields import check_field

log = logging.getLogger(__name__)

_REGISTRY: dict[str, type[Method]] = {}

PACKAGE = "coconut.methods"
"""The package whose every module is imported to register the built-in methods."""

ENTRY_POINT_GROUP = "coconut.methods"
"""The entry-point group naming the modules of methods kept in other distributions."""


def register(cls: type[Method]) -> type[Method]:
    """Class decorator: registers ``cls`` under ``cls.name``.

    Raises:
        TypeError: if ``cls`` is not a dataclass subclass of ``Method`` with its own name.
        ValueError: if another class already holds the name.
    """
    name = cls.__dict__.get("name")
    if not (isinstance(cls, type) and issubclass(cls, Method)) or not dataclasses.is_dataclass(cls):
        raise TypeError(f"register: {cls!r} is not a dataclass subclass of Method")
    if not isinstance(name, str) or not name:
        raise TypeError(f"register: {cls.__name__} must set the class attribute name")
    holder = _REGISTRY.get(name)
    if holder is not None and holder.__qualname__ != cls.__qualname__:
        raise ValueError(f"method {name!r} is already registered by {holder.__qualname__}")
    _REGISTRY[name] = cls
    return cls


def discover_methods() -> None:
    """Imports every module of :data:`PACKAGE` and of the :data:`ENTRY_POINT_GROUP` entry
    points (modules already imported are left as they are).

    Raises:
        ImportError: naming the entry point whose module fails to import.
    """
    package = importlib.import_module(PACKAGE)
    for module in pkgutil.iter_modules(package.__path__, f"{PACKAGE}."):
        importlib.import_module(module.name)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            entry.load()
        except ImportError as err:
            raise ImportError(
                f"method entry point {entry.name} = {entry.value!r} ({ENTRY_POINT_GROUP}): {err}"
            ) from err


def method_names() -> tuple[str, ...]:
    """Names of every registered method, in registration order."""
    return tuple(_REGISTRY)


def get_method_class(name: str) -> type[Method]:
    """The method class registered as ``name`` (discovering methods again if unknown).

    Raises:
        ValueError: for an unknown name, listing the registered ones.
    """
    if name not in _REGISTRY:
        discover_methods()
    if name not in _REGISTRY:
        raise ValueError(f"method name: unknown method {name!r}; expected one of {method_names()}")
    return _REGISTRY[name]


def table1_methods() -> tuple[str, ...]:
    """The registered methods of the paper's Table 1, in its row order
    (:attr:`Method.table1_row <coconut.methods.base.Method.table1_row>`)."""
    rows = {name: cls.table1_row for name, cls in _REGISTRY.items() if cls.table1_row is not None}
    return tuple(sorted(rows, key=rows.__getitem__))


def row_name(name: str) -> str:
    """The display name of method ``name`` in tables and plots (``name`` itself for a
    method this registry does not hold, e.g. one of an older run)."""
    cls = _REGISTRY.get(name)
    if cls is None:
        return name
    return cls.display_name or cls.name


def declared_fields() -> dict[str, dataclasses.Field]:
    """Every config field some registered method declares (the first declaration wins)."""
    found: dict[str, dataclasses.Field] = {}
    for cls in _REGISTRY.values():
        for f in dataclasses.fields(cls):
            found.setdefault(f.name, f)
    return found


def build_method(config: Mapping[str, Any] | None = None, /, **overrides: Any) -> Method:
    """The method a config names, with its fields.

    Args:
        config: the ``method`` config node as a mapping (``name`` plus fields).
        **overrides: more fields (``build_method(name="cot")`` works too).

    Raises:
        ValueError: ``method <field>: ...`` for an unknown method, a field no registered
            method declares, or a bad value.
    """
    values = {**(config or {}), **overrides}
    if "name" not in values:
        raise ValueError(f"method name: missing; expected one of {method_names()}")
    cls = get_method_class(values.pop("name"))
    own = {f.name for f in dataclasses.fields(cls)}
    known = declared_fields()
    for key in values:
        if key not in own and key not in known:
            raise ValueError(
                f"method: unknown field {key!r} (a typo?): no method reads it; "
                f"{cls.name} reads {sorted(own)}"
            )
    for key, value in values.items():
        if key not in own:
            check_field(known[key], value)
    ignored = ignored_fields({"name": cls.name, **values})
    if ignored:
        log.info("method %s ignores the settings %s", cls.name, ", ".join(ignored))
    return cls(**{key: value for key, value in values.items() if key in own})


def ignored_fields(config: Mapping[str, Any]) -> tuple[str, ...]:
    """Fields of ``config`` set away from their default that its method does not read."""
    cls = get_method_class(config["name"])
    own = {f.name for f in dataclasses.fields(cls)}
    known = declared_fields()
    return tuple(
        key
        for key, value in config.items()
        if key != "name" and key not in own and key in known and value != _default(known[key])
    )


def _default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING
