"""Unit tests of the bilingual build's pieces: language filter, Japanese search terms, scoreboard, root page."""

import ast
import json
import re
from dataclasses import asdict
from pathlib import Path

import pytest

from emnlp21.book.claims import Claim
from emnlp21.book.site import write_root_index
from emnlp21.book.sphinxext.jasearch import index_terms, query_terms
from emnlp21.book.sphinxext.langfilter import LangBlockError, filter_markdown, filter_notebook

ROOT = Path(__file__).resolve().parents[1]

PAGE = """\
# shared

:::{lang} en
English text.
:::

:::{lang} ja
日本語の文。
:::

::::{lang} ja
:::{note}
注記
:::
::::

```
:::{lang} en
literal
:::
```
after
"""


def test_markdown_keeps_only_the_build_language():
    en, ja = filter_markdown(PAGE, "en"), filter_markdown(PAGE, "ja")
    assert "English text." in en and "日本語" not in en and "注記" not in en
    assert "日本語の文。" in ja and "English text." not in ja
    assert ":::{note}\n注記\n:::\n" in ja  # a directive inside a four-colon block survives whole
    for text in (en, ja):  # the fenced example is literal text, kept in both
        assert "```\n:::{lang} en\nliteral\n:::\n```\nafter\n" in text
        assert text.startswith("# shared\n")


@pytest.mark.parametrize("text, message", [
    (":::{lang} fr\nbonjour\n:::\n", "unknown language 'fr'"),
    (":::{lang} en\nnever closed\n", ":1: the {lang} en block opened with 3 colons is never closed"),
    (":::{lang} en\n:::{lang} ja\nx\n:::\n:::\n", "inside another {lang} block"),
])
def test_bad_blocks_say_where_and_what_to_write(text, message):
    with pytest.raises(LangBlockError, match=message.replace("{", r"\{").replace("(", r"\(")) as info:
        filter_markdown(text, "en", where="page.md")
    assert str(info.value).startswith("page.md:")


def test_notebook_keeps_its_language_outputs_and_drops_emptied_cells():
    out = lambda lang: {"output_type": "display_data", "data": {"text/plain": lang},  # noqa: E731
                        "metadata": {} if lang == "both" else {"lang": lang}}
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": [":::{lang} ja\n", "だけ\n", ":::\n"]},
        {"cell_type": "code", "metadata": {}, "source": "show()", "execution_count": 1,
         "outputs": [out("en"), out("ja"), out("both")]},
        {"cell_type": "code", "metadata": {}, "source": "", "execution_count": 2, "outputs": [out("ja")]},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    en = json.loads(filter_notebook(json.dumps(nb), "en"))
    ja = json.loads(filter_notebook(json.dumps(nb), "ja"))
    assert [c["cell_type"] for c in en["cells"]] == ["code"]
    assert [o["data"]["text/plain"] for o in en["cells"][0]["outputs"]] == ["en", "both"]
    assert [c["cell_type"] for c in ja["cells"]] == ["markdown", "code", "code"]
    assert [o["data"]["text/plain"] for o in ja["cells"][1]["outputs"]] == ["ja", "both"]


@pytest.mark.parametrize("query", ["投稿数", "採択率", "注意機構", "率", "Transformer", "ＢＥＲＴ"])
def test_japanese_query_terms_are_all_in_the_index_of_a_page_that_holds_them(query):
    page = "EMNLPの投稿数と採択率，BERTの注意機構とTransformerの話。"
    indexed = set(index_terms(page))
    assert set(query_terms(query)) <= indexed
    assert query_terms(query)  # a query never vanishes


def test_japanese_query_terms_miss_a_page_without_the_compound():
    assert not set(query_terms("注意機構")) <= set(index_terms("注意して機械の構造を見る"))


def test_root_index_redirects_by_language_and_links_both(tmp_path):
    text = write_root_index(tmp_path, "book/intro").read_text(encoding="utf-8")
    assert 'href="en/book/intro.html"' in text and 'href="ja/book/intro.html"' in text
    assert "navigator.languages" in text and 'location.replace(chosen + "/book/intro.html"' in text


