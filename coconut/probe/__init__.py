"""Looking inside continuous thoughts: decoding, forcing ``k`` thoughts, graph analysis.

- :mod:`~coconut.probe.loading`: a run or saved model and its tokenizer;
- :mod:`~coconut.probe.checks`: a file of another task, thoughts a run never trained;
- :mod:`~coconut.probe.prompts`: prompts with a forced number of thoughts;
- :mod:`~coconut.probe.thoughts`: each thought's hidden state, norm and top tokens;
- :mod:`~coconut.probe.forcing`: generation after ``k`` forced thoughts;
- :mod:`~coconut.probe.values`: node values after ``k`` thoughts;
- :mod:`~coconut.probe.classify`: the paper's six-way classification of ProsQA outputs;
- :mod:`~coconut.probe.prontoqa`: the ProntoQA ontology as a graph;
- :mod:`~coconut.probe.gsm8k`: step results and thought hit rates on GSM8K;
- :mod:`~coconut.probe.analysis`: one probing pass over a dataset (the report);
- :mod:`~coconut.probe.plots`: its figures; :mod:`~coconut.probe.cli`: ``coconut-probe``.

Frontiers, reachability and heights of a reasoning graph are methods of
:class:`coconut.data.graph.ReasoningGraph`.
"""

from coconut.probe.analysis import ProbeOptions, detect_task, probe_dataset
from coconut.probe.classify import CATEGORIES, Classification, category_shares, classify_output
from coconut.probe.forcing import ForcedOutput, generate_with_thoughts
from coconut.probe.gsm8k import hit_rate_by_thought, step_result, step_results, thought_hits
from coconut.probe.loading import NotACoconutModelError, ProbedModel, load_for_probing
from coconut.probe.prompts import thought_prompt
from coconut.probe.prontoqa import parse_ontology
from coconut.probe.thoughts import DecodedThought, decode_thoughts
from coconut.probe.values import (
    FrontierValues,
    LanguageCue,
    frontier_values,
    node_values,
    prontoqa_cue,
    prosqa_cue,
)

__all__ = [
    "CATEGORIES",
    "Classification",
    "DecodedThought",
    "ForcedOutput",
    "FrontierValues",
    "LanguageCue",
    "NotACoconutModelError",
    "ProbeOptions",
    "ProbedModel",
    "category_shares",
    "classify_output",
    "decode_thoughts",
    "detect_task",
    "frontier_values",
    "generate_with_thoughts",
    "hit_rate_by_thought",
    "load_for_probing",
    "node_values",
    "parse_ontology",
    "probe_dataset",
    "prontoqa_cue",
    "prosqa_cue",
    "step_result",
    "step_results",
    "thought_hits",
    "thought_prompt",
]
