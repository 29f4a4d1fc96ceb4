"""The built site, in both languages: pages, language links, <html lang>, figures, filtering, scoreboard, log.

Two sites are checked with the same tests: a small fixture book (tests/fixtures/site: a front page, a
chapter executed from notebooks/01_fixture.py, and the book's execution report page; built in a
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
     "kind": "finding", "verdict": "holds",
     "estimate": {"value": 813.0, "low": 813.0, "high": 813.0}, "region": {"low": 0.0, "unit": "submissions"}},
    {"id": "fixture.band", "en": "Acceptance stayed in the band.", "ja": "採択率は帯の中。",
     "paper": "22–25 %", "source": "talk", "ours": "20 %", "holds": False, "chapter": "fixture",
     "profile": "quick", "kind": "finding", "verdict": "fails"},
    {"id": "fixture.unsure", "en": "A model learned.", "ja": "モデルは学習した。", "paper": "yes",
     "paper_ja": "はい", "source": "paper", "source_ja": "論文", "ours": "at chance", "ours_ja": "チャンスレベル",
     "holds": False, "chapter": "fixture", "profile": "quick", "kind": "finding", "verdict": "inconclusive",
     "controls": [{"en": "MN above MRI", "ja": "MN が MRI を上回る", "passed": False}],
     "reasons": [{"en": "MN above MRI", "ja": "MN が MRI を上回る"}],
     "estimate": {"value": 1.5, "low": -0.5, "high": 3.5, "pretrain_seeds": 1, "finetune_seeds": 2, "items": 300},
     "region": {"low": 0.0, "unit": "points", "unit_ja": "ポイント"}},
    {"id": "fixture.built", "en": "Heads are smaller.", "ja": "ヘッドは小さい。", "paper": "yes", "source": "paper",
     "ours": "0.6×", "holds": True, "chapter": "fixture", "profile": "quick", "kind": "construction",
     "verdict": "holds"},
]


FIXTURE_RECORD = {"profile": "quick", "machine": "Fixture CPU, 2 threads, no GPU", "seconds": 12.3,
                  "executed": "2026-12-07T06:54+00:00", "started": "2026-12-07T06:53:48+00:00", "status": "ok",
                  "dry_run": False, "notebook": "01_fixture", "commit": "0123456789abcdef0123456789abcdef01234567",
                  "modified": False, "seeds": {"seed": 0},
                  "versions": {"python": "3.11.7", "torch": "2.13.0", "transformers": "5.24.0", "numpy": "2.4.6"}}


def make_fixture_book(folder: Path) -> Path:
    """The repository's build configuration, extensions, citation, profiles and execution report page
    around the fixture pages (a front page and a chapter executed from notebooks/01_fixture.py)."""
    shutil.copy(ROOT / "_config.yml", folder)
    shutil.copy(ROOT / "CITATION.cff", folder)
    for part in ("_templates", "_static"):  # the extensions are the installed library's
        shutil.copytree(ROOT / "book" / part, folder / "book" / part)
    shutil.copy(ROOT / "book" / "execution.md", folder / "book")
    shutil.copytree(FIXTURE, folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns("make_chapter.py"))
    shutil.copytree(ROOT / "profiles", folder / "profiles")
    quick = folder / "profiles" / "quick.yaml"  # a planted value: the page must quote the profile, not the prose
    text = quick.read_text(encoding="utf-8")
    assert "wei_levels: [0, 2, 8, 32, 128]" in text
    quick.write_text(text.replace("wei_levels: [0, 2, 8, 32, 128]", "wei_levels: [0, 3, 27]"), encoding="utf-8")
    write_claims(folder, "fixture", FIXTURE_CLAIMS)
    provenance = folder / "_build" / "claims" / "provenance"
    provenance.mkdir(parents=True)
    (provenance / "fixture.json").write_text(json.dumps(FIXTURE_RECORD), encoding="utf-8")
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
        if c.get("estimate"):  # every verdict shows its estimate, its interval and where it holds
            region = row.select_one(".claim-region").get_text()
            assert region.startswith("holds if: " if lang == "en" else "成立の条件："), (c["id"], region)
            interval = "% interval" if lang == "en" else "% 区間"
            assert c["estimate"]["low"] == c["estimate"]["high"] or interval in row.get_text(), c["id"]
        if lang == "ja":  # every field a reader reads is in the page's language where the claim has it
            for field in ("paper", "source", "ours"):
                if c.get(f"{field}_ja"):
                    assert c[f"{field}_ja"] in row.get_text(), (c["id"], field)
    # the headline counts findings only
    summary = front.select_one(".claims-summary").get_text()
    findings = sum(c.get("kind", "finding") == "finding" for c in claims)
    assert (f"{findings} findings" if lang == "en" else f"知見 {findings} 件") in summary, summary
    chance = front.select_one(".claims-chance").get_text()  # and how many of them chance alone would hold
    assert (f"of the {findings} hold" if lang == "en" else f"{findings} 件中平均") in chance, chance
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


# --- the reader's door: downloads, links from the scoreboard, the execution report, alt text, repository ---

def _target(page: Path, href: str) -> tuple[Path, str]:
    """The file a relative link from ``page`` points at, and its fragment."""
    url = urlparse(href)
    return (page.parent / unquote(url.path)).resolve() if url.path else page.resolve(), url.fragment


def _download_links(page: BeautifulSoup) -> list[str]:
    """The page's download menu's links and every other link into a download folder."""
    hrefs = [a["href"] for a in page.select(".dropdown-download-buttons a[href]")]
    hrefs += [a["href"] for a in page.select("a[href]") if re.search(r"(^|/)(_sources|_downloads|downloads)/", a["href"])]
    return [h for h in dict.fromkeys(hrefs) if not urlparse(h).scheme]


@pytest.mark.parametrize("lang", LANGS)
def test_every_download_link_leads_to_a_file(root, lang):
    import zipfile

    from emnlp21.book.sphinxext.pages import chapters

    followed = 0
    for path in html_pages(root, lang):
        for href in _download_links(soup(path)):
            target, _ = _target(path, href)
            assert "_sources" not in href, f"{path}: {href} points at the sources Sphinx does not publish"
            assert target.is_file() and target.stat().st_size > 0, f"{path}: download {href} leads to no file"
            assert target.stat().st_mode & 0o044 == 0o044, f"{target} is not readable by a web server"
            followed += 1
    assert followed, "no download links at all"
    # every chapter offers its executed notebook in the page's language and its Jupytext source
    for section, page in chapters(root):
        html = site_dir(root) / lang / f"{page}.html"
        menu = {_target(html, h)[0].name for h in _download_links(soup(html))}
        name = page.rsplit("/", 1)[-1]
        assert {f"{name}.{lang}.ipynb", f"{name}.py", "emnlp21-book-notebooks.zip"} <= menu, (page, menu)
        notebook = json.loads((site_dir(root) / lang / "downloads" / f"{page}.{lang}.ipynb").read_text(encoding="utf-8"))
        assert all(o.get("metadata", {}).get("lang", lang) == lang
                   for c in notebook["cells"] for o in c.get("outputs", [])), f"{page}: another language's output"
        markdown = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
        assert "{lang}" not in markdown and (lang == "ja" or not KANA.search(markdown)), page
    # ... and one archive holds every notebook and the profiles
    with zipfile.ZipFile(site_dir(root) / lang / "downloads" / "emnlp21-book-notebooks.zip") as zf:
        names = {n.split("/", 1)[1] for n in zf.namelist()}
    expected = {f"notebooks/{p.name}" for p in (root / "notebooks").glob("*.py")}
    expected |= {f"{page}.ipynb" for _, page in chapters(root)}
    expected |= {f"profiles/{p.name}" for p in (root / "profiles").glob("*.yaml")}
    assert expected <= names and "profiles/quick.yaml" in names, sorted(expected - names)


@pytest.mark.parametrize("lang", LANGS)
def test_scoreboard_links_every_claim_to_its_row_on_its_chapter_page(root, lang):
    from emnlp21.book.sphinxext.pages import chapter_pages

    pages = chapter_pages(root)
    claims = [c for f in sorted((root / "_build" / "claims").glob("*.json")) for c in json.loads(f.read_text(encoding="utf-8"))]
    front_path = site_dir(root) / lang / f"{toc_pages(root)[0]}.html"
    front = soup(front_path)
    names = {_target(front_path, a["href"])[0] for a in front.select("p.claims-chapter a.chapter-link")}
    assert names == {(site_dir(root) / lang / f"{pages[c['chapter']]}.html").resolve()
                     for c in claims if c["chapter"] in pages}, "a chapter's name does not link to its page"
    linked = 0
    for c in claims:
        if c["chapter"] not in pages:
            continue  # a claims file whose chapter has no page (the test below adds one)
        row = front.select_one(f"table.claims-scoreboard tr#{re.escape('claim-' + re.sub(r'[^a-z0-9]+', '-', c['id']))}")
        link = row.select_one("a.claim-link") if row else None
        assert link is not None, f"{c['id']}: no link from the scoreboard"
        target, anchor = _target(front_path, link["href"])
        assert target == (site_dir(root) / lang / f"{pages[c['chapter']]}.html").resolve(), (c["id"], link["href"])
        landed = soup(target).find(id=anchor)
        assert landed is not None and c["id"] in landed.get_text(), f"{c['id']}: #{anchor} is not its row on {target.name}"
        back = landed.select_one("a.claim-backlink")  # and the chapter's row links back to the scoreboard's row
        assert back is not None and _target(target, back["href"]) == (front_path.resolve(), anchor), c["id"]
        linked += 1
    assert linked or not claims


@pytest.mark.parametrize("lang", LANGS)
def test_execution_report_lists_every_chapter_with_commit_and_versions(root, lang):
    from emnlp21.book.sphinxext.pages import chapters

    path = site_dir(root) / lang / "book" / "execution.html"
    assert "book/execution" in toc_pages(root), "_toc.yml does not list the execution report"
    rows = soup(path).select("table.execution-report tbody tr")
    by_page = {}
    for row in rows:
        link = row.select_one(".run-chapter a[href]")
        assert link is not None and link.get_text(strip=True), row
        by_page[_target(path, link["href"])[0]] = row
    for section, page in chapters(root):
        row = by_page.get((site_dir(root) / lang / f"{page}.html").resolve())
        assert row is not None, f"{page} is not in the execution report"
        commit = row.select_one(".run-commit").get_text(" ", strip=True)
        assert re.match(r"([0-9a-f]{7,}|unknown)\b", commit), (page, commit)
        versions = row.select_one(".run-versions").get_text()
        assert all(f"{name} " in versions for name in ("Python", "torch", "transformers", "numpy")), (page, versions)
        for column in ("profile", "machine", "started", "seconds", "status", "dry-run", "seeds"):
            field = row.select_one(f".run-{column}")
            assert field is not None and field.get_text(strip=True) not in ("", "—"), (page, column)


JAPANESE = re.compile(r"[\u3041-\u30ff\u3400-\u9fff]")


@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_has_alt_text_in_the_page_language(root, lang):
    seen = 0
    for path in html_pages(root, lang):
        for img in soup(path).select("article .cell_output img"):
            alt = (img.get("alt") or "").strip()
            assert alt and alt != Path(unquote(img.get("src", ""))).name and alt not in img.get("src", ""), \
                f"{path}: a figure without alt text ({img.get('src')})"
            assert bool(JAPANESE.search(alt)) == (lang == "ja"), f"{path}: alt text not in {lang}: {alt!r}"
            seen += 1
    if root != ROOT:
        assert seen == 1


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_links_to_the_repository_and_its_issues(root, lang):
    import yaml

    url = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"].rstrip("/")
    for path in html_pages(root, lang):
        if path.stem in ("genindex", "search"):
            continue
        page = soup(path)
        repo = page.select_one("a.btn-source-repository-button")
        issue = page.select_one("a.btn-source-issues-button")
        assert repo is not None and repo["href"].rstrip("/") == url, f"{path}: no link to {url}"
        assert issue is not None and issue["href"].startswith(url + "/issues/new"), f"{path}: no 'open an issue' link"
    front = soup(site_dir(root) / lang / f"{toc_pages(root)[0]}.html")
    bibtex = front.select_one(".cite-bibtex")
    assert bibtex is not None and "@software{" in bibtex.get_text() and url in bibtex.get_text(), "no BibTeX on the front page"


@pytest.mark.parametrize("lang", LANGS)
def test_prose_quotes_the_profile_it_ran_with(fixture_book, lang):
    """The fixture's profile was planted with other Wei+ levels: the page shows those, in its language."""
    text = prose(soup(site_dir(fixture_book) / lang / f"{toc_pages(fixture_book)[0]}.html"))
    assert ("0, 3 and 27" if lang == "en" else "0，3，27") in text, text[:300]