def test_scoreboard_shows_verdicts_kinds_estimates_regions_and_why_inconclusive():
    from emnlp21.core.evidence import Estimate, above, within
    from emnlp21.book.sphinxext.scoreboard import chance_line, chapter_sections, claims_table, summary

    est = asdict(Estimate(2.5, 0.4, 4.6, pretrain_seeds=3, finetune_seeds=2, items=400))
    points = asdict(above(0, unit="points", unit_ja="ポイント", source="the paper's direction", source_ja="論文の向き"))
    claims = [Claim(id="c.a", en="A grows.", ja="Aは増える。", paper="+1", source="slide 2", ours="+1",
                    holds=True, chapter="c", profile="quick", estimate=est, region=points),
              Claim(id="c.b", en="B stays.", ja="Bは保つ。", paper="22%", source="slide 3", ours="19%",
                    holds=False, chapter="c", profile="quick", verdict="fails",
                    estimate=asdict(Estimate.exact(19.0)), region=asdict(within(1.0, center=22.0))),
              Claim(id="c.c", en="C learned.", ja="Cは学習した。", paper="yes", source="paper", ours="no",
                    holds=False, chapter="c", profile="quick", verdict="inconclusive",
                    controls=[{"en": "MN above MRI", "ja": "MN が MRI を上回る", "passed": False}],
                    reasons=[{"en": "MN above MRI", "ja": "MN が MRI を上回る"}], estimate=est, region=points),
              Claim(id="c.d", en="D is smaller.", ja="Dは小さい。", paper="yes", source="paper", ours="0.6×",
                    holds=True, chapter="c", profile="quick", kind="construction", estimate=est, region=points)]
    text = claims_table(claims, "en").astext()
    assert "✗ fails" in text and "✓ holds" in text and "? inconclusive" in text and "c.b" in text
    assert "inconclusive because: MN above MRI" in text and "by construction" in text
    assert "+2.50 [+0.40, +4.60] points (99 % interval, 3 pre-training × 2 fine-tuning seeds × 400 items)" in text
    assert "holds if: > 0 points (the paper's direction)" in text and "holds if: in [21, 23]" in text
    ja = claims_table(claims, "ja").astext()
    assert "✗ 不成立" in ja and "判定不能" in ja and "MN が MRI を上回る" in ja and "構成上成立" in ja
    assert "成立の条件：> 0 ポイント（論文の向き）" in ja and "99 % 区間" in ja
    assert summary(claims, "en") == "1 chapter, 3 findings: 1 hold, 1 fail, 1 inconclusive (also 0 checks, 1 by construction)."
    assert "知見 3 件" in summary(claims, "ja")
    assert "at most 0.01 of the 3 hold" in chance_line(claims, "en") and "3 件中平均 0.01 件以下" in chance_line(claims, "ja")
    assert len(chapter_sections(claims, "en")) == 2  # one chapter line and one table

OURS_VARIANTS = ("我々", "私たち", "われわれ")  # the house style says 本書


def ours_variants(text: str) -> list[str]:
    """The words for "ours" in ``text`` that the house style replaces by 本書."""
    return [w for w in OURS_VARIANTS if w in text]


def test_house_style_says_honsho_for_ours():
    assert ours_variants("論文の表と並べた我々の表") == ["我々"] and ours_variants("本書の表") == []
    root = Path(__file__).resolve().parents[1]
    sources = [*root.glob("notebooks/*.py"), *root.glob("book/*.md"), *root.glob("emnlp21/**/*.py")]
    offenders = {p.name: ours_variants(p.read_text(encoding="utf-8")) for p in sources}
    assert not {k: v for k, v in offenders.items() if v}


_JA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]")


def _half_width_in(body: str) -> list[str]:
    """Parenthesised phrases of Japanese ``body`` written with ASCII parentheses where the house style
    wants full-width ones: Japanese inside, or Japanese right before (code and math aside, per line)."""
    body = "\n".join(re.sub(r"`[^`]*`|\$[^$]*\$", "``", line) for line in body.split("\n"))
    return [m.group(0) for m in re.finditer(r"\(([^()]*)\)", body)
            if _JA.search(m.group(1)) or _JA.search(body[:m.start()].rstrip()[-1:])]


