"""Our Table 1 from the fine-tuning results: accuracies per variant and task, gaps to MN."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..core.lang import tr
from .paper import NEAREST
from .variants import VARIANTS


def _variant_order(names) -> list[str]:
    """The paper's variants in Table 1's order, then any other names as they come."""
    return [v for v in VARIANTS if v in names] + [v for v in names if v not in VARIANTS]


def mean_std_table(scores, metric: str = "score", row: str = "variant", col: str = "task"):
    """A Table-1-shaped frame of ``"mean ± std"`` strings (over seeds) from tidy fine-tuning scores."""
    g = scores.groupby([row, col])[metric]
    mean, std = g.mean().unstack(col), g.std(ddof=0).unstack(col)
    fmt = mean.map(lambda v: f"{100 * v:.1f}") + " ± " + std.map(lambda v: f"{100 * v:.1f}")
    return fmt.loc[_variant_order(mean.index)]


def test_accuracy(results, tasks: Sequence[str]):
    """From the toolkit's ``finetune_suite`` results: the test accuracies as tidy rows (variant, task,
    seed, score as a fraction; for :func:`mean_std_table`) and their means over seeds in points
    (variants in Table 1's order × ``tasks``)."""
    acc = results[(results["split"] == "test") & (results["metric"] == "accuracy")].rename(
        columns={"model": "variant", "value": "score"})
    means = acc.groupby(["variant", "task"])["score"].mean().unstack("task").mul(100)
    return acc, means.loc[_variant_order(means.index), list(tasks)]


def gap_to_mn(means, variants: Sequence[str] = VARIANTS):
    """``MN − variant`` per task (same units as ``means``: a variant × task frame of means)."""
    present = [v for v in variants if v in means.index and v != "MN"]
    return means.loc["MN"] - means.loc[present]


def monotone_share(values: Sequence[float], tolerance: float = 0.0) -> float:
    """Share of consecutive pairs in ``values`` (e.g. MN, M4, M3, M2, M1) that do not increase by more
    than ``tolerance``: 1.0 is a perfectly ordered trend."""
    v = np.asarray(values, dtype=float)
    if len(v) < 2:
        raise ValueError("monotone_share needs at least two values.")
    return float(np.mean(np.diff(v) <= tolerance))


def mean_accuracy_gap(means, tasks: Sequence[str] | None = None):
    """``MN`` minus each variant, averaged over ``tasks`` (default: every column) of a variant × task
    frame of means — the paper's "M1 is on average 3.3 points lower than MN"."""
    cols = list(tasks) if tasks is not None else list(means.columns)
    avg = means[cols].mean(axis=1)
    return avg.loc["MN"] - avg


def beside_paper(ours: pd.DataFrame, paper: pd.DataFrame, tasks: Sequence[str], lang: str) -> pd.DataFrame:
    """Our Table 1 (:func:`mean_std_table`'s strings) with the paper's nearest task beside each of ours."""
    out = pd.DataFrame(index=ours.index)
    for t in tasks:
        out[tr(lang, f"ours: {t}", f"本書：{t}")] = ours[t]
        if NEAREST.get(t):
            p = paper[paper["task"] == NEAREST[t]].set_index("variant")
            out[tr(lang, f"paper: {NEAREST[t]}", f"論文：{NEAREST[t]}")] = (
                p["mean"].map("{:.1f}".format) + " ± " + p["std"].map("{:.1f}".format)).reindex(out.index)
    return out.rename_axis(tr(lang, "variant", "変種"))
