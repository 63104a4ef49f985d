"""Fixtures for the method tests: a hand-made 3-step example and token ids."""

import pytest

from coconut.curriculum import TokenizedExample
from coconut.model.tokens import TokenIds


@pytest.fixture
def ids() -> TokenIds:
    return TokenIds(start_latent=90, latent=91, end_latent=92, pause=93, eos=99)


@pytest.fixture
def ex() -> TokenizedExample:
    """Question [1, 2]; steps [3, 4], [5], [6, 7, 8]; answer [9, eos]."""
    return TokenizedExample(question=[1, 2], steps=[[3, 4], [5], [6, 7, 8]], answer=[9, 99])
