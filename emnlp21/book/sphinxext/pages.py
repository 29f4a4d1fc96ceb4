"""What the site's extensions share: which pages are chapters, and where a page's downloads are.

A chapter is a page of ``_toc.yml`` under ``book/chapters/`` (``book/chapters/03_kobayashi`` is
executed from ``notebooks/03_kobayashi.py`` and writes the claims and the provenance record of section
``kobayashi``). Every page's downloads are written by ``downloads.py`` under ``downloads/`` of the
language's site:

* ``downloads/<docname>.<lang>.ipynb``: an executed chapter as its page shows it (one language);
* ``downloads/<docname>.<lang>.md``: a Markdown page's source in one language;
* ``downloads/notebooks/<name>.py``: a chapter's Jupytext source (both languages: what papermill runs);
* ``downloads/emnlp21-book-notebooks.zip``: every notebook (source and executed) and ``profiles/``.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from ..execute import CHAPTERS, section_of, toc_files

DOWNLOADS = "downloads"
ARCHIVE = f"{DOWNLOADS}/emnlp21-book-notebooks.zip"


def docname(toc_entry: str) -> str:
    """``book/chapters/03_kobayashi.ipynb`` or ``book/chapters/03_kobayashi`` -> ``book/chapters/03_kobayashi``."""
    stem, suffix = posixpath.splitext(toc_entry)
    return stem if suffix in (".md", ".ipynb") else toc_entry


def chapters(srcdir: str | Path) -> list[tuple[str, str]]:
    """``(section, docname)`` of every chapter of ``_toc.yml``, in the book's order."""
    out = []
    for entry in toc_files(Path(srcdir)):
        name = docname(entry)
        if name.startswith(CHAPTERS + "/"):
            out.append((section_of(posixpath.basename(name)), name))
    return out


def chapter_pages(srcdir: str | Path) -> dict[str, str]:
    """section -> docname of its chapter page."""
    return dict(chapters(srcdir))


def up(from_docname: str) -> str:
    """From a page to the root of its language's site, as a relative link."""
    return "../" * from_docname.count("/")


def notebook_download(page: str, lang: str) -> str:
    return f"{DOWNLOADS}/{page}.{lang}.ipynb"


def markdown_download(page: str, lang: str) -> str:
    return f"{DOWNLOADS}/{page}.{lang}.md"


def jupytext_download(page: str) -> str:
    return f"{DOWNLOADS}/notebooks/{posixpath.basename(page)}.py"


def jupytext_source(srcdir: str | Path, page: str) -> Path:
    """``notebooks/NAME.py`` of the chapter page ``book/chapters/NAME``."""
    return Path(srcdir) / "notebooks" / f"{posixpath.basename(page)}.py"
