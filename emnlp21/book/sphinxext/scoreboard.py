"""``{claims-scoreboard}``: every claim the notebooks recorded, as one table in the page's language.

The claims are the JSON files that ``emnlp21.book.Claims.save`` writes into ``scoreboard_claims_dir``
(``_build/claims``). A page holding the directive is rebuilt whenever those files change (new,
edited or removed), even though no source page changed.

Each chapter's name links to its page, and each claim's id to its row in the chapter's claims table
(``#claim-<id>``, the same anchor as the scoreboard's row); on the chapter page that row gets the anchor
and its id links back to the scoreboard (:func:`anchor_claims_tables`: the chapter's table is the
notebook's displayed DataFrame, ``Claims.table``, so the anchors are added to its HTML).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..claims import KIND_WORDS, Claim, count_line, load_all
from ...core.evidence import ALPHA, chance_held
from .pages import chapter_pages

HEADERS = {
    "en": ("Claim", "Kind", "Paper (source)", "Ours", "Estimate (99 % interval) and where it holds", "Verdict"),
    "ja": ("主張", "種類", "論文の値（出典）", "本書の値", "推定値（99 % 区間）と成立の条件", "判定"),
}
VERDICT = {
    ("en", "holds"): "✓ holds", ("en", "fails"): "✗ fails", ("en", "inconclusive"): "? inconclusive",
    ("ja", "holds"): "✓ 成立", ("ja", "fails"): "✗ 不成立", ("ja", "inconclusive"): "? 判定不能",
}
KIND = {(lang, kind): word for lang, words in KIND_WORDS.items() for kind, word in words.items()}
CHAPTERS = {  # the chapters' short names, in the book's order
    "conference": ("The conference", "会議"), "practice": ("The hybrid format", "ハイブリッド開催"),
    "kobayashi": ("Kobayashi+", "Kobayashi+"), "small_models": ("The small models", "小さなモデル"),
    "sinha": ("Sinha+", "Sinha+"), "wei": ("Wei+", "Wei+"), "yamaguchi": ("Yamaguchi+", "Yamaguchi+"),
    "ctal": ("CTAL", "CTAL"),
}
WIDTHS = (30, 8, 18, 16, 18, 12)


def claims_folder(app: Sphinx) -> Path:
    return Path(app.srcdir) / app.config.scoreboard_claims_dir


def fingerprint(folder: Path) -> str:
    """A hash of the claim files' names and contents: changes whenever the scoreboard would."""
    digest = hashlib.sha256()
    for path in sorted([*folder.glob("*.json"), *folder.glob("provenance/*.json")]):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def provenance_line(folder: Path, lang: str) -> str | None:
    """Which profile built the pages, on what machine, when, and how long the execution took (from
    the records the executor writes beside the claims); None when there are none."""
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((folder / "provenance").glob("*.json"))]
    if not records:
        return None
    profiles = " / ".join(sorted({r["profile"] for r in records}))
    machines = " / ".join(sorted({r["machine"] for r in records}))
    days = sorted(r["executed"][:10] for r in records)
    when = days[0] if days[0] == days[-1] else f"{days[0]} – {days[-1]}"
    minutes = sum(r["seconds"] for r in records) / 60
    if lang == "ja":
        return (f"このサイトは {profiles} プロファイルで，{machines} の上で実行されました（{when}，"
                f"{len(records)} 章の実行に計 {minutes:.0f} 分）。")
    return (f"This site was executed with the {profiles} profile on {machines} ({when}; "
            f"{minutes:.0f} minutes for {len(records)} chapters).")


def summary(claims: list[Claim], lang: str) -> str:
    """The headline: findings only; checks and constructions are not evidence for a paper."""
    chapters = len({c.chapter for c in claims})
    if lang == "ja":
        return f"{chapters} 章の{count_line(claims, lang)}。"
    return f"{chapters} chapter{'' if chapters == 1 else 's'}, {count_line(claims, lang)}."


