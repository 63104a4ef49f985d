"""Datasets of the Coconut paper: one example schema, generators, loaders and a CLI.

Every task is a list of ``{"question", "steps", "answer"}`` examples (ProsQA adds its
graph fields). ProsQA and ProntoQA are generated here; GSM8K is loaded from the hub, from
local jsonl files or from the iCoT text format. ``coconut-data`` (:mod:`coconut.data.cli`)
makes the files.
"""

from coconut.data.answers import normalize_answer
from coconut.data.gsm8k import load_gsm8k, load_icot
from coconut.data.io import load_examples, read_records, write_examples
from coconut.data.prontoqa import ProntoQAConfig, generate_prontoqa
from coconut.data.prontoqa_raw import load_prontoqa_raw
from coconut.data.prosqa import ProsQAConfig, generate_prosqa
from coconut.data.prosqa_verify import verify_prosqa
from coconut.data.schema import DataValidationError, GraphRecord, Problem, Record
from coconut.data.splits import generate_splits
from coconut.data.stats import example_stats
from coconut.data.validation import validate_examples

__all__ = [
    "DataValidationError",
    "GraphRecord",
    "Problem",
    "ProntoQAConfig",
    "ProsQAConfig",
    "Record",
    "example_stats",
    "generate_prontoqa",
    "generate_prosqa",
    "generate_splits",
    "load_examples",
    "load_gsm8k",
    "load_icot",
    "load_prontoqa_raw",
    "normalize_answer",
    "read_records",
    "validate_examples",
    "verify_prosqa",
    "write_examples",
]
