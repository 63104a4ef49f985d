"""``python -m coconut.training train|eval [overrides]``: ``coconut-train`` and
``coconut-eval`` from a checkout, without the console scripts installed."""

from __future__ import annotations

import sys

from coconut.training.cli import eval_main, train_main

COMMANDS = {"train": train_main, "eval": eval_main}


def main(argv: list[str] | None = None) -> None:
    """Runs the command named by the first argument with the remaining ones."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in COMMANDS:
        sys.exit("usage: python -m coconut.training train|eval [hydra overrides]")
    sys.argv = [f"coconut-{args[0]}", *args[1:]]
    COMMANDS[args[0]]()


if __name__ == "__main__":
    main()