def chance_line(claims: list[Claim], lang: str) -> str:
    """How many of the held findings chance alone would give: every verdict is one 99 % interval
    against its region, so a finding that is false (its truth on the region's edge) lands wholly
    inside with probability at most α/2."""
    n = sum(c.kind == "finding" for c in claims)
    expected = chance_held(n)
    if lang == "ja":
        return (f"判定はどれも同じ手順です：推定値の 99 % 区間（事前学習シード・fine-tuning シード・評価項目を入れ子で"
                f"復元抽出する対応のあるブートストラップ）が，測定の前に定めた成立の範囲に丸ごと入れば成立，丸ごと外れれば"
                f"不成立，またがれば判定不能です。どの知見も偽であっても，偶然だけで「成立」になるのは {n} 件中"
                f"平均 {expected:.2f} 件以下です（α = {ALPHA:g}，両側）。")
    return (f"Every verdict comes from one procedure: the estimate's 99 % interval (a paired bootstrap that resamples "
            f"pre-training seeds, fine-tuning seeds nested in them, and test items) lies wholly inside the region "
            f"stated before the measurement (holds), wholly outside it (fails) or across its edge (inconclusive). "
            f"Were every finding false, chance alone would make at most {expected:.2f} of the {n} hold on average "
            f"(α = {ALPHA:g}, two-sided).")


COLUMNS = ("claim", "kind", "paper", "ours", "estimate", "verdict")  # cell classes col-*: the phone layout labels them


def _cell(*children: nodes.Node, column: str = "") -> nodes.entry:
    entry = nodes.entry(classes=[f"col-{column}"] if column else [])
    entry += nodes.paragraph("", "", *children)
    return entry


def _verdict_cell(c: Claim, lang: str) -> nodes.entry:
    children: list[nodes.Node] = [nodes.inline(text=VERDICT[lang, c.verdict], classes=["badge", f"verdict-{c.verdict}"])]
    reasons = c.reasons if c.verdict == "inconclusive" else []
    if reasons:
        lead = "判定不能の理由：" if lang == "ja" else "inconclusive because: "
        children += [nodes.inline(text=lead + "; ".join(r[lang] for r in reasons), classes=["claim-control"])]
    return _cell(*children, column="verdict")


def _estimate_cell(c: Claim, lang: str) -> nodes.entry:
    lead = "成立の条件：" if lang == "ja" else "holds if: "
    return _cell(nodes.Text(c.estimate_text(lang)),
                 nodes.inline(text=lead + c.needs_text(lang), classes=["claim-region"]), column="estimate")


def claim_anchor(claim_id: str) -> str:
    """``claim-kobayashi-mix-ratio``: the id of a claim's row, on the front page and on its chapter page."""
    return nodes.make_id(f"claim-{claim_id}")


def claims_table(claims: list[Claim], lang: str, page: str | None = None) -> nodes.table:
    """The claims as a table; ``page`` (a link to their chapter's page) links each id to its row there."""
    table = nodes.table(classes=["claims-scoreboard"])
    group = nodes.tgroup(cols=len(WIDTHS))
    table += group
    group += [nodes.colspec(colwidth=w) for w in WIDTHS]
    head = nodes.thead()
    head += nodes.row("", *(_cell(nodes.Text(h)) for h in HEADERS[lang]))
    group += head
    body = nodes.tbody()
    for c in claims:
        row = nodes.row(classes=[f"claim-{c.verdict}", f"kind-{c.kind}"], ids=[claim_anchor(c.id)])
        claim_id: nodes.Node = nodes.literal(text=c.id, classes=["claim-id"])
        if page:
            claim_id = nodes.reference("", "", claim_id, refuri=f"{page}#{claim_anchor(c.id)}", classes=["claim-link"])
        row += _cell(nodes.Text(c.text("claim", lang)), nodes.Text(" "), claim_id, column="claim")
        row += _cell(nodes.inline(text=KIND[lang, c.kind], classes=["badge", f"kind-{c.kind}"]), column="kind")
        row += _cell(nodes.Text(f"{c.text('paper', lang)} "),
                     nodes.emphasis(text=f"（{c.text('source', lang)}）" if lang == "ja" else f"({c.source})"),
                     column="paper")
        row += _cell(nodes.Text(c.text("ours", lang)), column="ours")
        row += _estimate_cell(c, lang)
        row += _verdict_cell(c, lang)
        body += row
    group += body
    return table


