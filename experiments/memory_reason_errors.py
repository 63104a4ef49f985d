"""Error analysis of a memory/reason comparison run: memory vs reasoning errors, tag use.

Usage (after ``coconut-eval run_dir=<run> split=test``, which writes the predictions)::

    python experiments/memory_reason_errors.py <run>/eval/test-<sha>-stage<k>.json <split> prontoqa
    # add "form" as a 4th argument to ignore emitted tags (memory_reason_shuffled)

Prints accuracy, the shares of wrong answers with memory / reasoning errors
(:func:`coconut.analysis.error_shares`) and the tag statistics of the generations
(:func:`coconut.analysis.tag_statistics`) as JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from coconut.analysis import error_shares, tag_statistics
from coconut.data import load_examples
from coconut.data.tagging import tag_records


def main(eval_file: str, split_file: str, task: str, kinds: str = "tags") -> dict:
    """Analyses one ``coconut-eval`` output against the split it scored."""
    evaluated = json.loads(Path(eval_file).read_text())
    records = tag_records(load_examples(split_file), task)
    predictions = evaluated["predictions"]
    return {
        "acc": evaluated["acc"],
        "gen_tokens": evaluated["gen_tokens"],
        "errors": error_shares(
            task, [r["question"] for r in records], predictions, use_tags=kinds == "tags"
        ),
        "tags": tag_statistics(p["generated"] for p in predictions),
    }


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:5]), indent=2))
