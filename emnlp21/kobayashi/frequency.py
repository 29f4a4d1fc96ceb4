"""Token frequency ranks and their Spearman correlation with the mixing ratios (the paper's Section 5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
import torch
from scipy.stats import spearmanr

from ..core.evidence import LEVEL, RESAMPLES, Estimate, above, below
from .mixing import MEASURES
from .paper import SPEARMAN
from .run import pair_resamples

_CELLS_PER_CHUNK = 4_000_000  # replicates × tokens ranked at once (a few float64 arrays of 32 MB)


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


def _midranks_many(values: np.ndarray, pair: np.ndarray, counts_t: torch.Tensor,
                   block_cells: int) -> tuple[np.ndarray, torch.Tensor, torch.Tensor]:
    """Weighted midranks of each distinct value of ``values`` for every replicate, where element t of
    pair ``pair[t]`` weighs ``counts_t[pair[t], r]`` (``counts_t``: pairs × replicates), i.e. rankdata's
    'average' on each expanded sample; returns (each element's distinct-value index, the ranks as
    distinct values × replicates, each replicate's tie term Σ (s³ − s) over its tie groups' weights s).

    The weight below a value is, per replicate, the counts times how many elements of each pair lie
    below it: one matrix product per block of distinct values, exact in float32 (every entry is a
    whole or half count below 2**24)."""
    n_pairs, device = counts_t.shape[0], counts_t.device
    distinct, inv = np.unique(values, return_inverse=True)
    c32 = counts_t.float()
    ranks = torch.empty((len(distinct), counts_t.shape[1]), dtype=torch.float64, device=device)
    ties = np.bincount(inv).max() > 1
    tie_sum = torch.zeros(counts_t.shape[1], dtype=torch.float64, device=device)
    per_block = max(1, block_cells // n_pairs)
    for start in range(0, len(distinct), per_block):
        stop = min(start + per_block, len(distinct))
        before = np.bincount(pair[inv < start], minlength=n_pairs).astype(np.float32)
        here = (inv >= start) & (inv < stop)
        hist = np.zeros((stop - start, n_pairs), dtype=np.float32)
        np.add.at(hist, (inv[here] - start, pair[here]), 1.0)
        basis = torch.as_tensor(before[None, :] + np.cumsum(hist, axis=0) - hist / 2, device=device)
        ranks[start:stop] = (basis @ c32).double() + 0.5  # below + (ties + 1) / 2
        if ties:
            size = (torch.as_tensor(hist, device=device) @ c32).double()
            tie_sum += (size ** 3 - size).sum(0)
    if not ties:  # every value once: its tie group is its own pair's count
        per_pair = torch.as_tensor(np.bincount(pair, minlength=n_pairs), dtype=torch.float64, device=device)
        tie_sum = per_pair @ (counts_t ** 3 - counts_t)
    return inv, ranks, tie_sum


def weighted_spearman_many(x: np.ndarray, y: np.ndarray, pair: np.ndarray, counts: np.ndarray, *,
                           device="cpu", block_cells: int = 20_000_000) -> np.ndarray:
    """:func:`weighted_spearman` for each row of ``counts`` (replicates × pairs; element t weighs
    ``counts[r, pair[t]]``), vectorised (on ``device``); a row whose resample has no spread gives NaN.
    The ranks' mean and spread follow from the total weight N and the tie terms: Σ w·r = N(N + 1)/2 and
    Σ w·(r − r̄)² = (N³ − N − Σ (s³ − s))/12, so only the cross term is summed over elements."""
    pair = np.asarray(pair)
    c = torch.as_tensor(np.asarray(counts, dtype=np.float64).T.copy(), device=device)  # pairs × replicates
    ix, rx, tx = _midranks_many(np.asarray(x), pair, c, block_cells)
    iy, ry, ty = _midranks_many(np.asarray(y), pair, c, block_cells)
    order = np.argsort(iy, kind="stable")  # elements in y's order: y's ranks need no gather when y has no ties

    def rows(t: torch.Tensor, index: np.ndarray) -> torch.Tensor:
        if len(index) == t.shape[0] and np.array_equal(index, np.arange(len(index))):
            return t
        return torch.index_select(t, 0, torch.as_tensor(index, device=device))

    cross = (rows(c, pair[order]) * rows(rx, ix[order]) * rows(ry, iy[order])).sum(0)
    n = torch.as_tensor(np.bincount(pair, minlength=c.shape[0]), dtype=torch.float64, device=device) @ c
    sxy = cross - n * ((n + 1) / 2) ** 2
    sxx, syy = (n ** 3 - n - tx) / 12, (n ** 3 - n - ty) / 12
    return (sxy / torch.sqrt(sxx * syy)).cpu().numpy()


@dataclass(frozen=True)
class RhoEstimate:
    """Spearman's rho over token occurrences with its percentile bootstrap interval over sentence pairs:
    the book's :class:`~emnlp21.core.evidence.Estimate` (``items`` = the pairs) and the tokens it ran over."""

    estimate: Estimate
    tokens: int


