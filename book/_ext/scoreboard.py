"""``{claims-scoreboard}``: every claim the notebooks recorded, as one table in the page's language.

The claims are the JSON files that ``emnlp21.book.Claims.save`` writes into ``scoreboard_claims_dir``
(``_build/claims``). A page holding the directive is rebuilt whenever those files change (new,
edited or removed), even though no source page changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from emnlp21.book.claims import Claim, load_all

HEADERS = {
    "en": ("Claim", "Paper (source)", "Ours", "Holds?", "Profile"),
    "ja": ("主張", "論文の値（出典）", "本書の値", "成否", "プロファイル"),
}
VERDICT = {
    ("en", True): "✓ holds", ("en", False): "✗ does not hold",
    ("ja", True): "✓ 成立", ("ja", False): "✗ 不成立",
}
WIDTHS = (38, 24, 20, 10, 8)


def claims_folder(app: Sphinx) -> Path:
    return Path(app.srcdir) / app.config.scoreboard_claims_dir


def fingerprint(folder: Path) -> str:
    """A hash of the claim files' names and contents: changes whenever the scoreboard would."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def summary(claims: list[Claim], lang: str) -> str:
    held = sum(c.holds for c in claims)
    chapters = len({c.chapter for c in claims})
    if lang == "ja":
        return f"{chapters} 章の主張 {len(claims)} 件：成立 {held} 件，不成立 {len(claims) - held} 件。"
    plural = "" if chapters == 1 else "s"
    return (f"{len(claims)} claims from {chapters} chapter{plural}: {held} hold, "
            f"{len(claims) - held} do not.")


def _cell(*children: nodes.Node) -> nodes.entry:
    entry = nodes.entry()
    entry += nodes.paragraph("", "", *children)
    return entry


def claims_table(claims: list[Claim], lang: str) -> nodes.table:
    table = nodes.table(classes=["claims-scoreboard"])
    group = nodes.tgroup(cols=len(WIDTHS))
    table += group
    group += [nodes.colspec(colwidth=w) for w in WIDTHS]
    head = nodes.thead()
    head += nodes.row("", *(_cell(nodes.Text(h)) for h in HEADERS[lang]))
    group += head
    body = nodes.tbody()
    for c in claims:
        row = nodes.row(classes=["claim-holds" if c.holds else "claim-fails"], ids=[nodes.make_id(f"claim-{c.id}")])
        row += _cell(nodes.Text(c.ja if lang == "ja" else c.en), nodes.Text(" "),
                     nodes.literal(text=c.id, classes=["claim-id"]))
        row += _cell(nodes.Text(f"{c.paper} ("), nodes.emphasis(text=c.source), nodes.Text(")"))
        row += _cell(nodes.Text(c.ours))
        row += _cell(nodes.strong(text=VERDICT[lang, c.holds]))
        row += _cell(nodes.Text(c.profile))
        body += row
    group += body
    return table


class ClaimsScoreboard(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        lang = self.config.language
        folder = claims_folder(self.env.app)
        self.env.scoreboard_docs = getattr(self.env, "scoreboard_docs", set()) | {self.env.docname}
        self.env.scoreboard_fingerprint = fingerprint(folder)
        try:
            claims = load_all(folder) if folder.is_dir() else []
        except (ValueError, TypeError) as error:  # a malformed file: say which folder to regenerate
            raise self.error(f"cannot read the claims in {folder}: {error}. "
                             "Re-run the notebooks (make book) to rewrite them.")
        if not claims:
            text = ("まだ主張が記録されていません。ノートブックを実行してください（make book）。" if lang == "ja"
                    else "No claims recorded yet: execute the notebooks (make book) to fill this table.")
            return [nodes.warning("", nodes.paragraph(text=text), classes=["claims-empty"])]
        return [nodes.paragraph(text=summary(claims, lang), classes=["claims-summary"]),
                claims_table(claims, lang)]


def _outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    docs = getattr(env, "scoreboard_docs", set())
    if docs and getattr(env, "scoreboard_fingerprint", None) != fingerprint(claims_folder(app)):
        return sorted(docs - set(removed))
    return []


def _purge(app: Sphinx, env, docname: str) -> None:
    getattr(env, "scoreboard_docs", set()).discard(docname)


def _merge(app: Sphinx, env, docnames, other) -> None:
    env.scoreboard_docs = getattr(env, "scoreboard_docs", set()) | getattr(other, "scoreboard_docs", set())
    env.scoreboard_fingerprint = getattr(other, "scoreboard_fingerprint", None)


def setup(app: Sphinx) -> dict:
    app.add_config_value("scoreboard_claims_dir", "_build/claims", "env", str)
    app.add_directive("claims-scoreboard", ClaimsScoreboard)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
