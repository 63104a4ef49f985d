"""Superposition probes: what each continuous thought holds of the search frontier.

*Reasoning by Superposition* (Zhu, Hao et al., 2025) reads a 2-layer Coconut model trained
on symbolic ProsQA in two ways, both computed here for every thought ``k`` of a prompt:

- **Node scores.** Thought ``k`` (the last hidden state that becomes the ``k``-th
  ``<|latent|>``) is compared with every node's token embedding, by inner product and by
  the probability the LM head gives the node's token (the logit lens). Nodes are grouped
  by where they stand after ``k`` hops: ``path`` (the gold path's ``k``-th node),
  ``frontier`` (the other frontier nodes), ``reachable`` (reached in fewer hops) and
  ``other``. A thought in superposition scores the whole frontier high, not only the
  path node.
- **Edge attention.** The second layer's attention from the position that computes
  thought ``k`` (averaged over heads) is summed over the three tokens of each edge
  ``"s t |"``. Edges are grouped by their source after ``k - 1`` hops: ``path`` (the gold
  path's ``k``-th edge), ``frontier`` (other edges leaving the ``k - 1`` frontier: the
  expansion step), ``reachable`` (leaving nodes reached earlier) and ``unreached``.

Groups are disjoint, taken in the order listed. The frontier is
:meth:`~coconut.data.graph.ReasoningGraph.frontier` with the ``definition`` given
(``"distance"``, the paper's, by default). The same probes read a language chain of
thought (``mode="cot"``): there the state for step ``k`` is the last hidden state where
the model writes the ``k``-th path node after the gold nodes before it, so the two
methods are compared on one scale. A Coconut run trained with ``bare_latents``
(``mode="bare"``) has no start marker: its thought 1 is the question's last state. Only
the symbolic form is supported, where every node and edge token is known.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import mean
from typing import Any

import torch
from transformers import PreTrainedTokenizerBase

from coconut.data.graph import ReasoningGraph
from coconut.data.symbolic import EDGE_END, parse_question
from coconut.model import Coconut
from coconut.model.backbone import decoder_and_head
from coconut.probe.prompts import question_ids

NODE_GROUPS = ("path", "frontier", "reachable", "other")
EDGE_GROUPS = ("path", "frontier", "reachable", "unreached")
MODES = ("coconut", "bare", "cot")
MEASURES = ("inner", "prob", "attention", "attention_mass")
"""The fields of :class:`StepProbe` that :func:`summarize` averages."""


@dataclass(frozen=True)
class StepProbe:
    """The probes of one record at one thought (or language step) ``k``.

    Attributes:
        k: 1-based thought index.
        inner: mean inner product of the thought with the node embeddings, per node group.
        prob: mean logit-lens probability of the group's node tokens, per node group.
        attention: layer-2 attention on the group's edges (averaged over heads, summed
            over an edge's three tokens), mean per edge, per edge group.
        attention_mass: the same summed over the group's edges (the group's share of
            the position's attention).
        counts: nodes per node group and edges per edge group (``"edges/<group>"``).
    """

    k: int
    inner: dict[str, float]
    prob: dict[str, float]
    attention: dict[str, float]
    attention_mass: dict[str, float]
    counts: dict[str, int]


def node_groups(
    record: Mapping[str, Any], k: int, definition: str = "distance"
) -> dict[str, list[int]]:
    """The nodes of ``record``'s graph in each of :data:`NODE_GROUPS` after ``k`` hops."""
    graph = ReasoningGraph.from_record(record)
    path = _path(record)
    dist = graph.distances()
    on_path = {path[k]} if k < len(path) else set()
    front = set(graph.frontier(k, definition)) - on_path
    reached = {v for v, d in enumerate(dist) if d is not None and d < k} - on_path - front
    rest = set(range(graph.num_nodes)) - on_path - front - reached
    return {"path": sorted(on_path), "frontier": sorted(front), "reachable": sorted(reached),
            "other": sorted(rest)}  # fmt: skip


