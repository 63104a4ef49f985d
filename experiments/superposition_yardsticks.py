"""Yardsticks of experiments/superposition.md for a symbolic ProsQA file and the
``coconut-eval`` outputs scored on it.

    python experiments/superposition_yardsticks.py FILE [EVAL_JSON ...]

Prints how often the larger of the two option indices is the answer in FILE, then for
each evaluation output: its accuracy, how many answers are one of the two options, how
many pick the larger one, and how many written chains (the node tokens before ``###``)
follow real edges from the root (0 for Coconut, whose chain is latent).
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

from coconut.analysis.yardsticks import larger_option_share
from coconut.data.symbolic import parse_question


def _graph(record: dict) -> tuple[set[tuple[int, int]], list[int], int]:
    edges, options, root = parse_question(record["question"])
    return {(int(s), int(t)) for s, t in edges}, [int(o) for o in options], int(root)


def _chain(generated: str) -> list[int]:
    """The node indices written before the answer marker."""
    head = generated.replace("<|endoftext|>", " ").split("###")[0]
    return [int(token) for token in head.split() if token.isdigit()]


def _follows_edges(edges: set[tuple[int, int]], root: int, chain: list[int]) -> bool:
    walk = [root, *chain]
    return bool(chain) and all(step in edges for step in itertools.pairwise(walk))


def describe(records: list[dict], predictions: list[dict]) -> dict[str, int | float]:
    """Counts over one evaluation output's ``predictions`` on ``records``."""
    counts = {"examples": len(predictions), "correct": 0, "option": 0, "larger": 0, "edges": 0}
    for prediction in predictions:
        edges, options, root = _graph(records[prediction["index"]])
        answer = prediction["predicted"].strip()
        counts["correct"] += bool(prediction["correct"])
        if answer.isdigit() and int(answer) in options:
            counts["option"] += 1
            counts["larger"] += int(answer) == max(options)
        counts["edges"] += _follows_edges(edges, root, _chain(prediction["generated"]))
    return counts


def main(argv: list[str]) -> None:
    if not argv:
        sys.exit(__doc__)
    records = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    larger = round(larger_option_share(records) * len(records))
    print(f"{argv[0]}: {len(records)} graphs, larger option is the answer in {larger} "
          f"({100 * larger / len(records):.1f}%)")  # fmt: skip
    for path in argv[1:]:
        output = json.loads(Path(path).read_text(encoding="utf-8"))
        print(path, describe(records, output["predictions"]))


if __name__ == "__main__":
    main(sys.argv[1:])
