"""The memory/reason annotated sets of arXiv 2411.13504 (StrategyQA, TruthfulQA, CommonsenseQA).

The published files are JSON lists of ``{question, answer, cot_steps, split}``; every step
starts with a tag, ``[rag]:`` (a recalled fact) or ``[reason]:`` (an inference). They
become examples of our schema, ``{question, steps, answer, step_kinds}``, with the tag
removed from the step text and its kind (``"memory"`` or ``"reason"``) in ``step_kinds``.

Tag rules, applied to the start of each step (case-insensitive):

1. ``[rag]:``, ``[memory]:`` -> memory; ``[reason]:`` -> reason (spaces before the colon
   are allowed).
2. Compound tags, known tags joined by ``and`` before one colon (``[reason] and [rag]:``,
   two steps of ``strategyqa_test.json``): the *last* tag, the one that introduces the
   text, gives the kind. Every such step is logged.
3. Anything else (no tag, ``[reason] and ...`` without a colon, a truncated
   ``[factual kno...``) is an error naming the file, example and step, unless a
   ``fallback`` kind is given: the step then keeps its whole text, gets that kind and is
   logged by example and step.
4. A tag with no text after it (``[rag]: ``; 71 steps of ``strategyqa_train.json``, some
   examples having nothing else) holds no step: it is left out and logged by example and
   step, or, with ``empty_steps="error"``, reported as an error.

No other step is ever left out.

Answers are normalised: ``True``/``False`` (also ``true``, ``yes``, ``no``) and option
letters (``A``..``J``, also ``(b)``, ``c.``); a letter must be one of the options written
in the question (``A. ...`` / ``A.text``).
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import datasets
from datasets import Dataset

from coconut.data.io import cached_dataset, read_records
from coconut.data.schema import (
    ANSWER,
    KINDS,
    QUESTION,
    STEP_KINDS,
    STEPS,
    DataValidationError,
    Problem,
    features_for,
    json_type,
)
from coconut.data.validation import validate_examples

log = logging.getLogger(__name__)

TAG_KINDS: dict[str, str] = {"rag": "memory", "memory": "memory", "reason": "reason"}
"""Tag name -> step kind."""
SETS = ("strategyqa", "truthfulqa", "commonsenseqa")
BOOLEAN_SETS = frozenset({"strategyqa"})
LETTERS = "ABCDEFGHIJ"
_TAG = r"\[\s*(rag|memory|reason)\s*\]"
_TAGGED = re.compile(rf"^\s*(?P<tags>{_TAG}(?:\s*and\s*{_TAG})*)\s*:\s*", re.IGNORECASE)
_TAG_NAME = re.compile(_TAG, re.IGNORECASE)
_BOOL = {"true": "True", "yes": "True", "false": "False", "no": "False"}
_LETTER = re.compile(r"^\(?([A-Za-z])\)?[.:]?$")

Found = list[tuple[str | None, str]]


class TagError(ValueError):
    """A step carries no recognisable tag and no fallback kind is configured."""


def parse_tagged_step(step: str, fallback: str | None = None) -> tuple[str, str, str]:
    """Splits one published step into ``(text, kind, rule)``.

    Args:
        step: the step as published, e.g. ``"[rag]: Paris is in France."``.
        fallback: kind given to a step without a recognisable tag (None: raise).

    Returns:
        The text without its tag, its kind and the rule applied: ``"tag"``,
        ``"compound"`` (last of several tags) or ``"fallback"``.

    Raises:
        TagError: if the step has no recognisable tag and ``fallback`` is None.
    """
    if fallback is not None and fallback not in KINDS:
        raise ValueError(f"fallback must be one of {KINDS} or None, got {fallback!r}")
    match = _TAGGED.match(step)
    if match is None:
        if fallback is None:
            raise TagError(f"no [rag]: / [reason]: tag at the start of {step[:40]!r}")
        return step.strip(), fallback, "fallback"
    names = _TAG_NAME.findall(match["tags"])
    rule = "compound" if len(names) > 1 else "tag"
    return step[match.end() :].strip(), TAG_KINDS[names[-1].lower()], rule


def option_letters(question: str) -> str:
    """The option letters written in a question (``A. text`` or ``A.text``), in order."""
    found = re.findall(r"(?:^|\s)([A-J])\.(?=\S|\s)", question)
    return "".join(dict.fromkeys(found))


def normalize_choice(answer: str, question: str, boolean: bool) -> str:
    """The canonical gold answer: ``"True"``/``"False"`` or an option letter.

    Raises:
        ValueError: if the answer is not of that form, or names an option the question
            does not list.
    """
    text = str(answer).strip()
    if boolean:
        if text.lower() not in _BOOL:
            raise ValueError(f"expected True or False, got {answer!r}")
        return _BOOL[text.lower()]
    match = _LETTER.match(text)
    if match is None or match[1].upper() not in LETTERS:
        raise ValueError(f"expected an option letter A-J, got {answer!r}")
    letter = match[1].upper()
    options = option_letters(question)
    if options and letter not in options:
        raise ValueError(f"answer {letter} is not among the question's options {options}")
    return letter


def convert_record(
    row: Any, name: str, fallback: str | None = None, empty_steps: str = "drop"
) -> tuple[dict | None, Found]:
    """One published row -> ``(example or None, [(field, problem)])``.

    Steps mapped by rule 2 (compound) or 3 (fallback) are not problems; each is logged.
    """
    if not isinstance(row, dict):
        return None, [(None, f"expected an object, got {json_type(row)}")]
    question, answer, steps = row.get(QUESTION), row.get(ANSWER), row.get("cot_steps", [])
    found: Found = [
        (field, f"expected a string, got {json_type(value)}")
        for field, value in ((QUESTION, question), (ANSWER, answer))
        if not isinstance(value, str)
    ]
    if not isinstance(steps, list) or not all(isinstance(s, str) for s in steps):
        found.append(("cot_steps", "expected a list of strings"))
    if found:
        return None, found
    try:
        answer = normalize_choice(answer, question, boolean=name in BOOLEAN_SETS)
    except ValueError as err:
        found.append((ANSWER, str(err)))
    texts, kinds = [], []
    for j, step in enumerate(steps):
        try:
            text, kind, rule = parse_tagged_step(step, fallback)
        except TagError as err:
            found.append((f"cot_steps[{j}]", f"{err}; set a fallback kind to map such steps"))
            continue
        if not text:
            if empty_steps == "error":
                found.append((f"cot_steps[{j}]", f"tag {step.strip()!r} with no text"))
            else:
                log.info("%s: step %d is an empty tag %r; left out", name, j, step.strip())
            continue
        if rule != "tag":
            log.info("%s step %d: %s rule gives %s to %r", name, j, rule, kind, step[:50])
        texts.append(text)
        kinds.append(kind)
    if found:
        return None, found
    return {QUESTION: question.strip(), STEPS: texts, ANSWER: answer, STEP_KINDS: kinds}, []


def convert_records(
    rows: list[Any],
    name: str,
    source: str,
    fallback: str | None = None,
    empty_steps: str = "drop",
) -> list[dict[str, Any]]:
    """Converts and validates every row (``fallback``, ``empty_steps``: rules 3 and 4).

    Raises:
        DataValidationError: listing every problem by source, example and field/step.
    """
    if empty_steps not in ("drop", "error"):
        raise ValueError(f"empty_steps must be 'drop' or 'error', got {empty_steps!r}")
    records, problems = [], []
    for index, row in enumerate(rows):
        record, found = convert_record(row, name, fallback, empty_steps)
        problems += [Problem(index, field, message, source) for field, message in found]
        if record is not None:
            records.append(record)
    if not problems:
        problems = validate_examples(records, source=source)
    if problems:
        raise DataValidationError(problems)
    return records


def _set_name(path: Path) -> str:
    for name in SETS:
        if path.name.startswith(name):
            return name
    raise ValueError(f"{path}: cannot tell the set from the file name; expected one of {SETS}")


def read_memory_reason(path: str | Path, fallback: str | None = None) -> list[dict[str, Any]]:
    """Reads one published file (``strategyqa_train.json``, ...) into our schema.

    Raises:
        DataValidationError: naming the file, example and step of every problem.
    """
    path = Path(path)
    name = _set_name(path)
    return convert_records(read_records(path), name, str(path), fallback)


def _reader(fallback: str | None) -> Callable[[Path], list[dict[str, Any]]]:
    return {None: read_memory_reason, "memory": _read_memory, "reason": _read_reason}[fallback]


def _read_memory(path: Path) -> list[dict[str, Any]]:
    return read_memory_reason(path, "memory")


def _read_reason(path: Path) -> list[dict[str, Any]]:
    return read_memory_reason(path, "reason")


HUB: dict[str, tuple[str, str | None]] = {
    "strategyqa": ("wics/strategy-qa", None),
    "truthfulqa": ("truthfulqa/truthful_qa", "multiple_choice"),
    "commonsenseqa": ("tau/commonsense_qa", None),
}
"""Hub repository and config of each raw set (question and answer only, no tagged steps)."""


def hub_row(row: Mapping[str, Any], name: str) -> dict[str, Any]:
    """A raw hub row -> ``{question, answer}`` in the published files' form."""
    if name == "strategyqa":
        return {QUESTION: row["question"], ANSWER: str(bool(row["answer"]))}
    if name == "commonsenseqa":
        options = " ".join(
            f"{label}.{text}"
            for label, text in zip(row["choices"]["label"], row["choices"]["text"], strict=True)
        )
        return {
            QUESTION: f"Question: {row['question']} Options: {options}",
            ANSWER: row["answerKey"],
        }
    # truthfulqa: mc1 lists the correct choice first; shuffle it, seeded by the question.
    choices, labels = row["mc1_targets"]["choices"], row["mc1_targets"]["labels"]
    order = sorted(range(len(choices)), key=lambda i: zlib.crc32(f"{row['question']}|{i}".encode()))
    options = " ".join(f"{LETTERS[k]}. {choices[i]}" for k, i in enumerate(order))
    answer = LETTERS[[labels[i] for i in order].index(1)]
    return {QUESTION: f"{row['question']} {options}", ANSWER: answer}


