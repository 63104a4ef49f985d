"""Read the raw JSON output of the original ProntoQA generator into our schema.

That file is a JSON object ``{"example1": {..., "test_example": {...}}, ...}``; each
``test_example`` has ``question`` (the context), ``query`` ("True or false: ..."),
``chain_of_thought`` (a list of sentences) and ``answer``. In-context examples next to it
are ignored. The question becomes ``question + " " + query`` and the chain of thought is
joined in consecutive pairs of sentences to make the steps, as in the Coconut paper.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coconut.data.schema import DataValidationError, Problem, json_type
from coconut.data.validation import validate_examples

_TEXT_KEYS = ("question", "query", "answer")


def pair_sentences(sentences: list[str]) -> list[str]:
    """Join sentences two by two: [s0 s1, s2 s3, ...] (a lone last sentence stays alone)."""
    return [" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2)]


def _entry_problems(entry: Any) -> list[tuple[str | None, str]]:
    test = entry.get("test_example") if isinstance(entry, dict) else None
    if not isinstance(test, dict):
        return [("test_example", "missing, or not a JSON object")]
    problems: list[tuple[str | None, str]] = [
        (f"test_example.{key}", f"expected a string, got {json_type(test.get(key))}")
        for key in _TEXT_KEYS
        if not isinstance(test.get(key), str)
    ]
    chain = test.get("chain_of_thought")
    if not (isinstance(chain, list) and all(isinstance(s, str) for s in chain)):
        problems.append(("test_example.chain_of_thought", "expected a list of strings"))
    return problems


def _convert(test: dict[str, Any]) -> dict[str, Any]:
    return {
        "question": f"{test['question'].strip()} {test['query'].strip()}",
        "steps": pair_sentences([s.strip() for s in test["chain_of_thought"]]),
        "answer": test["answer"].strip(),
    }


def load_prontoqa_raw(path: str | Path) -> list[dict[str, Any]]:
    """Convert the original ProntoQA generator's output file.

    Args:
        path: the generator's JSON output.

    Returns:
        Records in our schema, in file order.

    Raises:
        DataValidationError: naming the file, the example index (and its key) and the
            field, for malformed JSON, a missing or mistyped key, or an invalid example.
    """
    source = str(path)
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise DataValidationError(
            [Problem(None, None, f"malformed JSON at line {err.lineno}: {err.msg}", source)]
        ) from err
    if not isinstance(raw, dict):
        message = f"expected a JSON object of examples, got {json_type(raw)}"
        raise DataValidationError([Problem(None, None, message, source)])
    problems = [
        Problem(index, field, f"{message} (key {key!r})", source)
        for index, (key, entry) in enumerate(raw.items())
        for field, message in _entry_problems(entry)
    ]
    if problems:
        raise DataValidationError(problems)
    records = [_convert(entry["test_example"]) for entry in raw.values()]
    if problems := validate_examples(records, source=source):
        raise DataValidationError(problems)
    return records
