"""The cache keyword and field of each transformers version, and silent incremental passes."""

from __future__ import annotations

import dataclasses
import inspect
import warnings
from types import SimpleNamespace

import torch
from tiny import mixed_batch

from coconut.model.kv_cache import cache_keyword, returned_cache
from coconut.model.reference import naive_generate


class _LegacyDecoder(torch.nn.Module):
    def forward(self, inputs_embeds=None, past_key_values=None, use_cache=None):
        return SimpleNamespace(past_key_values=("legacy", past_key_values))


class _Wrapper(torch.nn.Module):
    """Forwards ``**kwargs`` to a base model, as a PEFT model does."""

    def __init__(self, base):
        super().__init__()
        self.base = base

    def get_base_model(self):
        return self.base

    def forward(self, *args, **kwargs):
        return self.base(*args, **kwargs)


@dataclasses.dataclass
class _RenamedOutput:
    cache: object = None


def test_a_legacy_decoder_gets_past_key_values():
    assert cache_keyword(_LegacyDecoder()) == "past_key_values"
    output = _LegacyDecoder()(**{cache_keyword(_LegacyDecoder()): 7})
    assert returned_cache(output) == ("legacy", 7)


def test_the_installed_models_get_the_name_their_forward_declares(model):
    decoder = model.base_causallm.base_model
    parameters = inspect.signature(type(decoder).forward).parameters
    expected = "cache" if "cache" in parameters else "past_key_values"
    assert cache_keyword(decoder) == expected
    assert cache_keyword(_Wrapper(decoder)) == expected


def test_the_renamed_output_field_is_read():
    assert returned_cache(_RenamedOutput(cache="kv")) == "kv"


def test_generation_raises_no_cache_deprecation_warning(model):
    ids, mask = mixed_batch()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = model.generate(ids, mask, max_new_tokens=4)
    assert not [w for w in caught if "past_key_values" in str(w.message)]
    n = int(result.num_new_tokens[0])
    assert result.sequences[0, :n].tolist() == naive_generate(model, ids[0], 4)
