"""One probing pass over a dataset: forced-thought outputs, thoughts, node values, hits.

:func:`probe_dataset` runs every analysis that fits the task and returns the JSON-ready
report that ``coconut-probe`` writes: accuracy and (ProsQA) the six-way category
shares for each forced number of thoughts ``k``; the thoughts' norms and top tokens;
(ProsQA, ProntoQA) frontier values after each ``k``; (GSM8K) the step-result hit rate by
thought.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tqdm.auto import tqdm

from coconut.data.calculator import looks_like_annotation
from coconut.data.graph import ReasoningGraph
from coconut.data.schema import GRAPH_FIELDS, has_graph_fields
from coconut.probe.classify import category_shares, classify_output
from coconut.probe.forcing import generate_with_thoughts
from coconut.probe.gsm8k import hit_rate_by_thought, step_results, thought_hits
from coconut.probe.loading import ProbedModel
from coconut.probe.prompts import question_ids
from coconut.probe.prontoqa import parse_ontology
from coconut.probe.thoughts import decode_thoughts
from coconut.probe.values import frontier_values, prontoqa_cue, prosqa_cue

log = logging.getLogger(__name__)

TASKS = ("auto", "prosqa", "prontoqa", "gsm8k", "generic")
GRAPH_TASKS = ("prosqa", "prontoqa")


@dataclass(frozen=True)
class ProbeOptions:
    """What to probe.

    Attributes:
        task: one of :data:`TASKS`; ``auto`` picks from the records.
        max_k: largest number of forced thoughts (``k = 0..max_k``).
        top_k: tokens reported per decoded thought.
        batch_size: prompts per batch.
        max_new_tokens: generation budget after the thoughts.
        c_thought: thoughts per reasoning step (GSM8K hits).
        examples_kept: per-example details kept in the report.
        progress: show progress bars.
    """

    task: str = "auto"
    max_k: int = 6
    top_k: int = 5
    batch_size: int = 32
    max_new_tokens: int = 64
    c_thought: int = 1
    examples_kept: int = 20
    progress: bool = True

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise ValueError(f"task: expected one of {TASKS}, got {self.task!r}")
        for name in ("top_k", "batch_size", "max_new_tokens", "c_thought"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}: must be >= 1, got {getattr(self, name)}")
        if self.max_k < 0:
            raise ValueError(f"max_k: must be >= 0, got {self.max_k}")


def detect_task(records: Sequence[Mapping[str, Any]]) -> str:
    """``prosqa`` (graph fields), ``gsm8k`` (``<<a=b>>`` steps), ``prontoqa`` or ``generic``."""
    if not records:
        raise ValueError("no examples to probe")
    first = records[0]
    if has_graph_fields(first):
        return "prosqa"
    steps = [s for r in records[:20] for s in r["steps"]]
    if steps and all(looks_like_annotation(s) for s in steps):
        return "gsm8k"
    if all("True or false:" in r["question"] for r in records[:20]):
        return "prontoqa"
    return "generic"


def graphs_for(task: str, records: Sequence[Mapping[str, Any]]) -> list[ReasoningGraph]:
    """The graph of every record for a graph task.

    Raises:
        MissingGraphError / ValueError: naming the first example without a usable graph.
    """
    if task == "prosqa":
        return [ReasoningGraph.from_record(r, index=i) for i, r in enumerate(records)]
    if task == "prontoqa":
        return [parse_ontology(r, i) for i, r in enumerate(records)]
    raise ValueError(
        f"task {task!r} has no graphs; frontier analysis needs ProsQA graph fields "
        f"{list(GRAPH_FIELDS)} or ProntoQA questions"
    )


VALUE_SUFFIX_TOKENS = 32
"""Room kept after the thoughts for a node-value prefix and name."""


def context_length(probed: ProbedModel) -> int | None:
    """The model's longest sequence, if its config states one."""
    config = probed.model.base_causallm.config
    for name in ("n_positions", "max_position_embeddings"):
        value = getattr(config, name, None)
        if isinstance(value, int):
            return value
    return None


def check_context(
    probed: ProbedModel, records: Sequence[Mapping[str, Any]], options: ProbeOptions
) -> None:
    """Fails early, naming the example, if a prompt with ``max_k`` thoughts and the
    generation budget would not fit the model's context."""
    limit = context_length(probed)
    if limit is None:
        return
    after = options.max_k + 2 + max(options.max_new_tokens, VALUE_SUFFIX_TOKENS)
    for i, record in enumerate(records):
        n = len(question_ids(probed.tokenizer, record["question"]))
        if n + after > limit:
            raise ValueError(
                f"example {i}: its question is {n} tokens; with {options.max_k} thoughts, "
                f"2 markers and {after - options.max_k - 2} generated tokens it exceeds the "
                f"model's context of {limit} (lower --max-k or --max-new-tokens, or drop it)"
            )


