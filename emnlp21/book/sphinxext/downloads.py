"""Every page's download menu leads to a file: what ran, in the page's language.

sphinx-book-theme 1.3 adds a "download" menu to every page with a source, pointing at
``_sources/<page>``, which this book does not publish (``html_copy_source: false``: a source holds
both languages while a page holds one). This extension writes the files instead, under
``downloads/`` of each language's site (names in ``pages.py``), and points the menu at them:

* a chapter: its executed notebook filtered to the page's language as the page shows it
  (``langfilter.filter_notebook``) and its Jupytext ``.py`` (both languages: what papermill runs);
* a Markdown page: its source filtered to the page's language;
* every page: one archive with every notebook (sources and executed chapters) and ``profiles/``;
* the theme's "print to PDF" stays.

The files are written at the end of every build (also an incremental one that rewrote no page), so
they follow the executed notebooks.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

from sphinx.application import Sphinx

from ...core.cache import write_atomic
from .langfilter import filter_markdown, filter_notebook
from .pages import (ARCHIVE, chapters, jupytext_download, jupytext_source, markdown_download,
                    notebook_download)

TEXT = {  # (label, tooltip) per language
    ("en", "ipynb"): (".ipynb", "This page's executed notebook, in English"),
    ("ja", "ipynb"): (".ipynb", "このページの実行済みノートブック（日本語）"),
    ("en", "py"): (".py", "Its source notebook (Jupytext, both languages): what papermill runs"),
    ("ja", "py"): (".py", "元のノートブック（Jupytext 形式，両言語）：papermill が実行するもの"),
    ("en", "md"): (".md", "This page's source, in English"),
    ("ja", "md"): (".md", "このページのソース（日本語）"),
    ("en", "zip"): (".zip", "Every notebook (sources and executed) and profiles/"),
    ("ja", "zip"): (".zip", "すべてのノートブック（ソースと実行結果）と profiles/"),
}
ARCHIVE_README = """EMNLP 2021 Participation Report: the book's notebooks / 本書のノートブック

notebooks/NN_name.py        the Jupytext sources (both languages) / Jupytext 形式のソース（両言語）
book/chapters/NN_name.ipynb the executed notebooks the site shows / サイトが表示する実行済みノートブック
profiles/*.yaml             the parameters they ran with / 実行時のパラメータ

Rerun a chapter in the repository / リポジトリで章を再実行する:
  python -m emnlp21.book execute --only <name> --profile quick
  papermill notebooks/NN_name.ipynb out.ipynb -f profiles/full.yaml
"""


def _publish(path: Path, data: bytes) -> None:
    """Write atomically, readable by everyone (a web server serves it; mkstemp makes files private)."""
    write_atomic(path, data)
    os.chmod(path, 0o644)


def _page_files(app: Sphinx) -> dict[str, Path]:
    """docname -> source file, for every page this build read."""
    return {doc: Path(app.env.doc2path(doc)) for doc in sorted(app.env.found_docs)}


def write_downloads(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    lang, out, src = app.config.language, Path(app.outdir), Path(app.srcdir)
    for doc, path in _page_files(app).items():
        if path.suffix == ".ipynb":
            text = filter_notebook(path.read_text(encoding="utf-8"), lang, str(path))
            text = json.dumps(json.loads(text), ensure_ascii=False, indent=1) + "\n"
            _publish(out / notebook_download(doc, lang), text.encode("utf-8"))
            source = jupytext_source(src, doc)
            if source.is_file():
                _publish(out / jupytext_download(doc), source.read_bytes())
        elif path.suffix == ".md":
            text = filter_markdown(path.read_text(encoding="utf-8"), lang, str(path))
            _publish(out / markdown_download(doc, lang), text.encode("utf-8"))
    write_archive(src, out / ARCHIVE)


def archive_members(src: Path) -> dict[str, Path]:
    """Name in the archive -> file: every notebook source, every executed chapter of the toc, the profiles."""
    members = {f"notebooks/{p.name}": p for p in sorted((src / "notebooks").glob("*.py"))}
    for _, doc in chapters(src):
        executed = src / f"{doc}.ipynb"
        if executed.is_file():
            members[f"{doc}.ipynb"] = executed
    members |= {f"profiles/{p.name}": p for p in sorted((src / "profiles").glob("*.yaml"))}
    return members


def write_archive(src: Path, target: Path) -> None:
    """The archive, with fixed dates: the same inputs give the same bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, path in {"README.txt": None, **archive_members(src)}.items():
            info = zipfile.ZipInfo(f"emnlp21-book/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, ARCHIVE_README.encode("utf-8") if path is None else path.read_bytes())
    os.chmod(partial, 0o644)
    partial.replace(target)


def _button(context: dict, lang: str, kind: str, target: str) -> dict:
    label, tooltip = TEXT[lang, kind]
    return {"type": "link", "url": context["pathto"](target, 1), "text": label, "tooltip": tooltip,
            "icon": "fas fa-file-zipper" if kind == "zip" else "fas fa-code" if kind in ("ipynb", "py") else "fas fa-file",
            "label": f"download-{kind}-button"}


def download_menu(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Point the theme's download menu (added at priority 501) at the files :func:`write_downloads` writes."""
    groups = context.get("header_buttons") or []
    menu = next((g for g in groups if g.get("label") == "download-buttons"), None)
    if menu is None:
        return
    lang = app.config.language
    source = Path(app.env.doc2path(pagename)) if pagename in app.env.found_docs else None
    buttons = []
    if source is not None and source.suffix == ".ipynb":
        buttons.append(_button(context, lang, "ipynb", notebook_download(pagename, lang)))
        if jupytext_source(app.srcdir, pagename).is_file():
            buttons.append(_button(context, lang, "py", jupytext_download(pagename)))
    elif source is not None and source.suffix == ".md":
        buttons.append(_button(context, lang, "md", markdown_download(pagename, lang)))
    buttons.append(_button(context, lang, "zip", ARCHIVE))
    buttons += [b for b in menu["buttons"] if b.get("type") != "link"]  # the theme's print-to-PDF
    menu["buttons"] = buttons


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", download_menu, priority=600)  # after sphinx-book-theme's buttons
    app.connect("build-finished", write_downloads)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
