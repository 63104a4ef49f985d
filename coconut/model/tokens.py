"""Special tokens of continuous thought and how to add them to a tokenizer and a model.

``<|start-latent|>`` (bot) and ``<|end-latent|>`` (eot) delimit a span of ``<|latent|>``
positions whose input embeddings are replaced by the previous position's last hidden
state. ``<|pause|>`` is an ordinary learned token used by the pause baselines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

START_LATENT = "<|start-latent|>"
LATENT = "<|latent|>"
END_LATENT = "<|end-latent|>"
PAUSE = "<|pause|>"
SPECIAL_TOKENS = (START_LATENT, LATENT, END_LATENT, PAUSE)


@dataclass(frozen=True)
class TokenIds:
    """The token ids that layouts, batching and the model need: the one token-id type.

    Attributes:
        start_latent: ``<|start-latent|>`` (bot).
        latent: ``<|latent|>``.
        end_latent: ``<|end-latent|>`` (eot).
        pause: ``<|pause|>``.
        eos: end of sequence; also the padding id.
        extra: ids of the extra tokens a method asks for (``Method.special_tokens()``),
            by token text.
    """

    start_latent: int
    latent: int
    end_latent: int
    pause: int
    eos: int
    extra: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_tokenizer(
        cls, tokenizer: PreTrainedTokenizerBase, extra_tokens: Iterable[str] = ()
    ) -> TokenIds:
        """Looks the markers, eos and ``extra_tokens`` up in ``tokenizer``.

        Raises:
            ValueError: if a token is missing (call :func:`add_latent_tokens` first) or
                the tokenizer has no eos token.
        """
        if tokenizer.eos_token_id is None:
            raise ValueError("tokenizer has no eos token; set tokenizer.eos_token")
        markers = [_single_id(tokenizer, token) for token in SPECIAL_TOKENS]
        extra = {token: _single_id(tokenizer, token) for token in extra_tokens}
        return cls(*markers, eos=int(tokenizer.eos_token_id), extra=extra)


def _single_id(tokenizer: PreTrainedTokenizerBase, token: str) -> int:
    token_id = tokenizer.convert_tokens_to_ids(token)
    if token_id is None or token_id == tokenizer.unk_token_id:
        raise ValueError(f"tokenizer has no token {token!r}; call add_latent_tokens() first")
    return int(token_id)


def add_latent_tokens(
    tokenizer: PreTrainedTokenizerBase,
    model: PreTrainedModel,
    init_token: str | None = None,
    extra_tokens: Iterable[str] = (),
) -> TokenIds:
    """Adds the marker tokens to ``tokenizer`` and grows ``model``'s embeddings to match.

    Tokens already present are kept, so calling this twice is harmless.

    Args:
        tokenizer: tokenizer to extend in place.
        model: causal LM whose input (and untied output) embeddings are resized in place.
        init_token: if given, every new embedding row is a copy of this token's row
            (the paper's code copies ``"<<"``); it must encode to exactly one token.
            If ``None``, the rows keep ``resize_token_embeddings``' initialisation.
        extra_tokens: further special tokens a method needs (``Method.special_tokens()``).

    Returns:
        The ids of the markers, eos and the extra tokens.
    """
    extra_tokens = tuple(extra_tokens)
    vocab = tokenizer.get_vocab()
    new_tokens = list(dict.fromkeys(t for t in (*SPECIAL_TOKENS, *extra_tokens) if t not in vocab))
    if new_tokens:
        tokenizer.add_tokens(new_tokens, special_tokens=True)
    old_rows = model.get_input_embeddings().weight.shape[0]
    if len(tokenizer) > old_rows:
        model.resize_token_embeddings(len(tokenizer))
    ids = TokenIds.from_tokenizer(tokenizer, extra_tokens)
    if init_token is not None:
        new_ids = [tokenizer.convert_tokens_to_ids(t) for t in new_tokens]
        _copy_rows(tokenizer, model, init_token, new_ids)
    return ids


def _copy_rows(
    tokenizer: PreTrainedTokenizerBase, model: PreTrainedModel, init_token: str, rows: list[int]
) -> None:
    source = tokenizer.encode(init_token, add_special_tokens=False)
    if len(source) != 1:
        raise ValueError(f"init_token {init_token!r} encodes to {len(source)} tokens, expected 1")
    inputs, outputs = model.get_input_embeddings(), model.get_output_embeddings()
    with torch.no_grad():
        for row in rows:
            inputs.weight[row] = inputs.weight[source[0]]
            if outputs is not None and outputs.weight is not inputs.weight:
                outputs.weight[row] = outputs.weight[source[0]]
