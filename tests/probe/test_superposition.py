"""Superposition probes on a hand-built graph: groups, scores and attention, checked exactly."""

from __future__ import annotations

import pytest
import torch
from omegaconf import OmegaConf

from coconut.data.graph import ReasoningGraph
from coconut.probe import superposition as sp
from coconut.tokenizers.symbolic import build_symbolic_tokenizer
from coconut.training.setup.model import build_model

# 0 -> 1 -> 3 -> 5 (gold path, target 5); 0 -> 2 -> 4; 0 -> 4 (4 is 1 hop by distance and
# also 2 hops by walk); 6 -> 7 (the other entity's side, 7 the negative target).
EDGES = [[0, 1], [0, 2], [1, 3], [2, 4], [0, 4], [3, 5], [6, 7]]
RECORD = {
    "question": " ".join(f"{s} {t} |" for s, t in EDGES) + " [Q] 5 7 [R] 0",
    "steps": ["1", "3", "5"],
    "answer": "5",
    "idx_to_symbol": [str(i) for i in range(8)],
    "edges": EDGES,
    "root": 0,
    "target": 5,
    "neg_target": 7,
}


def test_walk_and_distance_frontiers_differ_where_paths_differ_in_length():
    graph = ReasoningGraph.from_record(RECORD)
    assert graph.distance_frontier(2) == [3] and graph.walk_frontier(2) == [3, 4]
    assert graph.frontier(2) == graph.walk_frontier(2)
    assert graph.frontier(2, "distance") == [3]
    with pytest.raises(ValueError, match="definition must be one of"):
        graph.frontier(2, "bfs")


def test_node_groups_are_disjoint_and_exact():
    assert sp.node_groups(RECORD, 1) == {
        "path": [1], "frontier": [2, 4], "reachable": [0], "other": [3, 5, 6, 7]}  # fmt: skip
    assert sp.node_groups(RECORD, 2) == {
        "path": [3], "frontier": [], "reachable": [0, 1, 2, 4], "other": [5, 6, 7]}  # fmt: skip
    assert sp.node_groups(RECORD, 2, "walk")["frontier"] == [4]


def test_edge_groups_follow_the_source_after_k_minus_one_hops():
    # k=1: sources at hop 0 (the root): (0,1) is the path edge, (0,2) and (0,4) expand.
    assert sp.edge_groups(RECORD, 1) == {
        "path": [0], "frontier": [1, 4], "reachable": [], "unreached": [2, 3, 5, 6]}  # fmt: skip
    # k=2: sources at hop 1 are 1 (path), 2 and 4; the root's edges were expanded before.
    assert sp.edge_groups(RECORD, 2) == {
        "path": [2], "frontier": [3], "reachable": [0, 1, 4], "unreached": [5, 6]}  # fmt: skip


@pytest.fixture(scope="module")
def scripted():
    """A model whose node embeddings are one-hot, so a thought's inner products are its
    coefficients; the thoughts and attention are scripted."""
    tokenizer = build_symbolic_tokenizer()
    cfg = OmegaConf.create({"name": "t", "source": "scratch", "init_token": None, "arch": {
        "_target_": "transformers.GPT2Config", "n_layer": 2, "n_head": 2, "n_embd": 80,
        "n_positions": 128}})  # fmt: skip
    model, _ = build_model(cfg, tokenizer)
    vocab = model.base_causallm.get_input_embeddings().weight.shape[0]
    with torch.no_grad():
        model.base_causallm.get_input_embeddings().weight.copy_(torch.eye(vocab, 80))
    node_ids = sp._node_token_ids(tokenizer, 8)
    return model.eval(), tokenizer, node_ids


def test_a_thought_that_mixes_path_and_frontier_scores_them_and_nothing_else(scripted, monkeypatch):
    model, tokenizer, node_ids = scripted
    ids, _ = sp._prompt(model, tokenizer, RECORD, "coconut")
    hidden = torch.zeros(3, 80)
    hidden[0, node_ids[1]] = 2.0  # thought 1 = 2 e_1 + e_2 + e_4: path 2, frontier mean 1
    hidden[0, [node_ids[2], node_ids[4]]] = 1.0
    probs = torch.zeros(3, len(tokenizer))
    probs[:, node_ids[5]] = 0.6
    attention = torch.zeros(3, len(ids))
    attention[0, 3:6] = 0.1  # thought 1: 0.3 on edge 1 (0 -> 2), a frontier edge
    attention[0, 0:3] = 0.2  # and 0.6 on the path edge 0 -> 1
    monkeypatch.setattr(sp, "_states", lambda *_: (hidden, probs, attention))
    first = sp.probe_record(model, tokenizer, RECORD)[0]
    assert first.k == 1
    assert first.inner == pytest.approx({"path": 2.0, "frontier": 1.0, "reachable": 0.0,
                                         "other": 0.0})  # fmt: skip
    assert first.prob == pytest.approx({"path": 0.0, "frontier": 0.0, "reachable": 0.0,
                                        "other": 0.6 / 4})  # fmt: skip
    assert first.attention == pytest.approx({"path": 0.6, "frontier": 0.15, "unreached": 0.0})
    assert first.attention_mass == pytest.approx({"path": 0.6, "frontier": 0.3, "unreached": 0.0})
    assert first.counts["edges/unreached"] == 4 and first.counts["other"] == 4


