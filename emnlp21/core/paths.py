"""Where things live: the project root (found from the working directory), data, caches, claims."""

from __future__ import annotations

import os
from pathlib import Path

_MARKERS = ("_config.yml", "profiles")


def project_root() -> Path:
    """The folder holding ``_config.yml`` and ``profiles/``.

    Searched upward from the working directory (notebooks run from the root or from ``notebooks/``),
    then beside the installed package (an editable install).
    """
    candidates = [Path.cwd(), *Path.cwd().parents, Path(__file__).resolve().parents[2]]
    for folder in candidates:
        if all((folder / m).exists() for m in _MARKERS):
            return folder
    raise FileNotFoundError(
        "Cannot find the book's project root (a folder with _config.yml and profiles/). "
        "Run from inside the repository, e.g. `cd emnlp2021-book && papermill notebooks/...`."
    )


def data_dir() -> Path:
    """Small sourced tables kept in git."""
    return project_root() / "data"


def cache_dir(*parts: str) -> Path:
    """Downloads, corpora, checkpoints, features: ``$EMNLP21_CACHE``, else ``$XDG_CACHE_HOME/emnlp21``
    (``~/.cache/emnlp21``). Outside the checkout, like the Hugging Face cache, so that every clone and
    every profile shares trained models; each entry is keyed by a hash of what determines it."""
    xdg = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    base = Path(os.environ.get("EMNLP21_CACHE") or xdg / "emnlp21")
    path = base.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def build_dir(*parts: str) -> Path:
    path = project_root().joinpath("_build", *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def figures_dir() -> Path:
    """Every figure as PNG, per language, for review and tests (``$EMNLP21_FIGURES`` redirects a test run)."""
    path = Path(os.environ.get("EMNLP21_FIGURES") or build_dir("figures"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def claims_dir() -> Path:
    """One JSON file per notebook; the front page's scoreboard renders all of them."""
    return Path(os.environ.get("EMNLP21_CLAIMS") or build_dir("claims"))