def load_memory_reason(
    source: str | Path,
    name: str | None = None,
    split: str = "train",
    *,
    fallback: str | None = None,
    cache_dir: str | None = None,
) -> Dataset:
    """Loads a memory/reason set in our schema (``question, steps, answer, step_kinds``).

    Args:
        source: a published file, or ``"hub"`` (``"hub:<split>"``) for the raw set (no
            steps) through ``datasets.load_dataset``.
        name: the set (``strategyqa``, ``truthfulqa``, ``commonsenseqa``); read from the
            file name when None; required for the hub.
        split: hub split.
        fallback: kind of steps without a recognisable tag (None: such steps are errors).
        cache_dir: ``datasets`` cache folder.

    Raises:
        DataValidationError: naming the file (or hub set), example and step.
        ValueError: for an unknown set name.
    """
    if str(source).split(":")[0] == "hub":
        split = str(source).partition(":")[2] or split
        if name not in HUB:
            raise ValueError(f"name must be one of {SETS} for the hub, got {name!r}")
        repo, config = HUB[name]
        raw = datasets.load_dataset(repo, config, split=split, cache_dir=cache_dir)
        rows = [hub_row(row, name) for row in raw]
        records = convert_records(rows, name, f"{repo}:{split}", fallback)
        return Dataset.from_list(records, features=features_for(records))
    path = Path(source)
    records = convert_records(read_records(path), name or _set_name(path), str(path), fallback)
    return cached_dataset(_reader(fallback), path, records, cache_dir=cache_dir)