def probe_dataset(
    probed: ProbedModel, records: Sequence[Mapping[str, Any]], options: ProbeOptions
) -> dict[str, Any]:
    """Runs every analysis that fits the task; returns the report.

    Raises:
        ValueError: for no records, or a graph task on records without graphs (naming the
            example and the missing fields).
    """
    task = detect_task(records) if options.task == "auto" else options.task
    check_context(probed, records, options)
    graphs = graphs_for(task, records) if task in GRAPH_TASKS else None
    questions = [r["question"] for r in records]
    answers = [r["answer"] for r in records]
    ks = list(range(options.max_k + 1))
    report: dict[str, Any] = {
        "model": str(probed.source),
        "task": task,
        "num_examples": len(records),
        "ks": ks,
        "options": options.__dict__,
    }
    outputs = _forced_outputs(probed, questions, answers, ks, options)
    report["accuracy_by_k"] = {k: statistics.fmean(o.correct for o in outputs[k]) for k in ks}
    report["gen_tokens_by_k"] = {
        k: statistics.fmean(o.new_tokens + k for o in outputs[k]) for k in ks
    }
    categories = None
    if task == "prosqa":
        categories = _classes(outputs, graphs, answers, probed.tokenizer.eos_token)
        report["categories_by_k"] = {
            k: category_shares(c.category for c in classes) for k, classes in categories.items()
        }
    thoughts = [[] for _ in records]
    if options.max_k:
        thoughts = decode_thoughts(
            probed.model, probed.tokenizer, questions, options.max_k, options.top_k,
            options.batch_size,
        )  # fmt: skip
    report["thoughts"] = _thought_summary(thoughts)
    if task == "gsm8k":
        report["gsm8k"] = _gsm8k_section(probed, records, thoughts, options.c_thought)
    frontier = None
    if graphs is not None:
        cue = prosqa_cue if task == "prosqa" else prontoqa_cue
        frontier = _frontier_pass(probed, questions, graphs, ks, cue, options.progress)
        report["frontier"] = _frontier_summary(frontier, ks)
    report["examples"] = _examples(
        records, outputs, categories, thoughts, frontier, graphs, options.examples_kept
    )
    return report


def _forced_outputs(probed, questions, answers, ks, options) -> dict[int, list]:
    """Generations after ``k`` forced thoughts, for every ``k``."""
    outputs = {}
    for k in tqdm(ks, desc="forced thoughts", disable=not options.progress):
        outputs[k] = generate_with_thoughts(
            probed.model, probed.tokenizer, questions, answers, k,
            max_new_tokens=options.max_new_tokens, batch_size=options.batch_size,
        )  # fmt: skip
    return outputs


def _classes(outputs, graphs, answers, eos_token) -> dict[int, list]:
    """The six-way class of every output at every ``k``."""
    return {
        k: [
            classify_output(o.text, g, a, eos_token, k=k)
            for o, g, a in zip(outs, graphs, answers, strict=True)
        ]
        for k, outs in outputs.items()
    }


def _gsm8k_section(probed, records, thoughts, c_thought: int) -> dict[str, Any]:
    """Hit rates of the calculator-step results in the decoded thoughts."""
    hits = [
        thought_hits(t, step_results(r["steps"]), probed.tokenizer, c_thought)
        for t, r in zip(thoughts, records, strict=True)
    ]
    rates = hit_rate_by_thought(hits)
    return {"hit_rate_by_thought": [h.__dict__ | {"rate": h.rate} for h in rates]}


def _frontier_pass(probed, questions, graphs, ks, cue, progress):
    results = {}
    pairs = [(i, k) for i in range(len(questions)) for k in ks]
    for i, k in tqdm(pairs, desc="node values", disable=not progress):
        results[i, k] = frontier_values(
            probed.model, probed.tokenizer, questions[i], graphs[i], k, cue(k)
        )
    return results


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.fmean(values) if values else None


def _frontier_summary(results, ks) -> dict[str, Any]:
    by_k = {}
    points = []  # (k, height, value) of frontier nodes
    for k in ks:
        rows = [r for (_, kk), r in results.items() if kk == k]
        tops = [r.cumulative_top(3) for r in rows if r.frontier]
        by_k[k] = {
            "hop": rows[0].hop if rows else None,
            "cumulative_top": [_mean(t[j] for t in tops) for j in range(3)],
            "frontier_mass": _mean(r.frontier_mass() for r in rows),
            "non_frontier_mass": _mean(r.non_frontier_mass() for r in rows),
            "frontier_beats_rate": _mean(
                None if r.frontier_beats() is None else float(r.frontier_beats()) for r in rows
            ),
            "frontier_share": _mean(_share(r) for r in rows),
            "frontier_share_uniform": _mean(len(r.frontier) / len(r.values) for r in rows),
            "examples_with_frontier": len(tops),
        }
        for r in rows:
            points += [[k, r.heights[i], r.values[i]] for i in r.frontier]
    return {"by_k": by_k, "value_height": points}


def _share(r) -> float | None:
    """Share of the node-value mass that falls on the frontier."""
    total = r.frontier_mass() + r.non_frontier_mass()
    return r.frontier_mass() / total if total > 0 else None


def _thought_summary(thoughts) -> dict[str, Any]:
    width = max((len(t) for t in thoughts), default=0)
    norms = [_mean(t[i].norm for t in thoughts if i < len(t)) for i in range(width)]
    return {"mean_norm_by_index": norms}


def _examples(records, outputs, categories, thoughts, frontier, graphs, n) -> list[dict]:
    kept = []
    for i in range(min(n, len(records))):
        item: dict[str, Any] = {
            "index": i,
            "question": records[i]["question"],
            "answer": records[i]["answer"],
            "outputs": {},
        }
        for k, outs in outputs.items():
            entry = {"text": outs[i].text, "correct": outs[i].correct}
            if categories is not None:
                c = categories[k][i]
                entry |= {"category": c.category, "reason": c.reason}
            item["outputs"][k] = entry
        item["thoughts"] = [t.to_dict() for t in thoughts[i]]
        if frontier is not None:
            names = graphs[i].names
            item["values"] = {
                k: {
                    "hop": frontier[i, k].hop,
                    "frontier": [names[j] for j in frontier[i, k].frontier],
                    "values": dict(zip(names, frontier[i, k].values, strict=True)),
                }
                for k in outputs
            }
        kept.append(item)
    return kept
