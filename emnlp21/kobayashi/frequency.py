"""Token frequency ranks and their Spearman correlation with the mixing ratios (the paper's Section 5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from ..book.evidence import ALPHA
from .mixing import MEASURES


def frequency_ranks(tokenizer, sentences: Sequence[str], batch_size: int = 2048) -> np.ndarray:
    """Rank (1 = most frequent) of every vocabulary id, counted with the model's own tokenizer over
    ``sentences`` tokenised one by one with special tokens (so [CLS]/[SEP] count once per sentence).
    Ties are broken by id; ids never seen share the bottom rank (as in the paper's code)."""
    if not sentences:
        raise ValueError("frequency_ranks needs a non-empty corpus")
    counts = np.zeros(len(tokenizer), dtype=np.int64)
    for start in range(0, len(sentences), batch_size):
        ids = tokenizer(list(sentences[start:start + batch_size]), truncation=False)["input_ids"]
        counts += np.bincount(np.concatenate([np.asarray(s) for s in ids]), minlength=len(counts))
    order = np.lexsort((np.arange(len(counts)), -counts))  # by count descending, then id
    ranks = np.empty_like(counts)
    ranks[order] = np.arange(1, len(counts) + 1)
    seen = counts > 0
    ranks[~seen] = seen.sum() + 1
    return ranks


def layer_mean_ratios(result, measures: Sequence[str] = MEASURES) -> pd.DataFrame:
    """Per token occurrence: ratios averaged over layers, with the token id and whether it is special."""
    df = pd.DataFrame({m: result.measure(m).mean(1) for m in measures})
    df["token_id"] = result.token_ids
    df["special"] = result.special
    df["masked"] = result.masked
    df["text_index"] = result.text_index
    return df


def token_table(result, ranks: np.ndarray, tokenizer, measures: Sequence[str] = MEASURES) -> pd.DataFrame:
    """``layer_mean_ratios`` plus each token's string, frequency rank and whether it is punctuation."""
    df = layer_mean_ratios(result, measures)
    ids = df["token_id"].to_numpy()
    df["rank"] = ranks[ids]
    df["token"] = tokenizer.convert_ids_to_tokens(ids.tolist())
    df["punct"] = df["token"].map(lambda t: bool(t) and all(not c.isalnum() for c in t.lstrip("Ġ▁#")))
    df.loc[df["special"], "punct"] = False
    return df


SUBSETS = ("all tokens", "without specials")


def subset(table: pd.DataFrame, which: str) -> pd.DataFrame:
    """The token occurrences a correlation runs over: ``all tokens`` or ``without specials``; tokens
    shown to the model as [MASK] are always left out (their frequency rank is that of a word it never saw)."""
    if which not in SUBSETS:
        raise ValueError(f"subset {which!r} is not one of {SUBSETS}")
    keep = ~table["masked"].to_numpy() if "masked" in table else np.ones(len(table), bool)
    if which == "without specials":
        keep &= ~table["special"].to_numpy()
    return table[keep]


def rank_correlations(table: pd.DataFrame, measures: Sequence[str] = MEASURES) -> pd.DataFrame:
    """Spearman's rho between frequency rank and the layer-averaged ratio, over token occurrences
    (rows of ``token_table``, masked ones left out), with and without the special tokens (the paper reports both)."""
    measures = [m for m in measures if m in table]
    rows = {}
    for label in SUBSETS:
        df = subset(table, label)
        rows[label] = {m: spearmanr(df["rank"], df[m]).statistic for m in measures}
    return pd.DataFrame(rows)


# --- Bootstrap over sentence pairs -------------------------------------------------------------------

# The least |rho| a claim on its sign counts. Cohen's "small" correlation: a rank correlation of 0.1
# explains about 1 % of the rank variance. With ten thousand tokens far smaller values exclude zero,
# but a sign that small says nothing about how mixing depends on frequency; the paper's -0.54 is
# five times larger, so failing this bar means the effect is absent, not merely weaker.
MIN_RHO = 0.1


def _midranks(values: np.ndarray):
    """Sort order and tie groups of ``values``: ``(order, group)`` with group[k] the tie group of the
    k-th smallest value (groups numbered in increasing order of value)."""
    order = np.argsort(values, kind="stable")
    v = values[order]
    group = np.concatenate([[0], np.cumsum(v[1:] != v[:-1])])
    return order, group


def _weighted_ranks(order, group, w: np.ndarray) -> np.ndarray:
    """Average ranks of every element when element t is repeated w[t] times (rankdata's 'average'
    on the expanded sample), from the sort order and tie groups of :func:`_midranks`."""
    ws = w[order]
    size = np.bincount(group, weights=ws)  # total weight of each tie group
    before = np.cumsum(size) - size
    ranks = np.empty(len(w))
    ranks[order] = (before + (size + 1) / 2)[group]
    return ranks


def _weighted_pearson(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    total = w.sum()
    mx, my = (w * x).sum() / total, (w * y).sum() / total
    dx, dy = x - mx, y - my
    return float((w * dx * dy).sum() / np.sqrt((w * dx * dx).sum() * (w * dy * dy).sum()))


def weighted_spearman(x: np.ndarray, y: np.ndarray, w: np.ndarray, _prepared=None) -> float:
    """Spearman's rho of the sample in which (x[t], y[t]) occurs w[t] times (w: non-negative integers),
    equal to ``scipy.stats.spearmanr(np.repeat(x, w), np.repeat(y, w))`` without building it."""
    w = np.asarray(w, dtype=float)
    px, py = _prepared or (_midranks(np.asarray(x)), _midranks(np.asarray(y)))
    return _weighted_pearson(_weighted_ranks(*px, w), _weighted_ranks(*py, w), w)


@dataclass(frozen=True)
class RhoEstimate:
    """Spearman's rho over token occurrences with a percentile bootstrap interval over sentence pairs."""

    rho: float
    low: float
    high: float
    confidence: float  # of the interval, e.g. 0.99
    pairs: int  # sentence pairs (the resampled units)
    tokens: int
    replicates: int

    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0

    def sign_holds(self, sign: int, min_rho: float = MIN_RHO) -> bool:
        """The claim "rho has sign ``sign`` (+1/-1)" holds: the interval lies on that side of zero
        and |rho| is at least ``min_rho``."""
        if sign not in (1, -1):
            raise ValueError("sign must be +1 or -1")
        beyond_zero = self.low > 0 if sign > 0 else self.high < 0
        return bool(beyond_zero and sign * self.rho >= min_rho)


def bootstrap_spearman(x, y, groups, *, replicates: int = 1000, seed: int = 0, alpha: float = ALPHA) -> RhoEstimate:
    """Spearman's rho of (x, y) with a (1 - ``alpha``) percentile interval from resampling the
    ``groups`` (e.g. the sentence pair of each token) with replacement, ``replicates`` times; the
    tokens of a resampled pair count as often as the pair was drawn (:func:`weighted_spearman`)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    _, g = np.unique(np.asarray(groups), return_inverse=True)
    if len(x) < 3 or g.max() < 1:
        raise ValueError("the bootstrap needs at least three tokens from at least two groups")
    if replicates < 1:
        raise ValueError("replicates must be positive")
    n_groups = int(g.max()) + 1
    prepared = (_midranks(x), _midranks(y))
    rho = weighted_spearman(x, y, np.ones(len(x)), prepared)
    rng = np.random.default_rng(seed)
    values = np.empty(replicates)
    for r in range(replicates):
        counts = np.bincount(rng.integers(n_groups, size=n_groups), minlength=n_groups)
        values[r] = weighted_spearman(x, y, counts[g], prepared)
    values = values[np.isfinite(values)]  # a resample whose ratios are all equal has no rho
    low, high = np.quantile(values, [alpha / 2, 1 - alpha / 2])
    return RhoEstimate(rho=rho, low=float(low), high=float(high), confidence=1 - alpha, pairs=n_groups,
                       tokens=len(x), replicates=len(values))


def bootstrap_rho(table: pd.DataFrame, measure: str = "AttnResLn-N", which: str = "all tokens", *,
                  replicates: int = 1000, seed: int = 0, alpha: float = ALPHA) -> RhoEstimate:
    """:func:`bootstrap_spearman` of frequency rank against ``measure`` over the tokens of ``token_table``
    (subset ``which``; masked tokens left out), resampling sentence pairs (``text_index``)."""
    df = subset(table, which)
    return bootstrap_spearman(df["rank"].to_numpy(), df[measure].to_numpy(), df["text_index"].to_numpy(),
                              replicates=replicates, seed=seed, alpha=alpha)
