"""Shared fixtures: every test runs in an empty folder with no corpus settings from the user."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import SEEDS
from hypothesis import HealthCheck, settings

# CI runs a fixed, derandomized set of examples; `HYPOTHESIS_PROFILE=fuzz` searches longer.
settings.register_profile("ci", derandomize=True, deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", deadline=None, max_examples=20_000, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty folder, without $CORPUS_PATH, NO_COLOR, debug settings or the terminal's size
    and type from the caller (pytest-xdist exports COLUMNS=80, for one), with a cache folder of its own."""
    for name in ("CORPUS_PATH", "CORPUS_DEBUG", "NO_COLOR", "COLUMNS", "LINES", "TERM"):
        monkeypatch.delenv(name, raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # an index of the seeds goes here
    return work


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(SEEDS, target)
    return target
