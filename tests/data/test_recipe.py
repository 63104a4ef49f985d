"""coconut.data.recipe: a run's split file, or the same split generated again into the cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coconut.data.recipe import SplitUnavailableError, cache_root, file_sha256, split_file
from coconut.data.splits import make_missing_splits
from coconut.data.symbolic import generate_prosqa_symbolic

SIZES = {"train": 30, "val": 6, "test": 8}
SEEDS = {"train": 0, "val": 1, "test": 2}
GENERATE = {
    "_target_": "coconut.data.symbolic.generate_prosqa_symbolic",
    "_partial_": True,
    "num_nodes": 8,
    "max_steps": 3,
}


def _data(folder: Path, **changes) -> dict:
    names = {"train": "train.json", "val": "valid.json", "test": "test.json"}
    data = {
        "name": "toy_symbolic",
        "splits": {s: str(folder / n) for s, n in names.items()},
        "generated_dir": str(folder),
        "generate": dict(GENERATE),
        "sizes": dict(SIZES),
        "seeds": dict(SEEDS),
    }
    return {**data, **changes}


def _train_like(data: dict) -> dict[str, str]:
    """The files as training made them, and their SHA-256 (as identity.json keeps them)."""

    def generate(**kw):
        return generate_prosqa_symbolic(num_nodes=8, max_steps=3, **kw)

    written = make_missing_splits(data["splits"], generate, SIZES, SEEDS)
    return {split: file_sha256(path) for split, path in written.items()}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("COCONUT_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_present_file_is_returned_and_nothing_is_generated(tmp_path, cache):
    data = _data(tmp_path / "data")
    _train_like(data)
    assert split_file(data, "test") == Path(data["splits"]["test"])
    assert not cache.exists()


def test_a_gone_split_is_generated_again_byte_for_byte_into_the_cache(tmp_path, cache, caplog):
    data = _data(tmp_path / "data")
    sha = _train_like(data)
    original = Path(data["splits"]["test"]).read_bytes()
    for path in data["splits"].values():
        Path(path).unlink()
    with caplog.at_level("INFO", logger="coconut.data.recipe"):
        found = split_file(data, "test", recorded_sha256=sha["test"])
    assert found.is_relative_to(cache) and found.name == "test.json"
    assert found.read_bytes() == original  # train and val were excluded as in training
    assert "byte for byte" in caplog.text
    assert list((tmp_path / "data").iterdir()) == []  # the recorded folder is never written
    assert split_file(data, "test") == found  # a second call reads the cached file


def test_a_regenerated_file_that_differs_from_the_record_is_used_with_a_warning(
    tmp_path, cache, caplog
):
    data = _data(tmp_path / "data")
    found = split_file(data, "val", recorded_sha256="0" * 64)
    assert len(json.loads(found.read_text())) == SIZES["val"]
    assert "differs from the file the run recorded" in caplog.text


def test_another_recipe_gets_its_own_cache_folder(tmp_path, cache):
    first = split_file(_data(tmp_path / "data"), "test")
    other = split_file(_data(tmp_path / "data", seeds={**SEEDS, "test": 5}), "test")
    assert first.parent != other.parent
    assert first.read_bytes() != other.read_bytes()


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"generate": None}, "has no data.generate"),
        ({"generated_dir": "/elsewhere"}, "outside data.generated_dir"),
        ({"generate": {"_target_": "os.system", "_partial_": True}}, "is not one of coconut.data"),
        ({"seeds": {"train": 0}}, "data.seeds has no entry for 'test'"),
    ],
)
def test_a_split_that_was_not_generated_is_refused_naming_the_file(tmp_path, cache, changes, why):
    data = _data(tmp_path / "data", **changes)
    with pytest.raises(SplitUnavailableError) as error:
        split_file(data, "test", override="split_path=<file>")
    message = str(error.value)
    assert message.startswith(str(tmp_path / "data" / "test.json"))
    assert why in message and "pass split_path=<file>" in message
    assert not cache.exists()


def test_cache_root_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("COCONUT_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "coconut"
    monkeypatch.setenv("COCONUT_CACHE", str(tmp_path / "mine"))
    assert cache_root() == tmp_path / "mine"