def edge_groups(
    record: Mapping[str, Any], k: int, definition: str = "distance"
) -> dict[str, list[int]]:
    """Indices (in the question's order) of the edges in each of :data:`EDGE_GROUPS`, by
    where their source stands after ``k - 1`` hops."""
    edges, _, _ = parse_question(record["question"])
    path = _path(record)
    groups = node_groups(record, k - 1, definition)
    before = {v for name in ("path", "frontier") for v in groups[name]}
    path_edge = (path[k - 1], path[k]) if k < len(path) else None
    out: dict[str, list[int]] = {name: [] for name in EDGE_GROUPS}
    for i, (s, t) in enumerate(edges):
        if (s, t) == path_edge:
            out["path"].append(i)
        elif s in before:
            out["frontier"].append(i)
        elif s in groups["reachable"]:
            out["reachable"].append(i)
        else:
            out["unreached"].append(i)
    return out


@torch.no_grad()
def probe_record(
    model: Coconut,
    tokenizer: PreTrainedTokenizerBase,
    record: Mapping[str, Any],
    *,
    mode: str = "coconut",
    definition: str = "distance",
) -> list[StepProbe]:
    """Node scores and edge attention at every thought ``k = 1 .. len(steps)``.

    Raises:
        ValueError: for an unknown mode, a record not in the symbolic form, or a node
            whose index is not a single token.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    ids, queries = _prompt(model, tokenizer, record, mode)
    node_ids = _node_token_ids(tokenizer, len(record["idx_to_symbol"]))
    hidden, probs, attention = _states(model, ids, queries)
    embeddings = model.base_causallm.get_input_embeddings().weight[node_ids].float()
    edge_spans = _edge_positions(tokenizer, ids, record)
    steps = []
    for j, k in enumerate(range(1, len(queries) + 1)):
        inner = hidden[j] @ embeddings.T
        node_prob = probs[j][node_ids]
        edge_mass = attention[j][edge_spans].sum(-1)
        nodes, edges = node_groups(record, k, definition), edge_groups(record, k, definition)
        steps.append(StepProbe(
            k=k,
            inner={g: float(inner[v].mean()) for g, v in nodes.items() if v},
            prob={g: float(node_prob[v].mean()) for g, v in nodes.items() if v},
            attention={g: float(edge_mass[e].mean()) for g, e in edges.items() if e},
            attention_mass={g: float(edge_mass[e].sum()) for g, e in edges.items() if e},
            counts={**{g: len(v) for g, v in nodes.items()},
                    **{f"edges/{g}": len(e) for g, e in edges.items()}},
        ))  # fmt: skip
    return steps


@torch.no_grad()
def node_probabilities(
    model: Coconut,
    tokenizer: PreTrainedTokenizerBase,
    record: Mapping[str, Any],
    *,
    mode: str = "coconut",
) -> list[list[float]]:
    """The logit-lens probability of every node token at each thought: row ``k - 1``
    holds thought ``k``'s probability of nodes ``0 .. len(idx_to_symbol) - 1``
    (:func:`probe_record`'s ``prob`` averages these over each node group).

    Raises:
        ValueError: as :func:`probe_record`.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    ids, queries = _prompt(model, tokenizer, record, mode)
    node_ids = _node_token_ids(tokenizer, len(record["idx_to_symbol"]))
    _, probs, _ = _states(model, ids, queries)
    return probs[:, node_ids].tolist()


def summarize(probes: Iterable[Sequence[StepProbe]]) -> dict[str, dict[int, dict[str, float]]]:
    """Means over records: ``{measure: {k: {group: mean}}}`` for each of :data:`MEASURES`."""
    pooled: dict[str, dict[int, dict[str, list[float]]]] = {
        name: defaultdict(lambda: defaultdict(list)) for name in MEASURES
    }
    for record_probes in probes:
        for step in record_probes:
            for name in pooled:
                for group, value in getattr(step, name).items():
                    pooled[name][step.k][group].append(value)
    return {
        name: {k: {g: mean(v) for g, v in groups.items()} for k, groups in sorted(by_k.items())}
        for name, by_k in pooled.items()
    }


def _path(record: Mapping[str, Any]) -> list[int]:
    return [int(record["root"]), *(int(step) for step in record["steps"])]


def _prompt(model, tokenizer, record, mode: str) -> tuple[list[int], list[int]]:
    """Prompt ids and the positions whose last hidden states are thoughts 1..K."""
    question = question_ids(tokenizer, record["question"])
    k_max = len(record["steps"])
    if mode == "coconut":
        bot, latent, eot = model.marker_ids
        ids = [*question, bot, *([latent] * k_max), eot]
        return ids, [len(question) - 1 + k for k in range(1, k_max + 1)]
    if mode == "bare":  # thought 1 is the question's last state, then each latent's
        ids = [*question, *([model.latent_token_id] * k_max)]
        return ids, [len(question) - 2 + k for k in range(1, k_max + 1)]
    ids, queries = list(question), []
    for step in record["steps"][:k_max]:
        queries.append(len(ids) - 1)
        ids += tokenizer(f"{step}\n", add_special_tokens=False)["input_ids"]
    return ids, queries


def _states(model: Coconut, ids: list[int], queries: list[int]):
    """Last hidden states, LM-head probabilities and head-averaged layer-2 attention rows
    at ``queries``, with the latent positions filled as in training."""
    device = next(model.parameters()).device
    input_ids = torch.tensor([ids], device=device)
    filled = model(input_ids).inputs_embeds
    base = model.base_causallm
    previous = base.config._attn_implementation
    base.set_attn_implementation("eager")
    try:
        out = base(inputs_embeds=filled, output_attentions=True, output_hidden_states=True)
    finally:
        base.set_attn_implementation(previous)
    _, head = decoder_and_head(base)
    hidden = out.hidden_states[-1][0, queries].float()
    probs = head(out.hidden_states[-1][0, queries]).float().softmax(-1)
    layer = 1 if len(out.attentions) > 1 else 0
    attention = out.attentions[layer][0, :, queries].float().mean(0)
    return hidden.cpu(), probs.cpu(), attention.cpu()


def _node_token_ids(tokenizer: PreTrainedTokenizerBase, n: int) -> list[int]:
    ids = []
    for node in range(n):
        encoded = tokenizer(f"0 {node}", add_special_tokens=False)["input_ids"]
        if len(encoded) != 2 or encoded[-1] == tokenizer.unk_token_id:
            raise ValueError(f"node {node} is not one token of this tokenizer (symbolic form only)")
        ids.append(encoded[-1])
    return ids


def _edge_positions(tokenizer, ids: list[int], record: Mapping[str, Any]) -> torch.Tensor:
    """``(E, 3)`` positions of each edge's ``s t |`` tokens in the prompt."""
    edges, _, _ = parse_question(record["question"])
    end = tokenizer(f"0 {EDGE_END}", add_special_tokens=False)["input_ids"][-1]
    spans = torch.arange(3 * len(edges)).view(-1, 3)
    if any(ids[int(p)] != end for p in spans[:, 2]):
        raise ValueError("the question's edges are not three tokens each (symbolic form only)")
    return spans


def mode_for_run(run_config: Mapping[str, Any] | None) -> str:
    """``"cot"`` for a language chain-of-thought run, ``"bare"`` for a Coconut run with
    ``bare_latents``, else ``"coconut"``.

    Raises:
        ValueError: for a run whose method writes no reasoning (``no_cot``).
    """
    name = ((run_config or {}).get("method") or {}).get("name", "coconut")
    if name == "no_cot":
        raise ValueError("a no_cot run has neither thoughts nor steps to probe")
    if name == "cot":
        return "cot"
    return "bare" if run_config["method"].get("bare_latents") else "coconut"


def probe_superposition(
    model: Coconut,
    tokenizer: PreTrainedTokenizerBase,
    records: Sequence[Mapping[str, Any]],
    *,
    mode: str = "coconut",
    definition: str = "distance",
    progress: bool = True,
) -> dict[str, Any]:
    """The probes of every record, averaged: the report ``coconut-probe --superposition``
    writes (``mode``, ``frontier``, ``num_examples`` and the :func:`summarize` means)."""
    from tqdm.auto import tqdm

    probes = [
        probe_record(model, tokenizer, record, mode=mode, definition=definition)
        for record in tqdm(records, desc=f"superposition ({mode})", disable=not progress)
    ]
    return {"mode": mode, "frontier": definition, "num_examples": len(records),
            **summarize(probes)}  # fmt: skip
