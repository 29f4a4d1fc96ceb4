"""The built site in a real browser (Debian chromium, headless, over a local HTTP server).

Needs `apt-get install -y chromium` (the Makefile does it) and a built site (`make book`; the test
builds incrementally otherwise). Screenshots go to _build/screenshots/ for a person to look at.
"""

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import quote

import pytest

from emnlp21.book.site import build_site, root_page, site_dir

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
JA_TERMS = ("採択率", "投稿数", "注意機構", "語順", "残差結合", "頻度")  # words the front page or chapters hold


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url():
    build_site(root=ROOT)
    handler = functools.partial(QuietHandler, directory=str(site_dir(ROOT)))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)  # port 0: a free port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is missing: apt-get install -y chromium (make book installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield browser
        browser.close()


def shot(page, name: str) -> None:
    folder = ROOT / "_build" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


@pytest.mark.parametrize("lang, locale", [("en", "en-US"), ("ja", "ja-JP")])
def test_root_sends_the_reader_to_their_language(browser, base_url, lang, locale):
    page = browser.new_page(locale=locale)
    page.goto(f"{base_url}/index.html")
    page.wait_for_url(f"**/{lang}/{root_page(ROOT)}.html")
    assert page.locator("html").get_attribute("lang") == lang
    shot(page, f"front-{lang}")
    page.close()


@pytest.mark.parametrize("lang, other", [("en", "ja"), ("ja", "en")])
def test_switcher_opens_the_same_page_in_the_other_language(browser, base_url, lang, other):
    chapter = root_page(ROOT)
    html = sorted((site_dir(ROOT) / lang).glob("book/chapters/*.html"))
    if html:  # a chapter when there is one: deeper pages test the relative link better
        chapter = html[0].relative_to(site_dir(ROOT) / lang).with_suffix("").as_posix()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base_url}/{lang}/{chapter}.html")
    shot(page, f"page-{lang}")
    page.locator("a.lang-switch").click()
    page.wait_for_url(f"**/{other}/{chapter}.html")
    assert page.locator("html").get_attribute("lang") == other
    page.close()


def test_japanese_compound_search_finds_a_page(browser, base_url):
    pages = [p.read_text(encoding="utf-8") for p in (site_dir(ROOT) / "ja").rglob("*.html")]
    terms = [t for t in JA_TERMS if any(t in text for text in pages)]
    assert terms, f"none of {JA_TERMS} is in the Japanese book: choose terms that it holds"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for term in terms:
        page.goto(f"{base_url}/ja/search.html?q={quote(term)}")
        # Sphinx's default Japanese search returns nothing here: the hit proves the bigram splitter.
        page.wait_for_selector("#search-results ul.search li a", timeout=30_000)
        assert term in page.locator("#search-results ul.search").inner_text() or \
            page.locator("#search-results .highlighted").count() > 0
    shot(page, "search-ja")
    page.close()


# The front page (scoreboard) and two chapters, as a reader on a phone and on a desktop meets them.
LEGIBLE_PAGES = {"front": "book/intro.html", "sinha": "book/chapters/05_sinha.html", "ctal": "book/chapters/08_ctal.html"}


@pytest.mark.parametrize("width", [375, 1300])
@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("name", sorted(LEGIBLE_PAGES))
def test_pages_are_legible_on_a_phone_and_a_desktop(browser, base_url, name, lang, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{base_url}/{lang}/{LEGIBLE_PAGES[name]}")
    page.wait_for_load_state("load")
    # nothing pushes the page wider than the screen: wide tables and code scroll inside their own box
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{lang}/{name} at {width}px is {overflow}px wider than the screen"
    wide = page.evaluate("""() => [...document.querySelectorAll('article img')]
        .filter(i => i.getBoundingClientRect().right > window.innerWidth + 1).map(i => i.src)""")
    assert not wide, f"figures run past the right edge: {wide}"
    # a badge (verdict, kind) reads on one line: never one character per line
    wrapped = page.evaluate("""() => [...document.querySelectorAll('.badge')].filter(b => {
        const r = b.getBoundingClientRect(), lh = parseFloat(getComputedStyle(b).lineHeight) || 20;
        return r.height > 1.8 * lh; }).map(b => b.textContent)""")
    assert not wrapped, f"badges wrapped on {lang}/{name} at {width}px: {wrapped[:5]}"
    if name == "front":
        assert page.locator("table.claims-scoreboard").count() >= 1
    shot(page, f"{name}-{lang}-{width}")
    page.close()


# Dark mode and the execution report, on the fixture book (tests/test_site.py builds it): the theme's
# dark mode follows the reader's system setting; every badge must keep its contrast there.
BADGE_COLOURS = """(selector) => [...document.querySelectorAll(selector)].map(el => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
                       const p = m[1].split(',').map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const layers = [];  // the backgrounds behind the badge, innermost first, down to the first opaque one
  for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
    const b = parse(getComputedStyle(n).backgroundColor);
    if (b && b[3] > 0) { layers.push(b); if (b[3] >= 1) break; }
  }
  let bg = [255, 255, 255];
  for (const [r, g, b, a] of layers.reverse()) bg = [r * a + bg[0] * (1 - a), g * a + bg[1] * (1 - a), b * a + bg[2] * (1 - a)];
  return {text: el.textContent, color: parse(getComputedStyle(el).color), background: bg};
})"""


def contrast(one, two) -> float:
    """WCAG 2 contrast ratio of two sRGB colours (0–255)."""
    def luminance(rgb):
        c = [v / 255 for v in rgb[:3]]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture(scope="module")
def fixture_url(tmp_path_factory):
    from test_site import make_fixture_book

    root = make_fixture_book(tmp_path_factory.mktemp("fixture-book"))
    build_site(root=root)
    handler = functools.partial(QuietHandler, directory=str(site_dir(root)))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_scoreboard_badges_keep_their_contrast_in_light_and_dark_mode(browser, fixture_url, lang, scheme):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page.goto(f"{fixture_url}/{lang}/intro.html")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("data-theme") == scheme
    badges = page.evaluate(BADGE_COLOURS, "table.claims-scoreboard .badge")
    assert badges, "no badges on the scoreboard"
    faint = [(b["text"], round(contrast(b["color"], b["background"]), 1)) for b in badges
             if contrast(b["color"], b["background"]) < 4.5]
    assert not faint, f"badges below a 4.5:1 contrast in {scheme} mode: {faint}"
    page.locator("table.claims-scoreboard").first.scroll_into_view_if_needed()
    shot(page, f"fixture-front-{lang}-{scheme}")
    for name, url in (("chapter", "book/chapters/01_fixture.html#claim-fixture-band"), ("report", "book/execution.html")):
        page.goto(f"{fixture_url}/{lang}/{url}")
        page.wait_for_load_state("load")
        shot(page, f"fixture-{name}-{lang}-{scheme}")
    page.close()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_execution_report_fits_a_phone(browser, fixture_url, lang):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{fixture_url}/{lang}/book/execution.html")
    page.wait_for_load_state("load")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the execution report is {overflow}px wider than a phone's screen"
    page.close()
