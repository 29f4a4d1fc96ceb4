"""Forward-only probes of a pre-trained variant: does it prefer natural word order (pseudo-log-
likelihood), and does it make the verb agree with its subject (zero-shot, the grammar setting)?"""

from __future__ import annotations

import random
from typing import Sequence

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from ..pretraining import load_checkpoint
from ..pretraining.evaluate import pseudo_log_likelihood, score_forms
from .variants import shuffle_text


def order_preference(models, sentences: Sequence[str], seed: int = 0, device="cpu"):
    """Pseudo-log-likelihood of each held-out sentence as written and with its words shuffled (same
    words), per model: the share of sentences whose natural order scores higher, its two-sided
    binomial p-value against 1/2 (ties count half) and the mean difference in nats per sentence.
    A model trained on natural text should prefer natural order; one trained on shuffled text (M1)
    or without positions (MNP: equal scores by construction) should not."""

    rng = random.Random(seed)
    shuffled = [shuffle_text(t, rng) for t in sentences]
    rows = {}
    for name, m in models.items():
        diff = pseudo_log_likelihood(m, sentences, device=device) - pseudo_log_likelihood(m, shuffled, device=device)
        wins = float((diff > 1e-6).sum() + 0.5 * (np.abs(diff) <= 1e-6).sum())
        rows[name] = {"prefers_natural": wins / len(diff), "p_value": binomtest(round(wins), len(diff)).pvalue,
                      "mean_difference": float(diff.mean()), "sentences": len(diff)}
    return pd.DataFrame.from_dict(rows, orient="index")


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
