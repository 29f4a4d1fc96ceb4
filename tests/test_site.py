"""The built site, in both languages: pages, language links, <html lang>, figures, filtering, scoreboard, log.

Two sites are checked with the same tests: a two-page fixture book (tests/fixtures/site, built in a
temporary folder, so the machinery is tested whatever the content) and the real book (built
incrementally by build_site(): fast when `make book` already built it).
"""

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup

from emnlp21.book.execute import toc_files
from emnlp21.book.site import build_site, log_path, site_dir

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "site"
LANGS = ("en", "ja")
KANA = re.compile(r"[\u3041-\u309f\u30a0-\u30ff]")  # hiragana or katakana: Japanese prose
FIXTURE_CLAIMS = [
    {"id": "fixture.grows", "en": "Submissions grew.", "ja": "投稿数は増えた。", "paper": "+813",
     "source": "talk", "ours": "+813", "holds": True, "chapter": "fixture", "profile": "quick",
     "kind": "finding", "verdict": "holds"},
    {"id": "fixture.band", "en": "Acceptance stayed in the band.", "ja": "採択率は帯の中。",
     "paper": "22–25 %", "source": "talk", "ours": "20 %", "holds": False, "chapter": "fixture",
     "profile": "quick", "kind": "finding", "verdict": "fails"},
    {"id": "fixture.unsure", "en": "A model learned.", "ja": "モデルは学習した。", "paper": "yes",
     "paper_ja": "はい", "source": "paper", "source_ja": "論文", "ours": "at chance", "ours_ja": "チャンスレベル",
     "holds": False, "chapter": "fixture", "profile": "quick", "kind": "finding", "verdict": "inconclusive",
     "controls": [{"en": "MN above MRI", "ja": "MN が MRI を上回る", "passed": False}]},
    {"id": "fixture.built", "en": "Heads are smaller.", "ja": "ヘッドは小さい。", "paper": "yes", "source": "paper",
     "ours": "0.6×", "holds": True, "chapter": "fixture", "profile": "quick", "kind": "construction",
     "verdict": "holds"},
]


def make_fixture_book(folder: Path) -> Path:
    """The repository's build configuration and extensions around the fixture pages."""
    shutil.copy(ROOT / "_config.yml", folder)
    for part in ("_templates", "_static"):  # the extensions are the installed library's
        shutil.copytree(ROOT / "book" / part, folder / "book" / part)
    for name in ("_toc.yml", "intro.md", "chapter.ipynb"):
        shutil.copy(FIXTURE / name, folder)
    (folder / "profiles").mkdir()
    write_claims(folder, "fixture", FIXTURE_CLAIMS)
    return folder


def write_claims(root: Path, chapter: str, claims: list[dict]) -> None:
    folder = root / "_build" / "claims"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{chapter}.json").write_text(json.dumps(claims, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def fixture_book(tmp_path_factory) -> Path:
    root = make_fixture_book(tmp_path_factory.mktemp("fixture-book"))
    build_site(root=root)
    return root


@pytest.fixture(scope="module", params=["fixture", "book"])
def root(request) -> Path:
    if request.param == "fixture":
        return request.getfixturevalue("fixture_book")
    build_site(root=ROOT)
    return ROOT


def toc_pages(root: Path) -> list[str]:
    """Every docname in _toc.yml (root, chapters, parts, sections)."""
    return [re.sub(r"\.(md|ipynb)$", "", p) for p in toc_files(root)]


def html_pages(root: Path, lang: str) -> list[Path]:
    out = site_dir(root) / lang
    return sorted(p for p in out.rglob("*.html") if p != out / "index.html" and "_static" not in p.parts)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def prose(page: BeautifulSoup) -> str:
    """The article's text without code (code and its comments are shared by both languages)."""
    article = page.find("article") or page.body
    for code in article.select("pre, code, .cell_input, .highlight, script, style"):
        code.decompose()
    return article.get_text(" ")


@pytest.mark.parametrize("lang", LANGS)
def test_every_toc_page_is_built_in_both_languages(root, lang):
    missing = [p for p in toc_pages(root) if not (site_dir(root) / lang / f"{p}.html").is_file()]
    assert not missing, f"pages of _toc.yml missing from _build/site/{lang}: {missing}"


@pytest.mark.parametrize("lang", LANGS)
def test_html_lang_attribute(root, lang):
    wrong = [str(p) for p in html_pages(root, lang) if soup(p).html.get("lang") != lang]
    assert not wrong, f"<html lang> is not {lang!r} in {wrong}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_links_to_its_twin_in_the_other_language(root, lang):
    other = "ja" if lang == "en" else "en"
    for path in html_pages(root, lang):
        links = soup(path).select("a.lang-switch")
        assert len(links) == 1, f"{path} has {len(links)} language switchers"
        target = (path.parent / unquote(links[0]["href"])).resolve()
        twin = site_dir(root) / other / path.relative_to(site_dir(root) / lang)
        assert target == twin.resolve() and twin.is_file(), f"{path}: switcher goes to {target}"


