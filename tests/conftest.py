"""Shared test fixtures: where ../shared lives, and clean skips when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TRACKER_SHARED", REPO.parent / "shared"))
SEEDS_DIR = SHARED / "seeds"
DATA_DIR = SHARED / "data"


@pytest.fixture(autouse=True)
def _isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep tests away from the user's cache, store and actor files."""
    monkeypatch.setenv("TRACKER_CACHE", str(tmp_path_factory.getbasetemp() / "cache-empty"))
    monkeypatch.delenv("TRACKER_STORE", raising=False)
    monkeypatch.delenv("TRACKER_ACTORS", raising=False)
    monkeypatch.delenv("TRACKER_DATES", raising=False)
    monkeypatch.delenv("TRACKER_PHRASES", raising=False)
    monkeypatch.delenv("TRACKER_WORDS", raising=False)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The five seed reports; skip when ../shared/seeds is absent."""
    if not SEEDS_DIR.is_dir() or not any(SEEDS_DIR.glob("*.txt")):
        pytest.skip(f"seed reports not found at {SEEDS_DIR}")
    return SEEDS_DIR


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """The real gazetteer sources; skip when ../shared/data is absent."""
    if not (DATA_DIR / "ocha_cod_ps").is_dir():
        pytest.skip(f"shared gazetteer data not found at {DATA_DIR}")
    return DATA_DIR
