"""Labelled real data for fine-tuning and evaluation (never part of the pre-training ``train`` text).

Split them into train/dev/test with a seed where they are used; these functions return whole sets.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from ..core.paths import cache_dir
from . import fetch
from .sources import _SWORD_MODULES, HEDGE_CSV, POLARITY_CSV, REVIEWS_CSV, bible_verses, pattern_csv
from ..core.cache import cached_json, config_hash
from .text import normalise

PAIRS_VERSION = 1

_SHORT = re.compile(r"[a-z]+")


def polarity_sentences() -> pd.DataFrame:
    """Pang & Lee sentence polarity v1.0 sample: 2,000 positive + 2,000 negative movie-review snippets.

    Columns ``text`` (lower-cased and tokenised as distributed) and ``label`` (1 = positive, 0 = negative).
    These are Rotten Tomatoes snippets, not sentences of the full reviews used for pre-training.
    """
    rows = [(normalise(text), int(label == "1")) for label, text in pattern_csv(POLARITY_CSV)]
    return pd.DataFrame(rows, columns=["text", "label"])


def hedge_sentences() -> pd.DataFrame:
    """CoNLL-2010 shared task 1 (Wikipedia) sample: sentences with ``label`` 1 = uncertain (hedged), 0 = certain.

    The distributed 3,000 sentences hold a few repeats; each text is kept once (first label), and texts
    that occur with both labels are dropped, so no sentence can sit in both a train and a test split.
    """
    # The Wikipedia text keeps some HTML entities (&quot;): unescape them.
    df = pd.DataFrame([(normalise(html.unescape(t)), int(lab != "1")) for lab, t in pattern_csv(HEDGE_CSV)],
                      columns=["text", "label"])
    conflicting = df.groupby("text")["label"].nunique().loc[lambda n: n > 1].index
    df = df[~df["text"].isin(conflicting)].drop_duplicates("text")
    return df.reset_index(drop=True)


def movie_reviews() -> pd.DataFrame:
    """1,500 full movie reviews (Pang & Lee polarity v2.0 sample, 750 per class): ``doc_id``, ``text``, ``label``.

    ``label`` 1 = positive. The same reviews (without labels) are the "reviews" pre-training source:
    for a test set unseen in pre-training, take the reviews whose ``doc_id`` is in
    ``Corpus.heldout_documents``.
    """
    rows = [(f"reviews/{i:04d}", normalise(text), int(label == "1"))
            for i, (label, text) in enumerate(pattern_csv(REVIEWS_CSV))]
    return pd.DataFrame(rows, columns=["doc_id", "text", "label"])


def _content_words(text: str) -> set[str]:
    return {w for w in _SHORT.findall(text.lower()) if len(w) > 3}


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def bible_verse_pairs(max_length_ratio: float = 2.5) -> pd.DataFrame:
    """The same verse in the King James Version and the World English Bible: ``ref``, ``kjv``, ``web``.

    Verses are joined on their reference (book.chapter.verse), so the two versifications (KJV and
    NRSVA) cannot drift apart. Where a verse's text moved (merged verses, the Romans doxology, Rev 12:18
    / 13:1), the pair is dropped: a pair is kept only if its content words overlap at least as much as
    with either neighbouring verse of the other translation, and the word counts differ by at most
    ``max_length_ratio``. Text is normalised (straight quotes) as in the corpus.
    """
    key = config_hash({"debs": [fetch.debian_package(p).name for p, _ in _SWORD_MODULES.values()],
                       "ratio": max_length_ratio, "version": PAIRS_VERSION})
    path = cache_dir("corpora", "prepared") / f"verse-pairs-{key}.json.gz"
    return pd.DataFrame(cached_json(path, lambda: _aligned_verses(max_length_ratio)), columns=["ref", "kjv", "web"])


def _aligned_verses(max_length_ratio: float) -> list[tuple[str, str, str]]:
    kjv = {v.ref: normalise(v.text) for v in bible_verses("kjv")}
    web = {v.ref: normalise(v.text) for v in bible_verses("web")}
    words = {ref: _content_words(t) for ref, t in web.items()}
    rows = []
    for ref, k_text in kjv.items():
        if ref not in web:
            continue
        book, chapter, verse = ref.rsplit(".", 2)
        k_words = _content_words(k_text)
        same = _overlap(k_words, words[ref])
        neighbours = [_overlap(k_words, words.get(f"{book}.{chapter}.{int(verse) + d}", set())) for d in (-1, 1)]
        n_k, n_w = len(k_text.split()), len(web[ref].split())
        if same >= max(neighbours) and max(n_k, n_w) <= max_length_ratio * min(n_k, n_w):
            rows.append((ref, k_text, web[ref]))
    return rows
