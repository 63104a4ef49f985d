"""Which option a ProsQA run's answers name: the target, the other option, or neither.

Reads an evaluation file of ``coconut-eval`` (or the ``predictions`` of any results file
with ``index`` and ``predicted``) and the ProsQA file it scored, and prints the shares.
Chance on ProsQA is 50% only for a model that always names one of the two options.

    python experiments/prosqa_answer_kinds.py <eval.json> <prosqa split.json>
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from coconut.data.prosqa_text import parse_fact


def answer_kinds(predictions: list[dict], records: list[dict]) -> Counter:
    """Counts of ``target``, ``other option``, ``wrong entity``, ``neither`` and ``unparsed``."""
    kinds: Counter = Counter()
    for prediction in predictions:
        record = records[prediction["index"]]
        parsed = parse_fact(prediction["predicted"])
        symbols = record["idx_to_symbol"]
        if parsed is None:
            kinds["unparsed"] += 1
        elif parsed[0] != symbols[record["root"]]:
            kinds["wrong entity"] += 1
        elif parsed[1] == symbols[record["target"]]:
            kinds["target"] += 1
        elif parsed[1] == symbols[record["neg_target"]]:
            kinds["other option"] += 1
        else:
            kinds["neither option"] += 1
    return kinds


def main() -> None:
    """Prints the shares of each kind of answer."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("eval_file", type=Path)
    parser.add_argument("data_file", type=Path)
    args = parser.parse_args()
    predictions = json.loads(args.eval_file.read_text())["predictions"]
    records = json.loads(args.data_file.read_text())
    kinds = answer_kinds(predictions, records)
    total = sum(kinds.values())
    print(", ".join(f"{kind} {count / total:.1%}" for kind, count in kinds.most_common()))


if __name__ == "__main__":
    main()
