"""Every test writes its artefacts, claims and figures into temporary folders, never into the
user's cache or the book's _build (a test may still point them elsewhere itself)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from emnlp21.core.paths import cache_dir


# The environment as the user started pytest, before the fixtures below point it at temporary folders:
# what a test that runs one of the book's own targets (the dry run) hands to it.
USER_ENVIRONMENT = dict(os.environ)


@pytest.fixture(scope="session")
def _session_cache(tmp_path_factory) -> Path:
    """One artefact cache for the whole run. The corpora (Debian packages fetched with apt) are read
    from the user's cache when it has them: they are inputs, not something a test builds."""
    user = cache_dir()
    cache = tmp_path_factory.mktemp("emnlp21-cache")
    if (user / "corpora").is_dir():
        (cache / "corpora").symlink_to(user / "corpora", target_is_directory=True)
    return cache


@pytest.fixture(autouse=True)
def _isolated_outputs(_session_cache, tmp_path_factory, monkeypatch):
    monkeypatch.setenv("EMNLP21_CACHE", str(_session_cache))
    outputs = tmp_path_factory.mktemp("outputs")
    monkeypatch.setenv("EMNLP21_CLAIMS", str(outputs / "claims"))
    monkeypatch.setenv("EMNLP21_FIGURES", str(outputs / "figures"))
