"""``{execution-report}``: per chapter of ``_toc.yml``, what executed it, from the executor's records.

``python -m emnlp21.book execute`` writes one record per chapter into ``<scoreboard_claims_dir>/provenance/``
(``emnlp21/book/execute.py``, ``_write_provenance``): the profile, the machine, the start, the seconds, the
status, whether it was a dry run, the commit and whether the checkout differed from it, the versions of
Python, torch, transformers and numpy, and the seeds its profile section gave it. The directive shows
them as one table in the page's language, each chapter linked to its page and to its executed notebook;
a chapter without a record is listed as not executed. The page is rebuilt when the records change
(with the scoreboard: ``scoreboard.fingerprint`` covers them).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from .pages import chapters, jupytext_download, jupytext_source, notebook_download, up
from .scoreboard import claims_folder, fingerprint, provenance_line

COLUMNS = ("chapter", "run", "when", "machine", "code", "seeds")  # each cell holds fields of class run-<field>
HEADERS = {
    "en": ("Chapter and its notebook", "Profile, status", "Started (UTC), seconds", "Machine",
           "Commit, versions", "Seeds"),
    "ja": ("章とノートブック", "プロファイル，状態", "開始（UTC），秒", "マシン", "コミット，バージョン", "シード"),
}
WIDTHS = (18, 10, 10, 18, 22, 14)
WORDS = {
    "en": {"ok": "✓ executed", "missing": "not executed", "dry": "dry run", "real": "not a dry run",
           "modified": " (+ local changes)",
           "none": "—", "no_seeds": "no seed parameter (no random draws)", "seconds": "{:.0f} s"},
    "ja": {"ok": "✓ 実行済み", "missing": "未実行", "dry": "ドライラン", "real": "本実行（ドライランではない）",
           "modified": "（手元の変更あり）",
           "none": "—", "no_seeds": "シードのパラメータなし（乱数を使わない）", "seconds": "{:.0f} 秒"},
}
VERSIONED = ("python", "torch", "transformers", "numpy")
VERSION_NAMES = {"python": "Python"}


def load_records(folder: Path) -> dict[str, dict]:
    """section -> its provenance record."""
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((folder / "provenance").glob("*.json"))}


def started(record: dict) -> str:
    """``2026-12-07 06:54``: the start in UTC (older records hold only the end, ``executed``, and the seconds)."""
    try:
        if record.get("started"):
            when = datetime.datetime.fromisoformat(record["started"])
        else:
            when = datetime.datetime.fromisoformat(record["executed"]) - datetime.timedelta(seconds=record["seconds"])
    except (KeyError, TypeError, ValueError):
        return ""
    if when.tzinfo is not None:
        when = when.astimezone(datetime.timezone.utc)
    return when.strftime("%Y-%m-%d %H:%M")


def versions_text(record: dict) -> str:
    versions = record.get("versions") or {}
    return ", ".join(f"{VERSION_NAMES.get(k, k)} {versions[k]}" for k in VERSIONED if k in versions)


def seeds_text(record: dict) -> str:
    seeds = record.get("seeds") or {}
    return ", ".join(f"{k} = {v}" for k, v in seeds.items())


def _field(field: str, *children: nodes.Node) -> nodes.paragraph:
    return nodes.paragraph("", "", *children, classes=[f"run-{field}"])


def _text(field: str, text: str) -> nodes.paragraph:
    return _field(field, nodes.Text(text))


def _cell(column: str, *fields: nodes.paragraph) -> nodes.entry:
    entry = nodes.entry(classes=[f"col-{column}"])
    entry += list(fields)
    return entry


class ExecutionReport(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        lang, here = self.config.language, self.env.docname
        words = WORDS[lang]
        folder = claims_folder(self.env.app)
        # rebuilt with the scoreboard when a record changes (scoreboard._outdated)
        self.env.scoreboard_docs = getattr(self.env, "scoreboard_docs", set()) | {here}
        self.env.scoreboard_fingerprint = fingerprint(folder)
        records = load_records(folder) if folder.is_dir() else {}
        repository = (self.config.html_theme_options or {}).get("repository_url", "").rstrip("/")

        table = nodes.table(classes=["execution-report"])
        group = nodes.tgroup(cols=len(COLUMNS))
        table += group
        group += [nodes.colspec(colwidth=w) for w in WIDTHS]
        head = nodes.thead()
        head += nodes.row("", *(_cell(c, nodes.paragraph(text=h)) for c, h in zip(COLUMNS, HEADERS[lang])))
        group += head
        body = nodes.tbody()
        group += body
        for section, page in chapters(self.env.srcdir):
            record = records.get(section)
            row = nodes.row(classes=["chapter-run", "ran" if record else "not-run"], ids=[f"run-{section}"])
            link = addnodes.pending_xref("", nodes.inline("", "", classes=["xref", "std", "std-doc"]),
                                         refdoc=here, refdomain="std", reftype="doc", reftarget="/" + page,
                                         refexplicit=False, refwarn=True)
            files = [nodes.reference("", ".ipynb", refuri=up(here) + notebook_download(page, lang))]
            if jupytext_source(self.env.srcdir, page).is_file():
                files += [nodes.Text(" · "), nodes.reference("", ".py", refuri=up(here) + jupytext_download(page))]
            row += _cell("chapter", _field("chapter", link), _field("section", nodes.literal(text=section)),
                         _field("notebook", *files))
            if record is None:
                row += _cell("run", _text("status", words["missing"]))
                row += [_cell(c, _text("none", words["none"])) for c in COLUMNS[2:]]
                body += row
                continue
            commit = str(record.get("commit") or "unknown")
            short: nodes.Node = nodes.literal(text=commit[:10])
            if repository and commit != "unknown":
                short = nodes.reference("", "", short, refuri=f"{repository}/commit/{commit}")
            dry = bool(record.get("dry_run")) or "(dry run)" in str(record.get("profile"))
            row += _cell("run", _text("profile", str(record.get("profile", "")).removesuffix(" (dry run)")),
                         _text("status", words.get(record.get("status", "ok"), str(record.get("status")))),
                         _text("dry-run", words["dry" if dry else "real"]))
            row += _cell("when", _text("started", started(record)),
                         _text("seconds", words["seconds"].format(record.get("seconds", 0))))
            row += _cell("machine", _text("machine", str(record.get("machine", ""))))
            row += _cell("code", _field("commit", short, *([nodes.Text(words["modified"])] if record.get("modified") else [])),
                         _text("versions", versions_text(record) or words["none"]))
            row += _cell("seeds", _text("seeds", seeds_text(record) or words["no_seeds"]))
            body += row
        line = provenance_line(folder, lang) if folder.is_dir() else None
        return [*([nodes.paragraph(text=line, classes=["execution-summary"])] if line else []),
                nodes.container("", table, classes=["execution-report-scroll"])]


def setup(app: Sphinx) -> dict:
    app.setup_extension("emnlp21.book.sphinxext.scoreboard")
    app.add_directive("execution-report", ExecutionReport)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
