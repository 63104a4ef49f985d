"""Batched, KV-cached sampling from a CoT policy, one step or one whole rollout at a time.

Several prefixes, each sampled ``n`` times, run as one left-padded batch: one prefill pass,
then one cached pass per new token until every row has hit its stop token. Every pass and
every generated token is added to a :class:`~coconut.search.counters.ComputeCounter`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from coconut.model.kv_cache import cache_keyword, returned_cache
from coconut.search.counters import ComputeCounter
from coconut.search.mdp import newline_token_ids


@dataclass(frozen=True)
class Sample:
    """One sampled continuation.

    Attributes:
        ids: generated ids, the stop token included.
        stop: ``"newline"``, ``"eos"`` or ``"length"`` (budget or context exhausted).
    """

    ids: tuple[int, ...]
    stop: str


class StepPolicy:
    """A CoT-trained causal LM that proposes steps and completes rollouts.

    Args:
        model: the Hugging Face causal LM (``Coconut.base_causallm`` of a CoT run).
        tokenizer: its tokenizer (eos also pads).
        counter: where calls are counted.
        seed: seed of the sampling generator.
    """

    def __init__(
        self,
        model: PreTrainedModel,
        tokenizer: PreTrainedTokenizerBase,
        counter: ComputeCounter | None = None,
        seed: int = 0,
    ) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.counter = counter if counter is not None else ComputeCounter()
        self.eos = int(tokenizer.eos_token_id)
        self.newline_ids = newline_token_ids(tokenizer)
        config = getattr(model, "config", None)
        vocab = max(len(tokenizer), getattr(config, "vocab_size", 0) or 0)  # (a padded LM head)
        self._newline = torch.zeros(vocab, dtype=torch.bool)
        self._newline[list(self.newline_ids)] = True
        self.generator = torch.Generator().manual_seed(seed)
        self.context = getattr(config, "n_positions", None) or getattr(
            config, "max_position_embeddings", None
        )

    @torch.no_grad()
    def sample(
        self,
        prefixes: Sequence[Sequence[int]],
        n: int,
        temperature: float,
        max_new_tokens: int,
        until: str = "step",
    ) -> list[list[Sample]]:
        """Samples ``n`` continuations of every prefix in one batch.

        Args:
            prefixes: token ids of each state.
            n: samples per prefix.
            temperature: 0 decodes greedily; otherwise softmax(logits / temperature).
            max_new_tokens: most tokens per sample.
            until: ``"step"`` stops at a newline token or eos, ``"eos"`` only at eos.

        Returns:
            ``n`` samples per prefix, in order.
        """
        if n < 1 or max_new_tokens < 1:
            raise ValueError(f"need n >= 1 and max_new_tokens >= 1, got {n}, {max_new_tokens}")
        rows = [list(p) for p in prefixes for _ in range(n)]
        if not rows:
            return []
        budget = max_new_tokens
        if self.context is not None:
            budget = min(budget, self.context - max(len(r) for r in rows))
        generated = self._decode(rows, temperature, budget, until) if budget > 0 else None
        samples = [self._sample_of(generated, i, until) for i in range(len(rows))]
        return [samples[i * n : (i + 1) * n] for i in range(len(prefixes))]

    def _decode(
        self, rows: list[list[int]], temperature: float, budget: int, until: str
    ) -> torch.Tensor:
        ids, mask = _left_pad(rows, self.eos)
        positions = (mask.cumsum(-1) - 1).clamp(min=0)
        self.counter.policy_prompt_tokens += int(mask.sum())
        out = self.model(input_ids=ids, attention_mask=mask, position_ids=positions, use_cache=True)
        self.counter.policy_forward_passes += 1
        done = torch.zeros(len(rows), dtype=torch.bool)
        next_pos, tokens = positions[:, -1:] + 1, []
        keyword = cache_keyword(self.model)
        for step in range(budget):
            token = self._pick(out.logits[:, -1], temperature)
            token = torch.where(done, self.eos, token)
            tokens.append(torch.where(done, -1, token))
            self.counter.policy_tokens += int((~done).sum())
            stop = token.eq(self.eos)
            if until == "step":
                stop |= self._newline[token]
            done |= stop
            if bool(done.all()) or step == budget - 1:
                break
            mask = torch.cat([mask, torch.ones_like(mask[:, :1])], dim=1)
            out = self.model(
                input_ids=token[:, None],
                attention_mask=mask,
                position_ids=next_pos,
                **{keyword: returned_cache(out)},
                use_cache=True,
            )
            self.counter.policy_forward_passes += 1
            next_pos = next_pos + 1
        return torch.stack(tokens, 1)  # (rows, new), -1 after a row stopped

    def _pick(self, logits: torch.Tensor, temperature: float) -> torch.Tensor:
        if temperature <= 0:
            return logits.argmax(-1)
        probs = torch.softmax(logits.float() / temperature, dim=-1)
        return torch.multinomial(probs, 1, generator=self.generator).squeeze(-1)

    def _sample_of(self, generated: torch.Tensor | None, row: int, until: str) -> Sample:
        if generated is None:
            return Sample((), "length")
        ids = tuple(int(t) for t in generated[row].tolist() if t >= 0)
        if ids and ids[-1] == self.eos:
            return Sample(ids, "eos")
        if ids and until == "step" and ids[-1] in self.newline_ids:
            return Sample(ids, "newline")
        return Sample(ids, "length")


def _left_pad(rows: list[list[int]], pad: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        if row:
            ids[i, width - len(row) :] = torch.tensor(row)
            mask[i, width - len(row) :] = 1
    return ids, mask
