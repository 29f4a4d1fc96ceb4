"""Word and sentence co-occurrence counts of a corpus, as one sparse sentence × word matrix."""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
from scipy import sparse

from .words import words


class WordCounts:
    """Counts of words in a list of sentences.

    ``count(w)`` is the number of occurrences of ``w``; ``sentences_with(a, b)`` the number of
    sentences that contain both (the paper's subject–verb pair frequency: "how often subject–verb
    pairs appeared in the same sentence in BERT's training set", Wei+ 2021, Fig. 1).
    """

    def __init__(self, sentences: Sequence[str]):
        vocab: dict[str, int] = {}
        rows, cols = [], []
        for i, s in enumerate(sentences):
            ws = words(s)
            rows.extend([i] * len(ws))
            cols.extend(vocab.setdefault(w, len(vocab)) for w in ws)
        data = np.ones(len(rows), dtype=np.int32)
        # duplicates are summed: entry (i, w) = occurrences of w in sentence i
        self.matrix = sparse.csc_matrix((data, (rows, cols)), shape=(len(sentences), len(vocab)))
        self.vocab = vocab
        self.n_sentences = len(sentences)
        self._totals = np.asarray(self.matrix.sum(axis=0)).ravel()

    def _index(self, word: str) -> int | None:
        return self.vocab.get(word.lower())

    def count(self, word: str) -> int:
        j = self._index(word)
        return 0 if j is None else int(self._totals[j])

    def counts(self, words_: Iterable[str]) -> np.ndarray:
        return np.array([self.count(w) for w in words_], dtype=np.int64)

    def presence(self, words_: Sequence[str]) -> sparse.csc_matrix:
        """Binary sentence × ``words_`` matrix (a column of zeros for an unseen word)."""
        cols = []
        for w in words_:
            j = self._index(w)
            cols.append(self.matrix[:, j] if j is not None else sparse.csc_matrix((self.n_sentences, 1), dtype=np.int32))
        m = sparse.hstack(cols, format="csc") if cols else sparse.csc_matrix((self.n_sentences, 0))
        m.data[:] = 1
        return m

    def cooccurrence(self, rows: Sequence[str], cols: Sequence[str]) -> np.ndarray:
        """``out[i, j]`` = number of sentences containing both ``rows[i]`` and ``cols[j]``."""
        a, b = self.presence(rows), self.presence(cols)
        return np.asarray((a.T @ b).todense(), dtype=np.int64)

    def sentences_with(self, a: str, b: str) -> int:
        return int(self.cooccurrence([a], [b])[0, 0])
