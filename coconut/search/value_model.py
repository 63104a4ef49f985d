"""The Q-value model: a causal LM with a scalar head on the last token's hidden state.

Q̂(s, a) reads the text of the state ``s`` followed by the step ``a`` and returns a
probability that the best completion from there is correct. It is initialised from the
policy's weights (a fresh zero head: Q̂ = 0.5 everywhere) and saved as a Hugging Face
directory (the LM) plus ``value_head.safetensors`` and ``qvalue.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import AutoModelForCausalLM, PreTrainedModel

from coconut.model.backbone import decoder_and_head

HEAD_FILE = "value_head.safetensors"
CONFIG_FILE = "qvalue.json"


class QValueModel(nn.Module):
    """Scalar-headed causal LM.

    Args:
        base: the causal LM whose decoder reads the text.
    """

    def __init__(self, base: PreTrainedModel) -> None:
        super().__init__()
        self.base = base
        self.head = nn.Linear(base.config.hidden_size, 1)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Logits of Q̂ for a batch, ``(B,)``; any padding side works."""
        decoder, _ = decoder_and_head(self.base)
        positions = (attention_mask.long().cumsum(-1) - 1).clamp(min=0)
        hidden = decoder(
            input_ids=input_ids, attention_mask=attention_mask, position_ids=positions
        ).last_hidden_state  # (B, T, D)
        columns = torch.arange(input_ids.shape[1], device=input_ids.device)
        last = (attention_mask.bool() * columns).argmax(-1)  # (B,) last real token
        return self.head(hidden[torch.arange(len(hidden)), last]).squeeze(-1)

    def save_pretrained(self, directory: str | Path, tokenizer=None) -> None:
        """Writes the LM, the head and ``qvalue.json`` into ``directory``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.base.save_pretrained(directory, safe_serialization=True)
        if tokenizer is not None:
            tokenizer.save_pretrained(directory)
        state = {k: v.detach().contiguous() for k, v in self.head.state_dict().items()}
        save_file(state, directory / HEAD_FILE)
        (directory / CONFIG_FILE).write_text(json.dumps({"head": "linear-last-token"}) + "\n")

    @classmethod
    def from_pretrained(cls, directory: str | Path) -> QValueModel:
        """Loads a directory written by :meth:`save_pretrained`.

        Raises:
            FileNotFoundError: if ``directory`` holds no Q-value model.
        """
        directory = Path(directory)
        if not (directory / HEAD_FILE).is_file():
            raise FileNotFoundError(f"{directory}: no {HEAD_FILE} (not a Q-value model)")
        model = cls(AutoModelForCausalLM.from_pretrained(directory))
        model.head.load_state_dict(load_file(directory / HEAD_FILE))
        return model

    @classmethod
    def from_policy(cls, policy_dir: str | Path) -> QValueModel:
        """A new model whose LM is the policy's (a ``Coconut.save_pretrained`` directory)."""
        return cls(AutoModelForCausalLM.from_pretrained(policy_dir)).train()
