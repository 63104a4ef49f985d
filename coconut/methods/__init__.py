"""Training methods as registered objects: one module per method, one class per module.

A method declares the config fields it reads (with their checks), its stages and the
stage of each epoch, optional stage mixing, its layout of an example at a stage, whether
it needs latent feedback, the extra tokens it needs, and its name and row in tables.
:func:`build_method` makes one from the Hydra ``method`` node.

Adding a method is one module here (a ``@register`` dataclass) plus one
``conf/method/<name>.yaml``: importing this package imports every module in it
(:func:`~coconut.methods.registry.discover_methods`), so the registry is complete. A
method kept in another distribution names its module in the entry-point group
``coconut.methods`` and its YAML lives in a config dir added with ``--config-dir``.

:data:`TABLE1_METHODS`, the paper's Table 1 in row order, is derived from the methods'
``table1_row``. Importing this package does not import PyTorch (``coconut.compare`` reads
the method names without it); the token ids a layout uses are
:class:`coconut.model.tokens.TokenIds`.
"""

from coconut.methods.base import Layout, Method
from coconut.methods.registry import (
    build_method,
    declared_fields,
    discover_methods,
    get_method_class,
    ignored_fields,
    method_names,
    register,
    row_name,
    table1_methods,
)

discover_methods()

TABLE1_METHODS: tuple[str, ...] = table1_methods()
"""The methods of the paper's Table 1 in its row order (the registry may hold more)."""

MEMORY_REASON_METHODS: tuple[str, ...] = (
    "memory_reason",
    "memory_reason_shuffled",
    "memory_reason_untyped",
    "planning_tokens",
    "memory_latent",
)
"""The memory/reason methods (arXiv 2411.13504), their ablations and baseline, and the
memory_latent hybrid."""


__all__ = [
    "MEMORY_REASON_METHODS",
    "TABLE1_METHODS",
    "Layout",
    "Method",
    "build_method",
    "declared_fields",
    "discover_methods",
    "get_method_class",
    "ignored_fields",
    "method_names",
    "register",
    "row_name",
    "table1_methods",
]
