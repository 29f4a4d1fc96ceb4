"""One language per build: filter sources, set the language's options, link each page to its twin.

The book is built twice from the same sources (``language`` = ``en`` and ``ja``, by
``emnlp21/book/site.py``) into ``_build/site/<lang>``. This extension

* keeps the build's ``{lang}`` blocks in Markdown pages and notebook Markdown cells, and the build's
  outputs (``metadata.lang``) in notebooks, at ``source-read`` (see ``langfilter.py``);
* splits toctree captions written ``"English | 日本語"`` and keeps the build's half;
* sets the title and search placeholder of the language, and for Japanese a search that indexes
  character bigrams (``jasearch.py``);
* gives every page's template ``bilingual_switch_url``: the same page in the other language, as a
  relative link (works over HTTP and ``file://``), plus ``<link rel="alternate" hreflang>`` tags;
* gives every notebook figure its alt text in the build's language (``metadata.alt`` of the output,
  written by ``emnlp21.book.show_figure``; myst-nb names the image file by the hash of its bytes).
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError, ExtensionError
from sphinx.transforms import SphinxTransform

from .jasearch import SearchJapaneseBigram
from .langfilter import LANGS, LangBlockError, figure_alts, filter_markdown, filter_notebook

OTHER = {"en": "ja", "ja": "en"}
SWITCH_LABEL = {"en": "English", "ja": "日本語"}  # the name of the language linked to, in itself
SWITCH_TITLE = {"en": "このページを日本語で読む", "ja": "Read this page in English"}  # by page language


def _check_language(app: Sphinx, config: Config) -> None:
    if config.language not in LANGS:
        raise ConfigError(
            f"language is {config.language!r}; this book builds in {LANGS} only. "
            "Build it with `python -m emnlp21.book.site` (or `make book`)."
        )
    lang = config.language
    if config.bilingual_titles:
        config.html_title = config.bilingual_titles[lang]
        config.project = config.bilingual_titles[lang]
    if config.bilingual_authors:
        config.author = config.bilingual_authors[lang]
    if config.bilingual_search_placeholders:
        config.html_theme_options = {
            **config.html_theme_options,
            "search_bar_text": config.bilingual_search_placeholders[lang],
        }
    if lang == "ja":
        app.add_search_language(SearchJapaneseBigram)
        # the toggle of a folded set-up cell (tag hide-cell) speaks the page's language
        config.nb_code_prompt_show = "コードセルを表示"
        config.nb_code_prompt_hide = "コードセルを隠す"


def _separate_notebook_outputs(app: Sphinx) -> None:
    """myst-nb writes notebook images beside the output folder (``_build/site/jupyter_execute``),
    which both languages would share and the site would publish; give each build its own."""
    config = getattr(app.env, "mystnb_config", None)
    if config is not None:
        app.env.mystnb_config = config.copy(output_folder=str(Path(app.doctreedir) / "jupyter_execute"))


def _filter_source(app: Sphinx, docname: str, source: list[str]) -> None:
    path = Path(app.env.doc2path(docname))
    try:
        if path.suffix == ".ipynb":
            source[0] = filter_notebook(source[0], app.config.language, str(path))
        else:
            source[0] = filter_markdown(source[0], app.config.language, str(path))
    except LangBlockError as error:
        raise ExtensionError(str(error)) from None


class SplitCaptions(SphinxTransform):
    """``caption: "Papers | 論文"`` in _toc.yml becomes the build language's half.

    Runs after sphinx-external-toc inserts the toctrees (priority 100) and before Sphinx collects
    them for the sidebar (doctree-read).
    """

    default_priority = 110

    def apply(self, **kwargs) -> None:
        half = LANGS.index(self.config.language)
        for toctree in self.document.findall(addnodes.toctree):
            caption = toctree.get("caption")
            if caption and " | " in caption:
                parts = caption.split(" | ")
                if len(parts) != len(LANGS):
                    raise ExtensionError(f"toctree caption {caption!r} must be 'English | 日本語'.")
                toctree["caption"] = toctree["rawcaption"] = parts[half].strip()


class JoinJapaneseLines(SphinxTransform):
    """A line break inside a Japanese paragraph is no space (HTML would show one): drop it."""

    default_priority = 120
    _break = re.compile(r"(?<=[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef])\n(?=[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef])")

    def apply(self, **kwargs) -> None:
        if self.config.language != "ja":
            return
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if "\n" not in text or isinstance(parent, (nodes.FixedTextElement, nodes.literal)):
                continue
            if str(text) == "\n":  # MyST gives a soft break its own node: look at the neighbours
                index = next(i for i, child in enumerate(parent.children) if child is text)
                before = parent[index - 1].astext()[-1:] if index > 0 else ""
                after = parent[index + 1].astext()[:1] if index + 1 < len(parent) else ""
                if self._break.search(before + "\n" + after):
                    del parent.children[index]
                continue
            joined = self._break.sub("", str(text))
            if joined != str(text):
                parent.replace(text, nodes.Text(joined))


def _figure_alt_text(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb":
        return
    alts = figure_alts(path.read_text(encoding="utf-8"), app.config.language)
    for image in doctree.findall(nodes.image):
        alt = alts.get(Path(image.get("uri", "")).stem)
        if alt and not image.get("alt"):
            image["alt"] = alt


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    lang = app.config.language
    other = OTHER[lang]
    up = "../" * (pagename.count("/") + 1)  # from the page's folder to _build/site/
    page = pagename + app.builder.out_suffix
    context["bilingual_lang"] = lang
    context["bilingual_other_lang"] = other
    context["bilingual_switch_url"] = f"{up}{other}/{page}"
    context["bilingual_switch_label"] = SWITCH_LABEL[other]
    context["bilingual_switch_title"] = SWITCH_TITLE[lang]
    context["metatags"] = context.get("metatags", "") + "".join(
        f'\n<link rel="alternate" hreflang="{code}" href="{up}{code}/{page}" />' for code in LANGS
    )


def setup(app: Sphinx) -> dict:
    app.add_config_value("bilingual_titles", {}, "html", dict)
    app.add_config_value("bilingual_search_placeholders", {}, "html", dict)
    app.add_config_value("bilingual_authors", {}, "html", dict)
    app.connect("config-inited", _check_language, priority=100)
    app.connect("builder-inited", _separate_notebook_outputs, priority=900)  # after myst-nb's
    app.connect("source-read", _filter_source)
    app.connect("html-page-context", _page_context)
    app.connect("doctree-resolved", _figure_alt_text)
    app.add_transform(SplitCaptions)
    app.add_transform(JoinJapaneseLines)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
