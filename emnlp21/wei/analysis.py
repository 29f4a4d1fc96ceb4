"""Error tables and frequency curves, with the paper's numbers beside ours."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from . import paper

# The paper's numbers live in :mod:`.paper`; these names are kept for the chapter's older cells.
PAPER_SOURCE, PAPER_SOURCE_JA, PAPER_TABLE2, PAPER_OVERALL = paper.SOURCE, paper.SOURCE_JA, paper.TABLE2, paper.OVERALL

LEARNERS = {"error": "MLM (ours)", "argmax_v": "argmax P(V)", "argmax_sv": "argmax P(SV)"}


def error_table(items: pd.DataFrame) -> pd.DataFrame:
    """Error (%) per learner (rows) × (condition, seen/unseen) (columns), plus item counts."""
    seen = np.where(items["seen"], "seen", "unseen")
    groups = items.assign(seen_label=seen).groupby(["condition", "seen_label"])
    table = groups[list(LEARNERS)].mean().T * 100
    table.index = [LEARNERS[k] for k in table.index]
    table.loc["items"] = groups.size()
    table.columns = pd.MultiIndex.from_tuples(table.columns)
    return table


def overall_error(items: pd.DataFrame) -> pd.Series:
    return items.groupby("condition")["error"].mean() * 100


def log_bins(values, edges) -> pd.Categorical:
    """Counts binned at ``edges`` (e.g. 0, 1, 3, 10, 30, 100, inf): labels "0", "1–2", "3–9"…"""
    edges = list(edges)
    labels = [f"{a}" if b == a + 1 else (f"{a}+" if np.isinf(b) else f"{a}–{int(b) - 1}") for a, b in zip(edges[:-1], edges[1:])]
    return pd.cut(np.asarray(values, dtype=float), edges, right=False, labels=labels)


def error_by(items: pd.DataFrame, key, by_seed: bool = True) -> pd.DataFrame:
    """Mean error (%) per value of ``key`` (a column or an array), per condition, with item counts and
    the spread over seeds (standard deviation of the per-seed means)."""
    frame = items.assign(_key=items[key].to_numpy() if isinstance(key, str) else np.asarray(key))
    per_seed = frame.groupby(["condition", "_key", "seed"], observed=True)["error"].mean().mul(100)
    out = per_seed.groupby(level=[0, 1], observed=True).agg(["mean", "std"]).reset_index()
    out["items"] = frame.groupby(["condition", "_key"], observed=True).size().to_numpy() // max(1, frame["seed"].nunique())
    return out.rename(columns={"_key": key if isinstance(key, str) else "key", "mean": "error", "std": "sd"})


def per_verb(items: pd.DataFrame) -> pd.DataFrame:
    """Error per (condition, target form): the unit of the frequency analyses, with the training counts
    of the target and its competitor and their log ratio."""
    g = items.groupby(["condition", "correct"], observed=True)
    out = g.agg(error=("error", "mean"), items=("error", "size"), count_target=("count_correct", "first"),
                count_competitor=("count_wrong", "first")).reset_index()
    out["log_count"] = np.log10(out["count_target"] + 1)
    out["log_ratio"] = np.log10((out["count_target"] + 1) / (out["count_competitor"] + 1))
    return out


def trend(x, y) -> tuple[float, float]:
    """Spearman's rank correlation and its two-sided p-value (nan-safe)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3 or np.ptp(x[ok]) == 0 or np.ptp(y[ok]) == 0:
        return 0.0, 1.0
    rho, p = stats.spearmanr(x[ok], y[ok])
    return float(rho), float(p)
