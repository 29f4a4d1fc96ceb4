"""Build the book once per language into ``_build/site/<lang>`` and a root page that picks one.

    python -m emnlp21.book.site               # both languages, warnings are errors
    python -m emnlp21.book.site --lang ja     # one language
    python -m emnlp21.book.site --no-strict   # warnings reported, not fatal

Each language builds in its own process (Sphinx keeps global state; two processes also use two
cores) from the repository root's ``_config.yml`` / ``_toc.yml``, with ``language`` set per build;
``emnlp21/book/sphinxext/bilingual.py`` keeps that language's text. Builds are incremental (doctrees under
``_build/doctrees/<lang>``). A build with warnings throws its saved environment away, so the next
build reads every page again and shows the same warnings instead of silently passing.
"""

from __future__ import annotations

import argparse
import html
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from ..core.lang import LANGS
from ..core.paths import project_root

LANG_NAMES = {"en": "English", "ja": "日本語"}


class SiteBuildError(RuntimeError):
    """A language's build failed or warned; the message holds the log's warnings and its path."""


def site_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "_build" / "site"


def log_path(lang: str, root: Path | None = None) -> Path:
    return (root or project_root()) / "_build" / "logs" / f"site-{lang}.log"


def root_page(root: Path) -> str:
    """The docname of the book's front page (``root:`` in _toc.yml)."""
    toc_path = root / "_toc.yml"
    if not toc_path.is_file():
        raise SiteBuildError(f"{toc_path} is missing: the book needs a table of contents.")
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8")) or {}
    if "root" not in toc:
        raise SiteBuildError(f"{toc_path} has no 'root:' entry (the front page).")
    return os.path.splitext(str(toc["root"]))[0]


def build_site(langs=LANGS, strict: bool = True, root: Path | None = None) -> dict[str, float]:
    """Build each language of the book; return the seconds each took.

    ``strict`` turns warnings (and nitpicky reference warnings) into errors, but every page is still
    built (``--keep-going``) so the log lists all of them. Raises :class:`SiteBuildError`.
    """
    root = Path(root or project_root())
    unknown = [lang for lang in langs if lang not in LANGS]
    if unknown or not langs:
        raise SiteBuildError(f"languages must be among {LANGS}, not {list(langs)!r}.")
    first = root_page(root)
    started = time.perf_counter()
    procs = {}
    for lang in langs:
        log = log_path(lang, root)
        log.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "emnlp21.book.site", "--one", lang, "--root", str(root)]
        if not strict:
            cmd.append("--no-strict")
        with log.open("w", encoding="utf-8") as out:
            procs[lang] = subprocess.Popen(cmd, cwd=root, stdout=out, stderr=subprocess.STDOUT)
    seconds, failed = {}, []
    for lang, proc in procs.items():
        code = proc.wait()
        seconds[lang] = time.perf_counter() - started
        if code != 0:
            failed.append(lang)
    write_root_index(site_dir(root), first, langs)
    if failed:
        details = "\n\n".join(f"[{lang}] {log_path(lang, root)}\n{_problems(log_path(lang, root))}"
                              for lang in failed)
        raise SiteBuildError(f"the book did not build cleanly in {', '.join(failed)}:\n{details}")
    return seconds


def _problems(log: Path, keep: int = 40) -> str:
    """The warning and error lines of a build log (the last ``keep``), else its tail."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    hits = [line for line in lines if "WARNING" in line or "ERROR" in line or "Error" in line]
    return "\n".join((hits or lines)[-keep:])


def _build_one(lang: str, root: Path, strict: bool) -> int:
    """Build one language in this process (called by :func:`build_site` in a subprocess)."""
    from jupyter_book.sphinx import build_sphinx
    from sphinx.util.console import nocolor

    nocolor()  # plain logs
    doctrees = root / "_build" / "doctrees" / lang
    # Sphinx does not notice edits to our own extensions: read everything again after one.
    stamp, extensions = doctrees / "extensions.sha256", _extensions_hash(root)
    if stamp.is_file() and stamp.read_text() != extensions:
        shutil.rmtree(doctrees)
    result = build_sphinx(
        str(root),
        str(site_dir(root) / lang),
        path_config=str(root / "_config.yml"),
        noconfig=True,  # the configuration is _config.yml, not a conf.py
        confoverrides={"language": lang, "nitpicky": strict, "latex_individualpages": False},
        doctreedir=str(doctrees),
        warningiserror=strict,
        keep_going=True,
    )
    code = result if isinstance(result, int) else 1
    if code != 0:
        # Sphinx saved an environment in which the failing pages count as up to date.
        shutil.rmtree(doctrees, ignore_errors=True)
    else:
        stamp.write_text(extensions)
    return code


def _extensions_hash(root: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    extensions = Path(__file__).parent / "sphinxext"
    for path in sorted([*(root / "book").glob("_*/*"), *extensions.glob("*.py")]):  # _templates, _static
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


ROOT_INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
{alternates}
<script>
  // Japanese readers (navigator.language ja, ja-JP, …) get the Japanese book; everyone else English.
  (function () {{
    var langs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
    var chosen = {fallback};
    for (var i = 0; i < langs.length; i++) {{
      var code = String(langs[i]).toLowerCase().split("-")[0];
      if ({available}.indexOf(code) >= 0) {{ chosen = code; break; }}
    }}
    location.replace(chosen + "/{page}" + location.hash);
  }})();
</script>
</head>
<body>
<p>{links}</p>
</body>
</html>
"""


def write_root_index(out: Path, first_page: str, langs=LANGS) -> Path:
    """``_build/site/index.html``: redirect by the browser's language; plain links without script."""
    import json

    page = f"{first_page}.html"
    links = " · ".join(f'<a href="{lang}/{html.escape(page)}" hreflang="{lang}" lang="{lang}">'
                       f"{LANG_NAMES[lang]}</a>" for lang in langs)
    alternates = "\n".join(f'<link rel="alternate" hreflang="{lang}" href="{lang}/{html.escape(page)}">'
                           for lang in langs)
    text = ROOT_INDEX.format(title="EMNLP 2021 参加報告 / Participation Report", alternates=alternates,
                             fallback=json.dumps("en" if "en" in langs else langs[0]),
                             available=json.dumps(list(langs)), page=page, links=links)
    out.mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text(text, encoding="utf-8")
    return out / "index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the bilingual book into _build/site/{en,ja}.")
    parser.add_argument("--lang", nargs="+", choices=LANGS, default=list(LANGS))
    parser.add_argument("--no-strict", dest="strict", action="store_false",
                        help="report warnings without failing")
    parser.add_argument("--one", choices=LANGS, help=argparse.SUPPRESS)  # internal: one build, this process
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = (args.root or project_root()).resolve()
    if args.one:
        return _build_one(args.one, root, args.strict)
    try:
        seconds = build_site(tuple(args.lang), strict=args.strict, root=root)
    except SiteBuildError as error:
        print(error, file=sys.stderr)
        return 1
    for lang, s in seconds.items():
        print(f"{lang}: {site_dir(root) / lang} ({s:.1f} s)")
    print(f"open {site_dir(root) / 'index.html'} or run: python -m http.server -d {site_dir(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