def _chapter_order(chapter: str) -> tuple[int, str]:
    names = list(CHAPTERS)
    return (names.index(chapter) if chapter in names else len(names), chapter)


def chapter_sections(claims: list[Claim], lang: str, pages: dict[str, str] | None = None) -> list[nodes.Node]:
    """Per chapter: its name (a link to its page where ``pages`` has one), profile and counts in one
    line, then its table."""
    out: list[nodes.Node] = []
    pages = pages or {}
    for chapter in sorted({c.chapter for c in claims}, key=_chapter_order):
        mine = [c for c in claims if c.chapter == chapter]
        name = CHAPTERS.get(chapter, (chapter, chapter))[lang == "ja"]
        profiles = ", ".join(sorted({c.profile for c in mine}))
        line = nodes.paragraph(classes=["claims-chapter"])
        strong = nodes.strong(text=name)
        line += nodes.reference("", "", strong, refuri=pages[chapter], classes=["chapter-link"]) if chapter in pages else strong
        line += nodes.Text(f"（{profiles}）：{count_line(mine, lang)}" if lang == "ja"
                           else f" ({profiles}): {count_line(mine, lang)}")
        out += [line, claims_table(mine, lang, pages.get(chapter))]
    return out


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
        built = provenance_line(folder, lang)
        builder = self.env.app.builder
        pages = {section: builder.get_relative_uri(self.env.docname, page)
                 for section, page in chapter_pages(self.env.srcdir).items()}
        return [nodes.paragraph(text=summary(claims, lang), classes=["claims-summary"]),
                nodes.paragraph(text=chance_line(claims, lang), classes=["claims-chance"]),
                *([nodes.paragraph(text=built, classes=["claims-provenance"])] if built else []),
                *chapter_sections(claims, lang, pages)]


_ROW = re.compile(r"<tr(?P<attrs>[^>]*)>(?P<body>.*?)</tr>", re.S)


def anchor_rows(table_html: str, ids: set[str], back: str, used: set[str]) -> str:
    """Give each row of an HTML table whose cell is exactly a claim id (of ``ids``) the claim's anchor,
    and link that id back to ``back`` (the scoreboard page) at the same anchor. ``used``: the anchors
    this page has already (an anchor is given once)."""
    def one(row: re.Match) -> str:
        attrs, body = row["attrs"], row["body"]
        for cell in re.finditer(r"<td(?P<a>[^>]*)>\s*(?P<id>[^<]*?)\s*</td>", body):
            claim_id = html.unescape(cell["id"])
            if claim_id in ids and claim_anchor(claim_id) not in used and " id=" not in attrs:
                anchor = claim_anchor(claim_id)
                used.add(anchor)
                link = f'<a class="claim-backlink" href="{html.escape(back)}#{anchor}">{cell["id"]}</a>'
                body = body[:cell.start()] + f'<td{cell["a"]}>{link}</td>' + body[cell.end():]
                return f'<tr{attrs} id="{anchor}">{body}</tr>'
        return row.group(0)

    return _ROW.sub(one, table_html)


def anchor_claims_tables(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """On a chapter page, the rows of its claims table get their claims' anchors and link back."""
    sections = {page: section for section, page in chapter_pages(app.srcdir).items()}
    if docname not in sections:
        return
    path = claims_folder(app) / f"{sections[docname]}.json"
    try:
        ids = {c["id"] for c in json.loads(path.read_text(encoding="utf-8"))}
    except (OSError, ValueError, KeyError, TypeError):
        return
    back = app.builder.get_relative_uri(docname, app.config.root_doc)
    used = set(doctree.ids)
    for raw in list(doctree.findall(nodes.raw)):
        if "html" in raw.get("format", "").split() and "<td" in raw.astext():
            text = anchor_rows(raw.astext(), ids, back, used)
            if text != raw.astext():
                raw[0] = nodes.Text(text)


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
    app.connect("doctree-resolved", anchor_claims_tables)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
