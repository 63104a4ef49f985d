"""Decoded thoughts and forced prompts against a step-by-step computation on a random model."""

from __future__ import annotations

import pytest
import torch
from tiny import tiny_gpt2

from coconut.model import END_LATENT, LATENT, START_LATENT, Coconut
from coconut.probe.prompts import question_ids, thought_prompt
from coconut.probe.thoughts import decode_thoughts


@pytest.fixture(scope="module")
def random_model(make_tokenizer):
    tok = make_tokenizer()
    base = tiny_gpt2(len(tok), 1024, n_embd=16, seed=0)
    latent, bot, eot = tok.convert_tokens_to_ids([LATENT, START_LATENT, END_LATENT])
    model = Coconut(base, latent, bot, eot, tok.eos_token_id)
    return model.eval(), tok


def test_thought_prompt_layout(random_model):
    model, tok = random_model
    q = question_ids(tok, "Alex is a wumpus?")
    bot, latent, eot = model.marker_ids
    assert thought_prompt(model, tok, "Alex is a wumpus?", 3) == [
        *q,
        bot,
        latent,
        latent,
        latent,
        eot,
    ]
    assert tok.decode(q) == "Alex is a wumpus?\n"
    with pytest.raises(ValueError, match=">= 0"):
        thought_prompt(model, tok, "q", -1)


@torch.no_grad()
def test_thoughts_are_the_hidden_states_fed_back(random_model):
    model, tok = random_model
    question = "Every wumpus is a yumpus. Alex is a wumpus."
    embeds = model.base_causallm.get_input_embeddings()
    ids = torch.tensor([[*question_ids(tok, question), model.start_latent_id]])
    inputs = embeds(ids)
    expected = []
    for _ in range(2):  # run the chain by hand: each last hidden state becomes the next input
        out = model.base_causallm(inputs_embeds=inputs, output_hidden_states=True)
        hidden = out.hidden_states[-1][:, -1]
        expected.append((hidden[0], out.logits[0, -1].softmax(-1)))
        inputs = torch.cat([inputs, hidden[:, None]], dim=1)
    # the second (a shorter batch mate) pads the batch: results must not depend on it
    decoded = decode_thoughts(model, tok, [question, "Alex?"], k=2, top_k=3, batch_size=2)[0]
    for thought, (hidden, probs) in zip(decoded, expected, strict=True):
        assert torch.allclose(thought.hidden, hidden, atol=1e-5)
        assert thought.norm == pytest.approx(float(hidden.norm()), rel=1e-5)
        assert thought.top_ids == probs.topk(3).indices.tolist()
        assert thought.top_probs == pytest.approx(probs.topk(3).values.tolist(), rel=1e-4)
