"""Fixtures for the curriculum tests: a hand-made 3-step example and special ids."""

import pytest
from curriculum_consts import BOT, EOS, EOT, LAT, PAUSE

from coconut.curriculum import TokenizedExample
from coconut.model.tokens import TokenIds


@pytest.fixture
def ids() -> TokenIds:
    return TokenIds(start_latent=BOT, latent=LAT, end_latent=EOT, pause=PAUSE, eos=EOS)


@pytest.fixture
def ex() -> TokenizedExample:
    """Question [1, 2]; steps [3, 4], [5], [6, 7, 8]; answer [9, eos]."""
    return TokenizedExample(question=[1, 2], steps=[[3, 4], [5], [6, 7, 8]], answer=[9, EOS])
