"""How far ahead a ProsQA chain must look: the exact accuracy of k-hop lookahead walkers.

A chain-of-thought model answers ProsQA by walking the graph from the question's entity,
one edge per step, and naming the option it reaches. At each node it must pick a child
without seeing the whole search. This script computes, exactly, the answer accuracy of an
idealised walker that sees k hops ahead:

- it only follows real edges (it never invents a fact);
- if the target is a child, it steps there;
- otherwise it steps, uniformly at random, to a child from which the target can be
  reached within k more hops, or to any child when none can;
- at a dead end it guesses one of the two options (half right).

k = 0 is a walker that recognises the target only when it is adjacent; large k is a full
search. Comparing a trained model's accuracy with this table says how much lookahead its
chains behave as if they had. Run it on any ProsQA files:

    python -m coconut.analysis.lookahead data/prosqa_small/test.json \
        ../shared/data/prosqa/valid.json
"""

from __future__ import annotations

import argparse
from functools import cache
from pathlib import Path

from coconut.data.io import read_records
from coconut.data.schema import DataValidationError, Problem, has_graph_fields
from coconut.data.validation import validate_examples


def children_of(record: dict) -> dict[int, list[int]]:
    """Adjacency lists of a ProsQA record's graph (``edges`` are parent, child pairs)."""
    children: dict[int, list[int]] = {i: [] for i in range(len(record["idx_to_symbol"]))}
    for parent, child in record["edges"]:
        children[parent].append(child)
    return children


def walker_accuracy(record: dict, lookahead: int) -> float:
    """Probability that the k-hop walker of the module docstring answers ``record`` right."""
    children = children_of(record)
    target = record["target"]

    @cache
    def reaches(node: int, hops: int) -> bool:
        if node == target:
            return True
        return hops > 0 and any(reaches(child, hops - 1) for child in children[node])

    @cache
    def success(node: int) -> float:
        kids = children[node]
        if not kids:
            return 0.5
        if target in kids:
            return 1.0
        promising = [child for child in kids if reaches(child, lookahead)]
        options = promising or kids
        return sum(success(child) for child in options) / len(options)

    return success(record["root"])


def lookahead_table(records: list[dict], max_lookahead: int) -> list[float]:
    """Mean walker accuracy over ``records`` for k = 0 .. ``max_lookahead``."""
    return [
        sum(walker_accuracy(record, k) for record in records) / len(records)
        for k in range(max_lookahead + 1)
    ]


def load_graphs(path: Path) -> list[dict]:
    """Read a ProsQA file whose every record is valid and carries its graph.

    Raises:
        DataValidationError: naming the file, index and field of every problem, including
            records without the graph fields (``edges``, ``root``, ...).
    """
    records = read_records(path)
    problems = validate_examples(records, source=str(path))
    problems += [
        Problem(index, "edges", "no ProsQA graph fields: the walker needs the graph", str(path))
        for index, record in enumerate(records)
        if isinstance(record, dict) and not has_graph_fields(record)
    ]
    if problems or not records:
        raise DataValidationError(problems or [Problem(None, None, "no examples", str(path))])
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="ProsQA JSON files")
    parser.add_argument("--max-lookahead", type=int, default=5)
    args = parser.parse_args()
    ks = range(args.max_lookahead + 1)
    print("| file | examples | " + " | ".join(f"k={k}" for k in ks) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in ks) + " |")
    for path in args.files:
        records = load_graphs(path)
        table = lookahead_table(records, args.max_lookahead)
        cells = " | ".join(f"{acc:.1%}" for acc in table)
        print(f"| `{path}` | {len(records)} | {cells} |")


if __name__ == "__main__":
    main()
