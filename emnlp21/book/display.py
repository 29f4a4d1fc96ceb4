"""Bilingual figures and tables.

Every figure is drawn once per language and displayed with ``metadata={"lang": ...}``; the book's
Sphinx extension keeps only the outputs of the page's language (outputs without a ``lang`` are
shown in both). The PNGs are also saved under ``_build/figures`` for review and tests.
"""

from __future__ import annotations

import io
from typing import Callable

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .paths import figures_dir  # noqa: E402

LANGS = ("en", "ja")


def tr(lang: str, en: str, ja: str) -> str:
    """Pick the string of ``lang``."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return ja if lang == "ja" else en


def use_theme() -> None:
    """seaborn's theme, then the bundled Japanese font (set_theme resets the font family)."""
    import matplotlib_fontja
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook")
    matplotlib_fontja.japanize()
    plt.rcParams["figure.dpi"] = 110
    plt.rcParams["savefig.bbox"] = "tight"


def _display(obj, lang: str) -> None:
    from IPython.display import display

    display(obj, metadata={"lang": lang})


def show_figure(draw: Callable[[str], "matplotlib.figure.Figure"], name: str) -> None:
    """Draw ``draw(lang)`` for each language, save ``figures_dir()/<name>.<lang>.png``, display both."""
    from IPython.display import Image

    pngs: dict[str, bytes] = {}
    for lang in LANGS:
        fig = draw(lang)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        pngs[lang] = buf.getvalue()
        (figures_dir() / f"{name}.{lang}.png").write_bytes(pngs[lang])
        _display(Image(data=pngs[lang], format="png"), lang)


def show_table(make: Callable[[str], object]) -> None:
    """Display ``make(lang)`` (a DataFrame or Styler) for each language."""
    for lang in LANGS:
        _display(make(lang), lang)


def show_text(en: str, ja: str) -> None:
    """A computed sentence (Markdown) in each language: for verdicts whose numbers come from cells."""
    from IPython.display import Markdown

    _display(Markdown(en), "en")
    _display(Markdown(ja), "ja")