# The regions on rho, stated before measuring (evidence.decide judges an interval against them).
MIX_MORE = below(-MIN_RHO, source=f"frequent tokens mix more: rho below −{MIN_RHO:g}, Cohen's small correlation; "
                                  f"the paper's BERT-base: {SPEARMAN['AttnResLn-N']}",
                 source_ja=f"高頻度語ほど強く混ぜる：rho が −{MIN_RHO:g} 未満，Cohen の「小さい」相関。"
                           f"論文の BERT-base は {SPEARMAN['AttnResLn-N']}")
MIX_LESS = above(MIN_RHO, source=f"the opposite: rho above {MIN_RHO:g}", source_ja=f"逆向き：rho が {MIN_RHO:g} を超える")


def bootstrap_spearman(x, y, groups, *, resamples: int = RESAMPLES, seed: int = 0, level: float = LEVEL,
                       pretrain_seeds: int = 1, device="cpu") -> RhoEstimate:
    """Spearman's rho of (x, y) with its ``level`` percentile interval from resampling the ``groups``
    (e.g. the sentence pair of each token) with replacement, ``resamples`` times
    (:func:`~.run.pair_resamples`: the same draws as every other statistic of the same pairs and seed);
    the tokens of a resampled pair count as often as the pair was drawn (:func:`weighted_spearman_many`).
    ``pretrain_seeds``: the pre-training runs the tokens come from (one model: 1); ``device``: where
    the resamples' ranks are computed."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    _, g = np.unique(np.asarray(groups), return_inverse=True)
    if len(x) < 3 or g.max() < 1:
        raise ValueError("the bootstrap needs at least three tokens from at least two groups")
    n_groups = int(g.max()) + 1
    rho = weighted_spearman(x, y, np.ones(len(x)))
    chunk = max(1, min(resamples, _CELLS_PER_CHUNK // len(x)))
    values = np.concatenate([weighted_spearman_many(x, y, g, counts, device=device)
                             for counts in pair_resamples(n_groups, resamples, seed, chunk)])
    estimate = Estimate.from_replicates(rho, values, test="percentile bootstrap over sentence pairs", level=level,
                                        pretrain_seeds=pretrain_seeds, items=n_groups)
    return RhoEstimate(estimate=estimate, tokens=len(x))


def bootstrap_rho(table: pd.DataFrame, measure: str = "AttnResLn-N", which: str = "all tokens", *,
                  resamples: int = RESAMPLES, seed: int = 0, level: float = LEVEL, pretrain_seeds: int = 1,
                  device="cpu") -> RhoEstimate:
    """:func:`bootstrap_spearman` of frequency rank against ``measure`` over the tokens of ``token_table``
    (subset ``which``; masked tokens left out), resampling sentence pairs (``text_index``)."""
    df = subset(table, which)
    return bootstrap_spearman(df["rank"].to_numpy(), df[measure].to_numpy(), df["text_index"].to_numpy(),
                              resamples=resamples, seed=seed, level=level, pretrain_seeds=pretrain_seeds, device=device)
