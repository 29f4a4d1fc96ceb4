"""The chapter's tables and figures, drawn per language: Table 2 beside the paper's, and the shapes of the
paper's Figures 1–2 (error against the target form's count, and against its ratio to the competitor's)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.lang import tr
from . import paper
from .analysis import error_table

COND = {"natural": ("natural", "自然文"), "nonce": ("nonce", "nonce 文")}
SEEN = {"seen": ("seen", "既出"), "unseen": ("unseen", "未出")}


def table2(items: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Our error (%) per learner × (condition, seen/unseen), with the paper's Table 2 below it."""
    ours = error_table(items).round(1)
    ours.index = [tr(lang, f"{i} (ours)" if i != "MLM (ours)" else i, f"{i}（本書）" if i != "MLM (ours)" else "MLM（本書）")
                  if i != "items" else tr(lang, "items (ours)", "項目数（本書）") for i in ours.index]
    theirs = paper.TABLE2.rename(index=lambda i: tr(lang, f"{i} (paper)", f"{i}（論文）"))
    t = pd.concat([ours.reindex(columns=theirs.columns), theirs])  # a cell without items stays empty
    t.columns = pd.MultiIndex.from_tuples([(tr(lang, *COND[c]), tr(lang, *SEEN[s])) for c, s in t.columns])
    return t.astype(object).where(t.notna(), "—")


def _mean_by(items, key, value):
    return items.groupby(["condition", key])[value].mean().mul(100).rename(value).reset_index()


def draw_frequency(items: pd.DataFrame, lang: str, title: tuple[str, str]):
    """Left (Fig. 1's shape): error against log2(target count + 1), averaged over the competitor's levels.
    Right (Fig. 2's shape): error against log10 of the target/competitor count ratio (+1 each), with the
    paper's one stated point. Dashed grey: argmax P(V), the subject-blind frequency learner."""
    import matplotlib.pyplot as plt

    grid = items.dropna(subset=["target", "competitor"]).copy()
    grid["log_target"] = np.log2(grid["target"] + 1.0)
    grid["log_ratio"] = np.log10((grid["target"] + 1.0) / (grid["competitor"] + 1.0))
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    for ax, key, xlabel in ((axes[0], "log_target",
                             tr(lang, "log2(count of the target form + 1)", "log2(目標形の回数 + 1)")),
                            (axes[1], "log_ratio",
                             tr(lang, "log10((target + 1) / (competitor + 1))", "log10((目標形 + 1) / (競合形 + 1))"))):
        for (cond, colour) in (("natural", "C0"), ("nonce", "C1")):
            d = _mean_by(grid[grid.condition == cond], key, "error")
            ax.plot(d[key], d["error"], marker="o", color=colour, label=tr(lang, f"MLM, {cond}", f"MLM，{COND[cond][1]}"))
        v = _mean_by(grid, key, "argmax_v").groupby(key)["argmax_v"].mean()
        ax.plot(v.index, v.to_numpy(), ls="--", color="grey", label="argmax P(V)")
        ax.set_xlabel(xlabel)
    axes[1].scatter([np.log10(paper.CAUSE_ERROR_POINT["ratio"])], [paper.CAUSE_ERROR_POINT["nonce_error"]], marker="*",
                    s=120, color="black", zorder=5,
                    label=tr(lang, "paper: nonce, ratio 16 (§5.4)", "論文：nonce 文，比 16（§5.4）"))
    axes[0].set_ylabel(tr(lang, "error (%)", "誤り率（%）"))
    axes[0].set_title(tr(lang, "Reduce Error (paper: falls with frequency)", "Reduce Error（論文：頻度とともに減る）"))
    axes[1].set_title(tr(lang, "Cause Error (paper: falls with the ratio)", "Cause Error（論文：比とともに減る）"))
    for ax in axes:
        ax.set_ylim(-3, 103)
        ax.legend(fontsize=7)
    fig.suptitle(tr(lang, *title), fontsize=10)
    return fig


def grid_table(items: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Error (%) per requested (target count, competitor count) cell, both conditions pooled."""
    grid = items.dropna(subset=["target", "competitor"])
    t = grid.pivot_table(index="target", columns="competitor", values="error", aggfunc="mean") * 100
    t.index, t.columns = t.index.astype(int), t.columns.astype(int)
    return t.round(1).rename_axis(index=tr(lang, "target count", "目標形の回数"),
                                  columns=tr(lang, "competitor count", "競合形の回数"))
