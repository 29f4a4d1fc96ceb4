"""Japanese search: the book's bigram splitter (emnlp21/book/sphinxext/jasearch.py) against sphinx-tsegsearch.

Both are compared at the index level, as Sphinx's search decides: a page is found when every term
of the split query is among the page's index terms. sphinx-tsegsearch indexes with Sphinx's
TinySegmenter port (``sphinx.search.ja.DefaultSplitter``) and splits the query with the same
segmenter in JavaScript, so the Python splitter stands in for both sides. The pages are the
Japanese blocks of the notebooks and of book/*.md. Queries: the browser test's and the issue's
terms, then random 2–4 character substrings of the prose (what a reader types when half-remembering
a word). Needs only Sphinx (``pip install sphinx-tsegsearch`` is not required: it adds no splitter
of its own on the Python side).

    .venv/bin/python benchmarks/japanese_search.py
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from sphinx.search.ja import DefaultSplitter

from emnlp21.book.sphinxext.jasearch import _JA_RUN, bigrams, index_terms

ROOT = Path(__file__).resolve().parents[1]

TERMS = ("語順", "残差結合", "頻度", "採択率", "投稿数", "層正規化", "事前学習", "判定不能")
JA_BLOCK = re.compile(r":::+\{lang\} ja(.*?):::", re.S)


def pages() -> dict[str, str]:
    files = [*(ROOT / "notebooks").glob("*.py"), *(ROOT / "book").glob("*.md")]
    return {p.name: "\n".join(JA_BLOCK.findall(p.read_text(encoding="utf-8"))) for p in files}


def main() -> None:
    texts = pages()
    tseg = DefaultSplitter({})
    index = {"bigram": {n: set(index_terms(t)) for n, t in texts.items()},
             "tsegsearch": {n: set(tseg.split(t)) for n, t in texts.items()}}
    split = {"bigram": lambda q: [b for run in _JA_RUN.findall(q) for b in bigrams(run)],
             "tsegsearch": lambda q: [w for w in tseg.split(q) if w.strip()]}

    def hits(method: str, query: str) -> set[str]:
        terms = split[method](query)
        return {n for n, words in index[method].items() if all(t in words for t in terms)}

    for q in TERMS:
        truth = {n for n, t in texts.items() if q in t}
        print(f"{q}: {len(truth)} pages hold it; " + "; ".join(
            f"{m} finds {len(hits(m, q) & truth)} (+{len(hits(m, q) - truth)} without it)" for m in index))
    substrings = sorted({run[i:i + k] for t in texts.values() for run in _JA_RUN.findall(t)
                         for k in (2, 3, 4) for i in range(len(run) - k + 1)})
    sample = random.Random(0).sample(substrings, min(400, len(substrings)))
    total = sum(len({n for n, t in texts.items() if q in t}) for q in sample)
    for m in index:
        found = sum(len(hits(m, q) & {n for n, t in texts.items() if q in t}) for q in sample)
        extra = sum(len(hits(m, q) - {n for n, t in texts.items() if q in t}) for q in sample)
        print(f"{len(sample)} random substrings: {m} finds {found}/{total} page hits, {extra} pages without the string")


if __name__ == "__main__":
    main()
