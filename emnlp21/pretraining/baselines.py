"""The reference rows every downstream table carries: the majority class and a TF-IDF classifier.

A fine-tuned encoder that does not beat a bag of n-grams with logistic regression on the same splits
has learned nothing a reader needs a transformer for; one that does not beat the majority class has
learned nothing at all. Both rows come out in the tidy shape of :func:`~.finetune.finetune_suite`.

An order-sensitive task has one more reference, :func:`positional_items`: a logistic regression
on what can be read off a sentence's positions without knowing any order (its first and last words,
its length, where its punctuation falls). If that scores well above the majority class, the task can
be solved by a surface shortcut learned in fine-tuning, and a gap on it says little about order
learned in pre-training.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline

from .finetune import scores
from .tasks import Task

MAJORITY, TFIDF, POSITIONAL = "majority", "tf-idf", "positional"
C_GRID = (0.1, 1.0, 10.0, 100.0)  # inverse regularisation strengths, chosen on the dev split


def _features(task: Task, vectorizer: TfidfVectorizer, split: pd.DataFrame):
    a = vectorizer.transform(split["text"])
    if not task.pair:
        return a
    b = vectorizer.transform(split["text_b"])
    return sp.hstack([a, b, a.multiply(b)]).tocsr()  # the product marks the n-grams the two texts share


def tfidf_predictions(task: Task, ngram_range=(1, 2)) -> dict[str, np.ndarray]:
    """Dev and test predictions of TF-IDF (word n-grams) + logistic regression, C chosen on dev."""
    texts = pd.concat([task.train["text"], task.train["text_b"]]) if task.pair else task.train["text"]
    vectorizer = TfidfVectorizer(ngram_range=ngram_range, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b|[^\w\s]")
    vectorizer.fit(texts)
    return _fit_on_dev(task, {s: _features(task, vectorizer, getattr(task, s)) for s in ("train", "dev", "test")})


def _fit_on_dev(task: Task, x: Mapping[str, object]) -> dict[str, np.ndarray]:
    """Dev and test predictions of a logistic regression on features ``x`` (per split), C chosen on dev."""
    best = None
    for c in C_GRID:
        clf = LogisticRegression(C=c, max_iter=2000).fit(x["train"], task.train["label"])
        dev_acc = float((clf.predict(x["dev"]) == task.dev["label"]).mean())
        if best is None or dev_acc > best[0]:
            best = (dev_acc, clf)
    return {s: best[1].predict(x[s]) for s in ("dev", "test")}


EDGE = 4  # positions counted from either end that a punctuation feature names


def positional_features(text: str) -> dict[str, float]:
    """What a sentence's positions show without its order: its first and last words, its length, and
    which of its first and last :data:`EDGE` positions hold a word with punctuation."""
    words = text.lower().split()
    out = {f"first={words[0]}": 1.0, f"last={words[-1]}": 1.0, "length": len(words) / 40} if words else {}
    for i, w in enumerate(words):
        if not w.isalnum():
            for name, k in (("from start", i), ("from end", len(words) - 1 - i)):
                if k < EDGE:
                    out[f"punctuation {name} {k}"] = 1.0
    return out


def positional_items(task: Task, folds: int = 5, seed: int = 0) -> pd.DataFrame:
    """Every item of ``task`` (its three splits together) predicted from :func:`positional_features` by a
    logistic regression, and by the majority class, each trained on the other folds of a stratified
    ``folds``-fold split: a property of the task's construction, measured on all its items, in the shape
    of :func:`~.finetune.item_results` (models :data:`POSITIONAL` and :data:`MAJORITY`)."""
    data = pd.concat([task.train, task.dev, task.test], ignore_index=True)
    x, y = data["text"].map(positional_features).tolist(), data["label"].to_numpy()
    cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
    models = {POSITIONAL: make_pipeline(DictVectorizer(), LogisticRegression(max_iter=2000)),
              MAJORITY: make_pipeline(DictVectorizer(), DummyClassifier(strategy="most_frequent"))}
    return pd.concat([pd.DataFrame({"model": name, "task": task.name, "seed": 0, "item": np.arange(len(y)),
                                    "correct": (cross_val_predict(model, x, y, cv=cv) == y).astype(np.int8)})
                      for name, model in models.items()], ignore_index=True)


def _reference_predictions(task: Task) -> dict[str, dict[str, np.ndarray]]:
    """{model: {split: predictions}} of the majority class and TF-IDF on ``task``'s dev and test splits."""
    majority = task.train["label"].mode().iloc[0]
    tfidf = tfidf_predictions(task)
    return {MAJORITY: {s: np.full(len(getattr(task, s)), majority) for s in ("dev", "test")}, TFIDF: tfidf}


def reference_scores(tasks: Mapping[str, Task] | Sequence[Task]) -> pd.DataFrame:
    """Majority-class and TF-IDF rows for every task, tidy (model, task, seed, split, metric, value)."""
    task_list = list(tasks.values()) if isinstance(tasks, Mapping) else list(tasks)
    rows = []
    for task in task_list:
        for name, preds in _reference_predictions(task).items():
            for split in ("dev", "test"):
                labels = getattr(task, split)["label"].to_numpy()
                rows += [{"model": name, "task": task.name, "seed": 0, "split": split, "metric": m, "value": v}
                         for m, v in scores(labels, preds[split], task.num_labels).items()]
    return pd.DataFrame(rows, columns=["model", "task", "seed", "split", "metric", "value"])


def reference_items(tasks: Mapping[str, Task] | Sequence[Task]) -> pd.DataFrame:
    """The reference rows item by item, in the shape of :func:`~.finetune.item_results`."""
    task_list = list(tasks.values()) if isinstance(tasks, Mapping) else list(tasks)
    frames = []
    for task in task_list:
        labels = task.test["label"].to_numpy()
        for name, preds in _reference_predictions(task).items():
            frames.append(pd.DataFrame({"model": name, "task": task.name, "seed": 0, "item": np.arange(len(labels)),
                                        "correct": (preds["test"] == labels).astype(np.int8)}))
    return pd.concat(frames, ignore_index=True)
