"""Node values and decoded thoughts on a model whose next-token distribution is fixed.

The model's final layer norm has weight 0 and bias e_0, so every position's last hidden
state is e_0 whatever the input; its (untied) LM head's first column holds log q, so
every next-token distribution is exactly q. A node's value is then the product of q
over its tokens, and every thought is e_0 and decodes to q's top tokens.
"""

from __future__ import annotations

import math

import pytest
import torch
from tiny import tiny_gpt2

from coconut.data.graph import ReasoningGraph
from coconut.model import END_LATENT, LATENT, START_LATENT, Coconut
from coconut.probe.thoughts import decode_thoughts
from coconut.probe.values import continuation_ids, frontier_values, node_values, prosqa_cue

NAMES = ("Tom", "wumpus", "yumpus", "zumpus", "dumpus")
GRAPH = ReasoningGraph(NAMES, ((0, 1), (0, 2), (1, 3), (2, 4)), root=0, target=3)
QUESTION = "Every wumpus is a zumpus. Tom is a wumpus. Is Tom a zumpus or dumpus?"


@pytest.fixture(scope="module")
def fixed(make_tokenizer):
    tok = make_tokenizer()
    vocab = len(tok)
    base = tiny_gpt2(vocab, n_layer=1, n_head=1, n_embd=8, tie_word_embeddings=False)
    weights = torch.rand(vocab, generator=torch.Generator().manual_seed(0)) + 0.1
    for i, name in enumerate(NAMES):  # make the nodes' first tokens likelier, unevenly
        weights[tok(" " + name, add_special_tokens=False)["input_ids"][0]] += 5.0 * (i + 1)
    q = weights / weights.sum()
    with torch.no_grad():
        base.transformer.ln_f.weight.zero_()
        base.transformer.ln_f.bias.zero_()
        base.transformer.ln_f.bias[0] = 1.0
        base.lm_head.weight.zero_()
        base.lm_head.weight[:, 0] = q.log()
    latent, bot, eot = tok.convert_tokens_to_ids([LATENT, START_LATENT, END_LATENT])
    model = Coconut(base, latent, bot, eot, tok.eos_token_id).eval()
    return model, tok, q


def expected_value(tok, q, prefix, text):
    head = tok(prefix, add_special_tokens=False)["input_ids"]
    whole = tok(prefix + text, add_special_tokens=False)["input_ids"]
    assert whole[: len(head)] == head  # the byte-level BPE splits at the space
    return math.prod(float(q[t]) for t in whole[len(head) :])


@pytest.mark.parametrize("k", [0, 1, 3])
def test_node_values_are_the_product_of_token_probabilities(fixed, k):
    model, tok, q = fixed
    cue = prosqa_cue(k)
    values = node_values(model, tok, QUESTION, GRAPH, k, cue.prefix)
    prefix = cue.prefix.format(entity="Tom")
    expected = [expected_value(tok, q, prefix, " " + name) for name in NAMES]
    assert values == pytest.approx(expected, rel=1e-4)
    assert len(continuation_ids(tok, prefix, " zumpus")) >= 1


def test_frontier_summary_on_known_values(fixed):
    model, tok, _ = fixed
    result = frontier_values(model, tok, QUESTION, GRAPH, 1, prosqa_cue(1))
    assert result.hop == 1 and result.frontier == [1, 2]
    v = result.values
    assert result.cumulative_top(3) == pytest.approx([max(v[1], v[2]), v[1] + v[2], v[1] + v[2]])
    assert result.frontier_mass() == pytest.approx(v[1] + v[2])
    assert result.non_frontier_mass() == pytest.approx(v[0] + v[3] + v[4])
    # the weights grow with the node index, so dumpus (not on frontier 1) beats them
    assert result.frontier_beats() is (max(v[1], v[2]) > max(v[0], v[3], v[4]))
    assert result.heights == [2, 1, 1, 0, 0]


def test_decoded_thoughts_are_the_fixed_state_and_distribution(fixed):
    model, tok, q = fixed
    thoughts = decode_thoughts(model, tok, [QUESTION, "Tom?"], k=3, top_k=4, batch_size=2)
    assert [len(t) for t in thoughts] == [3, 3]
    top = q.topk(4)
    for row in thoughts:
        for i, thought in enumerate(row, start=1):
            assert thought.index == i and thought.norm == pytest.approx(1.0)
            assert torch.allclose(thought.hidden, torch.eye(8)[0], atol=1e-6)
            assert thought.top_ids == top.indices.tolist()
            assert thought.top_probs == pytest.approx(top.values.tolist(), rel=1e-5)
            assert thought.top_tokens[0] == tok.decode([top.indices[0].item()])
