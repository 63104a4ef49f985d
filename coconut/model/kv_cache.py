"""How a Hugging Face decoder takes and returns its key/value cache, across versions.

transformers 5.24 renamed the ``past_key_values`` argument and output field to ``cache``
and warns on the old name, which it drops in 5.40; earlier versions know only
``past_key_values``. Every incremental pass in coconut goes through these two helpers, so
the same code runs on both sides of the rename without a warning. The keyword is looked
up once per loop, outside the per-token passes.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any


@functools.cache
def _keyword_of(forward: Any) -> str:
    return "cache" if "cache" in inspect.signature(forward).parameters else "past_key_values"


def cache_keyword(module: Any) -> str:
    """The keyword the forward of ``module`` takes its cache by.

    A PEFT wrapper forwards ``**kwargs``, so its base model's signature decides.
    """
    if hasattr(module, "get_base_model"):
        module = module.get_base_model()
    return _keyword_of(type(module).forward)


def returned_cache(output: Any) -> Any:
    """The cache a forward pass returned, read from the field its version names."""
    fields = getattr(output, "__dataclass_fields__", {})
    return output.cache if "cache" in fields else output.past_key_values
