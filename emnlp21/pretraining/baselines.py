"""The reference rows every downstream table carries: the majority class and a TF-IDF classifier.

A fine-tuned encoder that does not beat a bag of n-grams with logistic regression on the same splits
has learned nothing a reader needs a transformer for; one that does not beat the majority class has
learned nothing at all. Both rows come out in the tidy shape of :func:`~.finetune.finetune_suite`.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from .finetune import scores
from .tasks import Task

MAJORITY, TFIDF = "majority", "tf-idf"
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
    x = {s: _features(task, vectorizer, getattr(task, s)) for s in ("train", "dev", "test")}
    best = None
    for c in C_GRID:
        clf = LogisticRegression(C=c, max_iter=2000).fit(x["train"], task.train["label"])
        dev_acc = float((clf.predict(x["dev"]) == task.dev["label"]).mean())
        if best is None or dev_acc > best[0]:
            best = (dev_acc, clf)
    return {s: best[1].predict(x[s]) for s in ("dev", "test")}


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
