"""Fixtures for the data tests: small hand-written files, and the shared reference data."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture
def fixtures() -> Path:
    """Folder of the hand-written fixture files."""
    return FIXTURES


@pytest.fixture
def prosqa_records() -> list[dict[str, Any]]:
    """Two hand-made ProsQA examples in the published format (fresh copies per test)."""
    return copy.deepcopy(json.loads((FIXTURES / "prosqa_sample.json").read_text()))


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data`` next to the repository; skips the test when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def cache_dir(tmp_path: Path) -> str:
    """A private ``datasets`` cache folder."""
    return str(tmp_path / "hf-cache")
