"""What a verdict rests on: positive controls, and margins taken from measured noise.

A claim is a *finding* (what a paper reports), a *check* (a sanity or positive-control measurement)
or a *construction* (true by how the experiment is built: shown, never counted as evidence). A
finding whose positive control failed is *inconclusive*, whatever its own comparison says: a model
that learned nothing cannot confirm or refute a paper.

Margins: a difference of accuracies counts when it exceeds :data:`Z` standard errors, where the
error combines the spread over seeds and the binomial noise of a finite test set
(:func:`difference_margin`); two counts of errors are compared with Fisher's exact test at level
:data:`ALPHA` (:func:`counts_differ`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

KINDS = ("finding", "check", "construction")
VERDICTS = ("holds", "fails", "inconclusive")
ALPHA = 0.01  # the book's level for a difference of counts (several claims per chapter are tested)
Z = 2.0  # standard errors a difference of means must exceed


@dataclass(frozen=True)
class Control:
    """A positive control of a finding: what it requires (both languages) and whether it passed."""

    en: str
    ja: str
    passed: bool


def verdict(kind: str, holds: bool, controls: Iterable[Control] = ()) -> str:
    """``inconclusive`` when a finding's control failed, otherwise ``holds`` or ``fails``."""
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {KINDS}")
    if kind == "finding" and any(not c.passed for c in controls):
        return "inconclusive"
    return "holds" if holds else "fails"


def mean_standard_error(values: Sequence[float], n_items: int) -> float:
    """Standard error of a mean accuracy (fractions) over seeds, on a test set of ``n_items``:
    the seed-to-seed variance over the number of seeds plus the binomial variance of the test set."""
    v = np.asarray(values, dtype=float)
    if not len(v) or n_items < 1:
        raise ValueError("need at least one value and one test item")
    p = float(np.clip(v.mean(), 0.0, 1.0))
    seed_var = float(v.var(ddof=1)) / len(v) if len(v) > 1 else 0.0
    return float(np.sqrt(seed_var + p * (1 - p) / n_items))


def difference_margin(a: Sequence[float], b: Sequence[float], n_items: int, z: float = Z) -> float:
    """The least difference of mean accuracies (fractions) of ``a`` and ``b`` that counts:
    ``z`` × the standard error of the difference (:func:`mean_standard_error` of each, combined)."""
    return z * float(np.hypot(mean_standard_error(a, n_items), mean_standard_error(b, n_items)))


def exceeds(a: Sequence[float], b: Sequence[float], n_items: int, z: float = Z) -> bool:
    """Is mean(a) − mean(b) larger than its :func:`difference_margin`?"""
    return float(np.mean(a) - np.mean(b)) > difference_margin(a, b, n_items, z)


def counts_differ(k1: int, n1: int, k2: int, n2: int, alpha: float = ALPHA) -> tuple[bool, float]:
    """Fisher's exact test of k1/n1 against k2/n2 (two-sided): (significant at ``alpha``, p-value)."""
    from scipy.stats import fisher_exact

    if not (0 <= k1 <= n1 and 0 <= k2 <= n2) or min(n1, n2) < 1:
        raise ValueError(f"counts must satisfy 0 <= k <= n, n >= 1; got {k1}/{n1} and {k2}/{n2}")
    p = float(fisher_exact([[k1, n1 - k1], [k2, n2 - k2]]).pvalue)
    return p < alpha, p


def binomial_interval(k: int, n: int, alpha: float = ALPHA) -> tuple[float, float]:
    """Clopper–Pearson interval of a proportion k/n at confidence 1 − ``alpha``."""
    from scipy.stats import binomtest

    ci = binomtest(k, n).proportion_ci(confidence_level=1 - alpha)
    return float(ci.low), float(ci.high)
