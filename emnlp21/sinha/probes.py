"""Forward-only probes of a pre-trained variant: does it prefer natural word order (pseudo-log-
likelihood), and does it make the verb agree with its subject (zero-shot, the grammar setting)?"""

from __future__ import annotations

import random
from typing import Sequence

import numpy as np
import pandas as pd

from ..pretraining import load_checkpoint
from ..pretraining.evaluate import pseudo_log_likelihood, score_forms
from .variants import shuffle_text


def order_preference_items(models, sentences: Sequence[str], seed: int = 0, device="cpu") -> pd.DataFrame:
    """Pseudo-log-likelihood of each held-out sentence as written minus with its words shuffled (same
    words), per model and sentence: columns model, pretrain_seed, item (the sentence's position),
    difference (nats) and prefers (1 when the natural order scores higher, ½ on a tie, 0 otherwise).
    A model trained on natural text should prefer natural order; one trained on shuffled text (M1)
    or without positions (MNP: equal scores by construction) should not."""
    rng = random.Random(seed)
    shuffled = [shuffle_text(t, rng) for t in sentences]
    frames = []
    for name, m in models.items():
        diff = pseudo_log_likelihood(m, sentences, device=device) - pseudo_log_likelihood(m, shuffled, device=device)
        prefers = np.where(diff > TIE_NATS, 1.0, np.where(np.abs(diff) <= TIE_NATS, 0.5, 0.0))
        frames.append(pd.DataFrame({"model": name, "pretrain_seed": m.config.seed, "item": np.arange(len(diff)),
                                    "difference": diff, "prefers": prefers}))
    return pd.concat(frames, ignore_index=True)


TIE_NATS = 1e-6  # two pseudo-log-likelihoods closer than this are a tie (MNP's are equal up to rounding)


def order_preference(items: pd.DataFrame) -> pd.DataFrame:
    """Per model, from :func:`order_preference_items`: the share of sentences whose natural order scores
    higher (ties count half), the mean difference in nats per sentence and the number of sentences."""
    g = items.groupby("model", sort=False)
    return pd.DataFrame({"prefers_natural": g["prefers"].mean(), "mean_difference": g["difference"].mean(),
                         "sentences": g.size()})


ATTRACTED = ("pp", "subject_relative", "object_relative")


def agreement_accuracy(probe, pretrained, device="cpu", by: str = "construction"):
    """Per value of column ``by`` of ``probe`` (:func:`emnlp21.grammar.agreement_probe` items), the %
    of items where ``pretrained`` scores the agreeing verb form above the other one (zero-shot, chance 50 %)."""
    return 100 - 100 * score_forms(probe, pretrained, device=device).groupby(by)["error"].mean()


def agreement_curve(runs, probe, device="cpu"):
    """Zero-shot agreement of each run (``runs``: variant → :class:`Pretrained` with checkpoints) at
    every step it kept and at its end: rows (variant, step), columns ``none`` and ``attractor`` (the
    mean over the constructions with an attractor), in %."""
    rows = {}
    for variant, run in runs.items():
        for step in [*sorted(run.checkpoints), run.config.steps]:
            model = run if step == run.config.steps else load_checkpoint(run, step)
            acc = agreement_accuracy(probe, model, device)
            rows[(variant, step)] = {"none": acc["none"], "attractor": acc[list(ATTRACTED)].mean()}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis(["variant", "step"])


def agreement_items(probe, runs, device="cpu") -> pd.DataFrame:
    """Every probe item scored by every run (``runs``: name → :class:`Pretrained`), for intervals:
    columns arm, pretrain_seed, task (the item's construction), item (its row in ``probe``), verb (the
    pair of forms, the cluster: items of one verb are not independent), object (``same``/``other``:
    the number of the noun after the verb against the subject's) and score (1 when the agreeing form
    scores higher)."""
    frames = []
    for name, run in runs.items():
        s = score_forms(probe, run, device=device)
        frames.append(pd.DataFrame({
            "arm": name, "pretrain_seed": run.config.seed, "task": s["construction"].to_numpy(),
            "item": np.arange(len(s)), "verb": [" / ".join(sorted(f)) for f in zip(s["correct"], s["wrong"])],
            "object": np.where(s["object_number"].to_numpy() == s["number"].to_numpy(), "same", "other"),
            "score": 1.0 - s["error"].to_numpy()}))
    return pd.concat(frames, ignore_index=True)
