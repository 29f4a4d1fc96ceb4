"""Bilingual figures and tables.

Every figure is drawn once per language and displayed with ``metadata={"lang": ...}``; the book's
Sphinx extension keeps only the outputs of the page's language (outputs without a ``lang`` are
shown in both). The PNGs are also saved under ``_build/figures`` for review and tests.

Every figure carries alt text in its language (``metadata["alt"]``, read by the site build,
``sphinxext/bilingual.py``): what the figure says about itself, from its title, its panels' titles,
axis labels and legend entries (:func:`describe`), unless ``show_figure`` is given one.
"""

from __future__ import annotations

import io
from typing import Callable

import matplotlib
import matplotlib.pyplot as plt

from ..core.lang import LANGS, tr
from ..core.paths import figures_dir


def use_theme() -> None:
    """A chapter's plotting set-up (its first cell): the Agg backend, seaborn's theme, then the bundled
    Japanese font (set_theme resets the font family). Figures are shown as PNG bytes in their language
    (:func:`show_figure`); Agg keeps a kernel's inline backend from showing each a second time. Set
    here, not on import: importing the library leaves a user's backend alone."""
    import matplotlib_fontja
    import seaborn as sns

    matplotlib.use("Agg")

    sns.set_theme(style="whitegrid", context="notebook")
    matplotlib_fontja.japanize()
    plt.rcParams["figure.dpi"] = 110
    plt.rcParams["savefig.bbox"] = "tight"


def _display(obj, lang: str, **metadata) -> None:
    import pandas as pd
    from IPython.display import display

    # pandas cuts cells at 50 characters by default: a claim id or an interval would lose its end
    with pd.option_context("display.max_colwidth", None, "display.max_rows", None, "display.max_columns", None):
        display(obj, metadata={"lang": lang, **metadata})


ALT_LIMIT = 600  # characters: a screen reader reads alt text in one go


def describe(fig: "matplotlib.figure.Figure", lang: str, name: str = "") -> str:
    """Alt text for ``fig`` in ``lang`` from its own words: the title (suptitle), then per panel its
    title, axis labels and legend entries. A figure without any words is described by ``name``."""
    sep, open_, close = ("；", "（", "）") if lang == "ja" else ("; ", " (", ")")
    get_sup = getattr(fig, "get_suptitle", None)
    sup = (get_sup() if get_sup else getattr(getattr(fig, "_suptitle", None), "get_text", lambda: "")()).strip()
    panels = []
    for ax in fig.axes:
        title = " ".join(t for t in (ax.get_title(loc) for loc in ("left", "center", "right")) if t.strip()).strip()
        details = []
        if ax.get_xlabel().strip():
            details.append(tr(lang, "x: ", "横軸：") + ax.get_xlabel().strip())
        if ax.get_ylabel().strip():
            details.append(tr(lang, "y: ", "縦軸：") + ax.get_ylabel().strip())
        labels = [lb for lb in ax.get_legend_handles_labels()[1] if lb and not lb.startswith("_")]
        if labels:
            details.append(tr(lang, "legend: ", "凡例：") + tr(lang, ", ", "，").join(dict.fromkeys(labels)))
        if details:
            title = (title + open_ if title else open_.strip()) + tr(lang, ", ", "，").join(details) + close
        if title:
            panels.append(title)
    words = " ".join(" ".join((sup, *panels)).split())
    if not words:
        return tr(lang, f"Figure {name}", f"図 {name}").strip()
    lead = tr(lang, "Figure: ", "図：")
    text = lead + (sup + (tr(lang, ". ", "。") if panels else "") if sup else "") + sep.join(panels)
    return text if len(text) <= ALT_LIMIT else text[:ALT_LIMIT - 1] + "…"


def show_figure(draw: Callable[[str], "matplotlib.figure.Figure"], name: str,
                alt: Callable[[str], str] | None = None) -> None:
    """Draw ``draw(lang)`` for each language, save ``figures_dir()/<name>.<lang>.png``, display both,
    each with its alt text: ``alt(lang)`` when given, else :func:`describe` of the figure."""
    from IPython.display import Image

    pngs: dict[str, bytes] = {}
    for lang in LANGS:
        fig = draw(lang)
        text = alt(lang) if alt else describe(fig, lang, name)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        pngs[lang] = buf.getvalue()
        (figures_dir() / f"{name}.{lang}.png").write_bytes(pngs[lang])
        _display(Image(data=pngs[lang], format="png"), lang, alt=text)


def show_table(make: Callable[[str], object]) -> None:
    """Display ``make(lang)`` (a DataFrame or Styler) for each language."""
    for lang in LANGS:
        _display(make(lang), lang)


def show_text(en: str, ja: str) -> None:
    """A computed sentence (Markdown) in each language: for verdicts whose numbers come from cells."""
    from IPython.display import Markdown

    _display(Markdown(en), "en")
    _display(Markdown(ja), "ja")
