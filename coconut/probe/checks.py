"""What ``coconut-probe`` refuses before probing: a file of another task than the run's,
and forced thoughts on a run that never trained with continuous thoughts.

Both need the run's ``config.yaml``; a ``save_pretrained`` directory without a run says
neither its task nor its method, and is probed as given. Forcing ``k`` thoughts into a
model that never learned to read them (``cot``, ``no_cot``, ``icot``, ...) measures
something other than its thoughts, so it needs ``--allow-untrained-thoughts``; the
superposition probes' ``cot`` mode reads a CoT run's language steps and is not concerned.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from coconut.data.tasks import check_task, data_task
from coconut.methods.registry import get_method_class, method_names

log = logging.getLogger(__name__)

ALLOW_FLAG = "--allow-untrained-thoughts"


class UntrainedThoughtsError(ValueError):
    """Forced thoughts asked of a run whose method never used continuous thoughts."""


def check_data_task(
    run_config: Mapping[str, Any] | None,
    records: Sequence[Mapping[str, Any]],
    data: str,
    model: str,
) -> None:
    """Refuses ``records`` (the file ``data``) when the run learned another task.

    Raises:
        TaskMismatchError: naming the file's task and the run's.
    """
    run_data = (run_config or {}).get("data")
    if not isinstance(run_data, Mapping):
        return
    owner = f"the run {model} (data {run_data.get('name')})"
    check_task(records, f"--data {data}", data_task(run_data), owner)


def run_method(run_config: Mapping[str, Any] | None) -> str | None:
    """The run's method name, if the model came with a run config."""
    method = (run_config or {}).get("method")
    return method.get("name") if isinstance(method, Mapping) else None


def check_thoughts(run_config: Mapping[str, Any] | None, max_k: int, allow: bool) -> None:
    """Refuses ``max_k > 0`` forced thoughts on a run trained without them, unless ``allow``
    (then it warns).

    Raises:
        UntrainedThoughtsError: naming the method and the flag.
    """
    name = run_method(run_config)
    if max_k == 0 or name is None or name not in method_names():
        return
    if get_method_class(name).uses_latents:
        return
    message = (
        f"--max-k {max_k}: the run was trained with method={name}, which never uses "
        "continuous thoughts, so forced thoughts say nothing about what it learned"
    )
    if not allow:
        raise UntrainedThoughtsError(
            f"{message}; pass --max-k 0, or {ALLOW_FLAG} to probe them anyway"
        )
    log.warning("%s (probing anyway: %s)", message, ALLOW_FLAG)