@pytest.mark.parametrize("lang", LANGS)
def test_figures_exist_and_are_not_empty(root, lang):
    seen = 0
    for path in html_pages(root, lang):
        for img in soup(path).select("article img"):
            src = img.get("src", "")
            if src.startswith("data:") or urlparse(src).scheme:
                continue
            target = path.parent / unquote(src)
            assert target.is_file() and target.stat().st_size > 0, f"{path}: image {src} missing or empty"
            seen += 1
    if root != ROOT:  # the fixture chapter has one figure per language
        assert seen == 1


@pytest.mark.parametrize("lang", LANGS)
def test_pages_hold_only_their_language(root, lang):
    for path in html_pages(root, lang):
        text = prose(soup(path))
        assert "{lang}" not in text, f"{path}: a {{lang}} marker was not filtered"
        if lang == "en":
            assert not KANA.search(text), f"{path}: Japanese prose in the English page: " \
                                          f"{text[max(0, KANA.search(text).start() - 60):][:120]!r}"
        elif path.stem not in ("genindex", "search"):
            assert KANA.search(text), f"{path}: no Japanese prose in the Japanese page"


@pytest.mark.parametrize("lang", LANGS)
def test_scoreboard_lists_every_recorded_claim(root, lang):
    claims = [c for f in sorted((root / "_build" / "claims").glob("*.json"))
              for c in json.loads(f.read_text(encoding="utf-8"))]
    front = soup(site_dir(root) / lang / f"{toc_pages(root)[0]}.html")
    boards = front.select("table.claims-scoreboard")
    if not claims:
        assert front.select_one(".claims-empty"), "no claims recorded and no notice saying so"
        return
    assert boards, "the front page has no claims scoreboard"
    rows = {r.select_one("code.claim-id").get_text(): r for b in boards for r in b.select("tbody tr")}
    assert sorted(rows) == sorted(c["id"] for c in claims)
    for c in claims:
        verdict = c.get("verdict") or ("holds" if c["holds"] else "fails")
        row = rows[c["id"]]
        assert f"claim-{verdict}" in row["class"] and f"kind-{c.get('kind', 'finding')}" in row["class"]
        if lang == "ja":  # every field a reader reads is in the page's language where the claim has it
            for field in ("paper", "source", "ours"):
                if c.get(f"{field}_ja"):
                    assert c[f"{field}_ja"] in row.get_text(), (c["id"], field)
    # the headline counts findings only
    summary = front.select_one(".claims-summary").get_text()
    findings = sum(c.get("kind", "finding") == "finding" for c in claims)
    assert (f"{findings} findings" if lang == "en" else f"知見 {findings} 件") in summary, summary
    # ... and the reader learns which profile built the pages, on what machine, and when
    records = [json.loads(p.read_text(encoding="utf-8")) for p in (root / "_build" / "claims" / "provenance").glob("*.json")]
    if records:
        built = front.select_one(".claims-provenance").get_text()
        days = sorted(r["executed"][:10] for r in records)
        assert all(r["profile"] in built and r["machine"] in built for r in records), built
        assert days[0] in built and days[-1] in built, built


PROGRESS_LINE = re.compile(r"\d+/\d+ \[\d\d:\d\d")  # a tqdm refresh, e.g. "103/300 [00:12<00:24"


@pytest.mark.parametrize("lang", LANGS)
def test_pages_show_results_not_progress_logs(root, lang):
    for path in (site_dir(root) / lang).rglob("*.html"):
        n = len(PROGRESS_LINE.findall(path.read_text(encoding="utf-8", errors="ignore")))
        assert n <= 5, f"{path} holds {n} progress-bar lines: loops must leave a summary line in an executed page"


@pytest.mark.parametrize("lang", LANGS)
def test_build_log_has_no_warnings(root, lang):
    log = log_path(lang, root).read_text(encoding="utf-8")
    problems = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert not problems and "build succeeded" in log, "\n".join(problems)


def test_scoreboard_follows_new_claims_without_a_source_change(fixture_book):
    write_claims(fixture_book, "later", [{**FIXTURE_CLAIMS[0], "id": "later.added", "chapter": "later"}])
    build_site(root=fixture_book)  # both languages, so the other tests still see a consistent site
    for lang in LANGS:
        front = (site_dir(fixture_book) / lang / "intro.html").read_text(encoding="utf-8")
        assert "later.added" in front and "fixture.band" in front


def test_a_page_shows_the_parameters_that_ran_not_the_default_they_replaced():
    from emnlp21.book.execute import _show_only_the_parameters_that_ran

    def cell(tags):
        return {"cell_type": "code", "metadata": {"tags": tags}, "source": ""}

    nb = {"cells": [cell(["parameters"]), cell(["injected-parameters"]), cell([])]}
    _show_only_the_parameters_that_ran(nb)
    assert [c["metadata"]["tags"] for c in nb["cells"]] == [["parameters", "remove-cell"], ["injected-parameters"], []]
    alone = {"cells": [cell(["parameters"]), cell([])]}  # nothing injected: the default is what ran
    _show_only_the_parameters_that_ran(alone)
    assert alone["cells"][0]["metadata"]["tags"] == ["parameters"]