@pytest.mark.parametrize("lang", LANGS)
def test_every_chapter_ends_with_how_to_rerun_it(root, lang):
    from emnlp21.book.params import load_profile
    from emnlp21.book.sphinxext.pages import chapters

    for section, page in chapters(root):
        box = soup(site_dir(root) / lang / f"{page}.html").select_one("details.rerun-chapter")
        assert box is not None and box.select_one("summary").get_text(strip=True), page
        commands = box.select_one("pre").get_text()
        assert f"--only {section}" in commands and f"notebooks/{page.rsplit('/', 1)[-1]}.ipynb" in commands, page
        rows = box.select("table.rerun-parameters tbody tr")
        assert len(rows) == len(load_profile("quick").get(section) or {}), page


@pytest.mark.parametrize("lang", LANGS)
def test_every_paper_chapter_ends_with_what_differs_from_the_paper(lang):
    """After its last computed cell, each paper's chapter says in the page's language how the miniature
    differs from the paper and what was hard."""
    from emnlp21.book.sphinxext.pages import chapters

    build_site(root=ROOT)
    title = "What differs from the paper, and what was hard" if lang == "en" else "論文との違いと，難しかったこと"
    papers = [(s, p) for s, p in chapters(ROOT) if (ROOT / "emnlp21" / s / "paper.py").is_file()]
    assert len(papers) == 5
    for section, page in papers:
        box = soup(site_dir(ROOT) / lang / f"{page}.html").select_one("div.admonition.differs")
        assert box is not None, page
        assert box.select_one(".admonition-title").get_text(strip=True) == title, page
        assert len(box.select("li")) >= 4 and not box.find_all_next("div", class_="cell"), page


@pytest.mark.parametrize("lang", LANGS)
def test_chapters_fold_their_set_up_cell_with_a_toggle_in_the_pages_language(lang):
    """The argument first: a chapter's imports, set-up and parameter table sit in one folded cell."""
    from emnlp21.book.sphinxext.pages import chapters

    build_site(root=ROOT)
    folded = 0
    for section, page in chapters(ROOT):
        source = (ROOT / "notebooks" / f"{page.rsplit('/', 1)[-1]}.py").read_text(encoding="utf-8")
        if 'tags=["hide-cell"]' not in source:
            continue
        cell = soup(site_dir(ROOT) / lang / f"{page}.html").select_one("div.cell.tag_hide-cell")
        assert cell is not None, page
        prompt = cell.select_one(".collapsed").get_text(strip=True)
        assert prompt == ("Show code cell content" if lang == "en" else "コードセルを表示"), (page, prompt)
        folded += 1
    assert folded >= 7
