"""The book's two languages: every string a figure or table shows is picked by one call."""

from __future__ import annotations

LANGS = ("en", "ja")


def tr(lang: str, en: str, ja: str) -> str:
    """Pick the string of ``lang``."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return ja if lang == "ja" else en
