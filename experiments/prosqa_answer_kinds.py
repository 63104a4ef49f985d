"""Which option a ProsQA run's answers name, and whether its chains follow the graph.

Reads an evaluation file of ``coconut-eval`` (or the ``predictions`` of any results file
with ``index``, ``predicted`` and ``generated``) and the ProsQA file it scored, and prints
three lines:

- the shares of answers naming the target, the other option, neither, a wrong entity;
  chance on ProsQA is 50% only for a model that always names one of the two options;
- the paper's six output classes (Correct Path, Longer Path, Hallucination, Wrong Target,
  Correct Label, Incorrect Label; :mod:`coconut.probe.classify`);
- the share of written steps that are real edges of the question's graph;
- per step position (first written step, second, ...): the share of real edges and of
  self-loops ("Every X is a X."), the shortcut a model takes when it cannot read an edge.

    python experiments/prosqa_answer_kinds.py <eval.json> <prosqa split.json> [--thoughts K]

``--thoughts K``: continuous thoughts before each output (a Coconut run's latents at the
evaluated stage); a chain may then start up to K hops from the entity (default 0: at it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from pathlib import Path

from coconut.data.graph import ReasoningGraph
from coconut.data.prosqa_text import parse_fact
from coconut.probe.classify import classify_output, parse_step, split_output


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


def output_classes(predictions: list[dict], records: list[dict], thoughts: int = 0) -> Counter:
    """Counts of the paper's six classes over the generated outputs."""
    classes: Counter = Counter()
    for prediction in predictions:
        record = records[prediction["index"]]
        graph = ReasoningGraph.from_record(record, index=prediction["index"])
        output = classify_output(prediction["generated"], graph, record["answer"], k=thoughts)
        classes[output.category] += 1
    return classes


def step_kinds(predictions: list[dict], records: list[dict]) -> list[Counter]:
    """Per step position, counts of ``real edge``, ``self-loop``, ``other`` and ``unparsed``."""
    positions: list[Counter] = []
    for prediction in predictions:
        record = records[prediction["index"]]
        edges = {tuple(edge) for edge in record["edges"]}
        index = {name: i for i, name in enumerate(record["idx_to_symbol"])}
        for position, step in enumerate(split_output(prediction["generated"])[0]):
            if position == len(positions):
                positions.append(Counter())
            parsed = parse_step(step)
            if parsed is None:
                kind = "unparsed"
            elif parsed[0] == parsed[1]:
                kind = "self-loop"
            elif (index.get(parsed[0]), index.get(parsed[1])) in edges:
                kind = "real edge"
            else:
                kind = "other"
            positions[position][kind] += 1
    return positions


def real_edge_share(positions: list[Counter]) -> tuple[int, float]:
    """How many steps :func:`step_kinds` counted, and the share that are real edges."""
    total = sum(positions, Counter())
    written = sum(total.values())
    return written, total["real edge"] / written if written else 0.0


def _check_same_file(evaluation: dict, data_file: Path, data: bytes) -> None:
    """Refuses a data file other than the one the evaluation scored (by its SHA-256)."""
    expected = evaluation.get("sha256")
    if expected is not None and hashlib.sha256(data).hexdigest() != expected:
        raise SystemExit(
            f"{data_file} is not the file this evaluation scored "
            f"({evaluation.get('file')}, sha256 {expected[:12]}...)"
        )


def _shares(counts: Counter) -> str:
    total = sum(counts.values())
    return ", ".join(f"{kind} {count / total:.1%}" for kind, count in counts.most_common())


def main() -> None:
    """Prints the shares of each kind of answer."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("eval_file", type=Path)
    parser.add_argument("data_file", type=Path)
    parser.add_argument("--thoughts", type=int, default=0, help="thoughts before each output")
    args = parser.parse_args()
    evaluation = json.loads(args.eval_file.read_text())
    data = args.data_file.read_bytes()
    _check_same_file(evaluation, args.data_file, data)
    predictions, records = evaluation["predictions"], json.loads(data)
    print("answers:", _shares(answer_kinds(predictions, records)))
    print("outputs:", _shares(output_classes(predictions, records, args.thoughts)))
    positions = step_kinds(predictions, records)
    written, share = real_edge_share(positions)
    print(f"steps: {written} written, {share:.1%} real edges of the graph")
    for position, kinds in enumerate(positions, start=1):
        print(f"  step {position} ({sum(kinds.values())} written): {_shares(kinds)}")


if __name__ == "__main__":
    main()
