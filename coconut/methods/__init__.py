"""Training methods as registered objects: one module per method, one class per module.

A method declares the config fields it reads (with their checks), its stages and the
stage of each epoch, optional stage mixing, its layout of an example at a stage, whether
it needs latent feedback and the extra tokens it needs. :func:`build_method` makes one
from the Hydra ``method`` node. Adding a method is one module here (a ``@register``
dataclass) plus one ``conf/method/<name>.yaml``.

Importing this package imports every built-in method, so the registry is complete.
"""

from coconut.methods import (  # noqa: F401  (imported to register the built-in methods)
    coconut,
    cot,
    icot,
    no_cot,
    no_curriculum,
    no_thought,
    pause_as_thought,
    pause_token,
)
from coconut.methods.base import Layout, Method
from coconut.methods.registry import (
    build_method,
    declared_fields,
    get_method_class,
    ignored_fields,
    method_names,
    register,
)
from coconut.model.tokens import TokenIds

TABLE1_METHODS: tuple[str, ...] = (
    "cot",
    "no_cot",
    "coconut",
    "icot",
    "pause_token",
    "pause_as_thought",
    "no_curriculum",
    "no_thought",
)
"""The methods of the paper's Table 1 (the registry may hold more)."""

__all__ = [
    "TABLE1_METHODS",
    "Layout",
    "Method",
    "TokenIds",
    "build_method",
    "declared_fields",
    "get_method_class",
    "ignored_fields",
    "method_names",
    "register",
]