def half_width_parentheses(text: str) -> list[str]:
    """:func:`_half_width_in` over the Japanese blocks of a page or notebook ``text``."""
    bodies, inside = [], False
    for line in text.splitlines():
        bare = line[2:] if line.startswith("# ") else ("" if line == "#" else line)
        if re.match(r"^:{3,}\{lang\} ja", bare):
            inside = True
        elif inside and re.match(r"^:{3,}\s*$", bare):
            inside = False
        elif inside:
            bodies.append(bare)
    return _half_width_in("\n".join(bodies))


def _without_calls(text: str) -> str:
    """``text`` with function-call notation (``log2(x + 1)``: a parenthesis right after a letter or digit)
    removed, nested parentheses included: formulas keep ASCII parentheses."""
    out, depth = [], 0
    for i, ch in enumerate(text):
        if depth:
            depth += {"(": 1, ")": -1}.get(ch, 0)
        elif ch == "(" and i and (text[i - 1].isascii() and text[i - 1].isalnum()):
            depth = 1
        else:
            out.append(ch)
    return "".join(out)


def japanese_literals(source: str) -> list[str]:
    """The Japanese string literals of a Python file (f-strings with ``{}`` for each field): those whose
    letters are at least a quarter CJK (an English text naming NL研 is not one)."""
    texts = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            texts.append("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            texts.append(node.value)
    japanese = []
    for t in texts:
        letters = [c for c in t if c.isalpha()]
        if letters and sum(bool(_JA.match(c)) for c in letters) >= len(letters) / 4:
            japanese.append(t)
    return japanese


def literal_half_width_parentheses(source: str) -> list[str]:
    """:func:`_half_width_in` over the Japanese string literals of a Python file, formulas aside."""
    return [h for t in japanese_literals(source) for h in _half_width_in(_without_calls(t))]


def test_house_style_writes_full_width_parentheses_in_library_japanese():
    planted = 'x = tr(lang, "accuracy (%) (NL研)", "精度 (%)")\ny = f"M1 ({n} ポイント以上) log2(目標形 + 1)"\n'
    assert sorted(literal_half_width_parentheses(planted)) == ["(%)", "({} ポイント以上)"]
    offenders = {p.name: literal_half_width_parentheses(p.read_text(encoding="utf-8"))
                 for p in [*ROOT.glob("emnlp21/**/*.py"), *ROOT.glob("notebooks/*.py")]}
    assert not {k: v for k, v in offenders.items() if v}


def test_house_style_writes_full_width_parentheses_in_japanese_prose():
    planted = ":::{lang} ja\nモデル (MN) と（M1）は `f(x)` の\n(論文\nの値)\n:::\n:::{lang} en\nmodel (MN)\n:::"
    assert half_width_parentheses(planted) == ["(MN)", "(論文\nの値)"]
    root = Path(__file__).resolve().parents[1]
    offenders = {p.name: half_width_parentheses(p.read_text(encoding="utf-8"))
                 for p in [*root.glob("notebooks/*.py"), *root.glob("book/*.md")]}
    assert not {k: v for k, v in offenders.items() if v}


def test_tables_show_every_cell_whole(monkeypatch):
    """A claim id or an interval longer than pandas' 50-character default keeps its end on the page
    (the scoreboard links to a chapter's row by the id in that row)."""
    import IPython.display
    import pandas as pd

    from emnlp21.book.display import show_table

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, metadata: shown.append((metadata["lang"], obj._repr_html_())))
    long_id = "yamaguchi.grammar.shuffle-random-not-worse-at-every-checkpoint"
    show_table(lambda lang: pd.DataFrame({"claim": [long_id] * 70}))
    assert [lang for lang, _ in shown] == ["en", "ja"]
    for _, html in shown:
        assert html.count(f"<td>{long_id}</td>") == 70, "a cell or a row was cut"