def _tiny_symbolic_model(mode: str, seed: int):
    """A random 2-layer, 32-wide model with the symbolic tokenizer, thoughts laid out as
    ``mode`` lays them (with markers for ``coconut``, bare for ``bare``)."""
    torch.manual_seed(seed)
    tokenizer = build_symbolic_tokenizer()
    cfg = OmegaConf.create({"name": "t", "source": "scratch", "init_token": None, "arch": {
        "_target_": "transformers.GPT2Config", "n_layer": 2, "n_head": 2, "n_embd": 32,
        "n_positions": 128}})  # fmt: skip
    model, _ = build_model(cfg, tokenizer, latent_markers=mode == "coconut")
    return model.eval(), tokenizer


@pytest.mark.parametrize("mode", ["coconut", "bare"])
def test_the_probed_states_are_the_models_thoughts(mode):
    model, tokenizer = _tiny_symbolic_model(mode, seed=0)
    ids, queries = sp._prompt(model, tokenizer, RECORD, mode)
    latents = [i for i, t in enumerate(ids) if t == model.latent_token_id]
    assert [q + 1 for q in queries] == latents  # thought k is the input of latent k
    filled = model(torch.tensor([ids])).inputs_embeds[0]
    hidden, probs, attention = sp._states(model, ids, queries)
    # The state at query k is what the model feeds back as thought k (the next position).
    for j, q in enumerate(queries):
        torch.testing.assert_close(hidden[j], filled[q + 1], rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(probs.sum(-1), torch.ones(len(queries)))
    torch.testing.assert_close(attention.sum(-1), torch.ones(len(queries)))
    assert attention[:, max(queries) + 1 :].abs().max() < 1e-6  # causal


def test_cot_mode_reads_the_positions_before_each_written_node(scripted):
    model, tokenizer, _ = scripted
    ids, queries = sp._prompt(model, tokenizer, RECORD, "cot")
    assert tokenizer.decode(ids).endswith("[R] 0\n1\n3\n5\n")
    assert [tokenizer.decode([ids[q + 1]]).strip() for q in queries] == ["1", "3", "5"]


def test_summary_means_over_records(scripted, monkeypatch):
    steps = [sp.StepProbe(1, {"path": 1.0}, {}, {}, {}, {}), sp.StepProbe(1, {"path": 3.0},
             {}, {}, {}, {})]  # fmt: skip
    assert sp.summarize([steps[:1], steps[1:]])["inner"] == {1: {"path": 2.0}}
    with pytest.raises(ValueError, match="no_cot"):
        sp.mode_for_run({"method": {"name": "no_cot"}})
    assert sp.mode_for_run({"method": {"name": "cot"}}) == "cot"
    assert sp.mode_for_run({"method": {"name": "coconut", "bare_latents": True}}) == "bare"
    assert sp.mode_for_run({"method": {"name": "coconut"}}) == "coconut"


@pytest.mark.parametrize("mode", ["coconut", "bare"])
def test_node_probabilities_are_the_per_node_values_the_groups_average(mode):
    model, tokenizer = _tiny_symbolic_model(mode, seed=1)
    table = sp.node_probabilities(model, tokenizer, RECORD, mode=mode)
    probes = sp.probe_record(model, tokenizer, RECORD, mode=mode)
    assert len(table) == len(RECORD["steps"]) and len(table[0]) == len(RECORD["idx_to_symbol"])
    for row, step in zip(table, probes, strict=True):
        for group, nodes in sp.node_groups(RECORD, step.k).items():
            if nodes:
                assert sum(row[v] for v in nodes) / len(nodes) == pytest.approx(step.prob[group])
    with pytest.raises(ValueError, match="mode must be one of"):
        sp.node_probabilities(model, tokenizer, RECORD, mode="walk")
