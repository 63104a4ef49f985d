"""Node values: how much probability a model puts on each graph node after ``k`` thoughts.

After ``k`` forced thoughts and ``<|end-latent|>`` the model switches to language, and
its next step names a node: on ProsQA the step after ``k >= 1`` thoughts reads
``"Every <node> is a ..."`` with ``<node>`` ``k`` hops from the entity (with no thought
it reads ``"<entity> is a <node>"``, one hop). The *value* of a node is the probability
the model gives its name after that language cue, multiplied over the name's tokens
(teacher-forced), as in the paper's Section 5.3. :class:`LanguageCue` says which prefix
to append and which frontier the named node belongs to, per task.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from transformers import PreTrainedTokenizerBase

from coconut.data.graph import ReasoningGraph
from coconut.model import Coconut
from coconut.probe.prompts import pad_batch, thought_prompt


@dataclass(frozen=True)
class LanguageCue:
    """The language that follows ``k`` thoughts and the hop of the node it names next.

    Attributes:
        prefix: text appended after ``<|end-latent|>``; ``{entity}`` is replaced by the
            root's name.
        hop: the frontier (hops from the entity) of the node named after ``prefix``.
    """

    prefix: str
    hop: int


def prosqa_cue(k: int) -> LanguageCue:
    """ProsQA: ``"<entity> is a"`` with no thought (1 hop), ``"Every"`` after ``k`` (k hops)."""
    return LanguageCue("{entity} is a", 1) if k == 0 else LanguageCue("Every", k)


def prontoqa_cue(k: int) -> LanguageCue:
    """ProntoQA: each step starts ``"<entity> is"`` and names the node ``k + 1`` hops away."""
    return LanguageCue("{entity} is", k + 1)


def continuation_ids(tokenizer: PreTrainedTokenizerBase, prefix: str, text: str) -> list[int]:
    """Ids of ``text`` as the tokenizer splits it after ``prefix``.

    ``prefix + text`` is encoded whole when that keeps the prefix's own tokens intact,
    so merges across the boundary are taken as the model sees them; otherwise ``text``
    is encoded alone.
    """
    head = tokenizer(prefix, add_special_tokens=False)["input_ids"] if prefix else []
    whole = tokenizer(prefix + text, add_special_tokens=False)["input_ids"]
    if whole[: len(head)] == head and len(whole) > len(head):
        return list(whole[len(head) :])
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


@torch.no_grad()
def node_values(
    model: Coconut,
    tokenizer: PreTrainedTokenizerBase,
    question: str,
    graph: ReasoningGraph,
    k: int,
    prefix: str,
) -> list[float]:
    """The value of every node of ``graph`` after ``k`` thoughts and ``prefix``.

    Returns:
        ``values[i]``: probability of node ``i``'s text (``graph.texts[i]``) right after
        ``question, bot, latent x k, eot, prefix``, multiplied over its tokens.
    """
    prefix = prefix.format(entity=graph.names[graph.root])
    base = thought_prompt(model, tokenizer, question, k)
    base += tokenizer(prefix, add_special_tokens=False)["input_ids"] if prefix else []
    tails = [continuation_ids(tokenizer, prefix, text) for text in graph.texts]
    batch = pad_batch([base + tail for tail in tails], model.eos_token_id, [0] * len(tails))
    device = next(model.parameters()).device
    out = model(batch.input_ids.to(device), batch.attention_mask.to(device))
    logprobs = out.logits.float().log_softmax(-1)
    values = []
    for row, tail in enumerate(tails):
        positions = torch.arange(len(base) - 1, len(base) - 1 + len(tail), device=device)
        picked = logprobs[row, positions, torch.tensor(tail, device=device)]
        values.append(math.exp(float(picked.sum())))
    return values


@dataclass
class FrontierValues:
    """One example's node values after ``k`` thoughts, split by frontier.

    Attributes:
        k: thoughts.
        hop: the frontier the values are compared against.
        values: value of every node.
        frontier: the walk frontier after ``hop`` hops (nodes at the end of some walk of
            ``hop`` edges from the entity; :meth:`~coconut.data.graph.ReasoningGraph.frontier`).
        heights: every node's height (``None``: no leaf reachable).
    """

    k: int
    hop: int
    values: list[float]
    frontier: list[int]
    heights: list[int | None]

    def cumulative_top(self, n: int = 3) -> list[float]:
        """Sum of the 1, 2, ..., ``n`` largest frontier values (short frontiers repeat)."""
        ranked = sorted((self.values[i] for i in self.frontier), reverse=True)
        sums, total = [], 0.0
        for i in range(n):
            total += ranked[i] if i < len(ranked) else 0.0
            sums.append(total)
        return sums

    @property
    def non_frontier(self) -> list[int]:
        inside = set(self.frontier)
        return [i for i in range(len(self.values)) if i not in inside]

    def frontier_mass(self) -> float:
        """Summed value of the frontier nodes."""
        return sum(self.values[i] for i in self.frontier)

    def non_frontier_mass(self) -> float:
        """Summed value of every other node."""
        return sum(self.values[i] for i in self.non_frontier)

    def frontier_beats(self) -> bool | None:
        """Whether the best frontier node beats the best other node (None if either is empty)."""
        others = self.non_frontier
        if not self.frontier or not others:
            return None
        return max(self.values[i] for i in self.frontier) > max(self.values[i] for i in others)


def frontier_values(
    model: Coconut,
    tokenizer: PreTrainedTokenizerBase,
    question: str,
    graph: ReasoningGraph,
    k: int,
    cue: LanguageCue,
) -> FrontierValues:
    """Node values after ``k`` thoughts with their frontier and heights."""
    values = node_values(model, tokenizer, question, graph, k, cue.prefix)
    return FrontierValues(k, cue.hop, values, graph.frontier(cue.hop), graph.heights())
