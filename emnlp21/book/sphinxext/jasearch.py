"""Japanese search that finds compound words: overlapping character bigrams on both sides.

Sphinx's default Japanese splitter cuts the index into words but leaves the query whole, so a
compound such as 投稿数 or 注意機構 often finds nothing. Here a run of Japanese characters becomes
its characters and overlapping bigrams in the index (注意機構 → 注,意,機,構,注意,意機,機構); the
query side (the JavaScript ``splitQuery`` below) turns a run into its bigrams (a single character
stays itself), and Sphinx requires every query term to be on a page. Other text (Latin words,
numbers) is split on non-word characters as in the English search.
"""

from __future__ import annotations

import re
import unicodedata

from sphinx.search import SearchLanguage

# Hiragana, katakana (with ー), CJK ideographs (with 々〆〇), half-width katakana.
JA_CHARS = "\u3041-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005-\u3007\uff66-\uff9f"
_JA_RUN = re.compile(f"[{JA_CHARS}]+")
_OTHER_WORD = re.compile(rf"[^\W{JA_CHARS}]+")


def bigrams(run: str) -> list[str]:
    return [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]


def index_terms(text: str) -> list[str]:
    """What the index stores for ``text``: Latin words, Japanese characters and bigrams."""
    text = unicodedata.normalize("NFKC", text).lower()
    terms = _OTHER_WORD.findall(text)
    for run in _JA_RUN.findall(text):
        terms += list(run) + (bigrams(run) if len(run) > 1 else [])
    return terms


def query_terms(query: str) -> list[str]:
    """What a query is split into (the Python twin of ``JS_SPLITTER``, used by the tests)."""
    query = unicodedata.normalize("NFKC", query).lower()
    terms = _OTHER_WORD.findall(query)
    for run in _JA_RUN.findall(query):
        terms += bigrams(run)
    return terms


JS_SPLITTER = r"""
const JA_RUN = /[\u3041-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005-\u3007\uff66-\uff9f]+/gu;
var splitQuery = (query) => {
  query = query.normalize("NFKC");
  const terms = query.replace(JA_RUN, " ")
    .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
    .filter(term => term);
  for (const run of query.match(JA_RUN) || []) {
    if (run.length === 1) terms.push(run);
    else for (let i = 0; i + 1 < run.length; i++) terms.push(run.slice(i, i + 2));
  }
  return terms;
};
"""


class SearchJapaneseBigram(SearchLanguage):
    lang = "ja"
    language_name = "Japanese"
    js_splitter_code = JS_SPLITTER

    def split(self, input: str) -> list[str]:
        return index_terms(input)

    def word_filter(self, word: str) -> bool:
        # Single Japanese characters are meaningful (数, 率); single Latin letters are noise.
        return bool(word) and (len(word) > 1 or bool(_JA_RUN.fullmatch(word)))

    def stem(self, word: str) -> str:
        return word
