"""A training run stopped by SIGTERM or Ctrl-C: resumable, and exit status 143 or 130, never 0.

Lightning catches both signals inside ``Trainer.fit``, ``validate`` and ``test``. SIGTERM
(a scheduler's preemption, ``timeout``) stops the loop at the next batch boundary with
``SIGTERMException``, a ``SystemExit`` without a status, so the process used to exit 0 with
no ``results.json``; Ctrl-C ends in ``sys.exit(1)``. :func:`reporting_stops` turns both into
:class:`coconut.console.Interrupted`, which the console scripts report with exit status 143
or 130. Outside Lightning's loops the CLI's SIGTERM handler
(:func:`coconut.console.raise_on_sigterm`) raises it directly. Either way the run keeps its
last checkpoint, so repeating the command resumes it.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from lightning.pytorch.utilities.exceptions import SIGTERMException

from coconut.console import Interrupted

RESUME_HINT = "the run did not finish; repeat the same command to resume it"


def stop_signal(trainer: Any, err: SystemExit) -> int | None:
    """The signal behind a ``SystemExit`` out of a Lightning call, or ``None``."""
    if isinstance(err, SIGTERMException) or getattr(trainer, "received_sigterm", False):
        return signal.SIGTERM
    if isinstance(err.__context__, KeyboardInterrupt):
        return signal.SIGINT  # Lightning's graceful Ctrl-C ends in sys.exit(1)
    return None


EVAL_HINT = "the evaluation did not finish and wrote nothing; repeat the same command"


@contextmanager
def reporting_stops(trainer: Any, hint: str = RESUME_HINT) -> Iterator[None]:
    """Raises :class:`Interrupted` (with ``hint``) for a stop by a signal."""
    try:
        yield
    except SystemExit as err:
        signum = stop_signal(trainer, err)
        if signum is None:
            raise
        raise Interrupted(signum, hint) from None
    except KeyboardInterrupt:
        raise Interrupted(signal.SIGINT, hint) from None
