"""The search configs compose, and invalid λ, K, N fail naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from coconut.hydra_app import CONFIG_DIR
from coconut.search.config import SearchConfig, SearchConfigError

SEARCHES = sorted(p.stem for p in (Path(CONFIG_DIR) / "search").glob("*.yaml"))


def _compose(*overrides: str):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose("search", overrides=["policy=p", *overrides])


@pytest.mark.parametrize("name", SEARCHES)
@pytest.mark.parametrize("preset", ["prosqa", "gsm8k"])
def test_every_search_and_preset_composes_into_a_valid_config(name, preset):
    cfg = _compose(f"search={name}", f"search_preset={preset}")
    search = SearchConfig.from_mapping(OmegaConf.to_container(cfg.search))
    assert search.name == name


def test_the_four_searches_are_there():
    assert SEARCHES == ["astar", "beam", "best_of_n", "greedy"]


@pytest.mark.parametrize(
    "key,value",
    [("lam", -1.0), ("lam", "big"), ("top_k", 0), ("top_k", 2.5), ("n", 0), ("width", -3),
     ("temperature", -0.1), ("max_expansions", 0), ("g", "max"), ("value", "critic"),
     ("proposer", "oracle"), ("name", "mcts")],
)  # fmt: skip
def test_invalid_values_name_their_key(key, value):
    with pytest.raises(SearchConfigError, match=rf"search\.{key}\b"):
        SearchConfig(**{key: value})


def test_unknown_keys_are_refused():
    with pytest.raises(SearchConfigError, match="beam_size"):
        SearchConfig.from_mapping({"name": "beam", "beam_size": 3})
