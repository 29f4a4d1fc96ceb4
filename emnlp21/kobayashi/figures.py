"""The chapter's figures, drawn per language (``lang`` is "en" or "ja")."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..core.lang import tr
from . import paper
from .mixing import LAYER_MEASURES, PAPER_MEASURES

_COLORS = dict(zip(PAPER_MEASURES + LAYER_MEASURES,
                   ["#9ecae1", "#3182bd", "#fdae6b", "#e6550d", "#31a354", "#756bb1", "#636363"]))


def layer_means(table: pd.DataFrame, lang: str, model_label: str, measures=PAPER_MEASURES):
    """Mean ratio per layer (lines), with the paper's BERT-base means as ticks on the right."""
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    layers = table.drop(index="mean")
    for m in measures:
        style = "--" if m in LAYER_MEASURES else "-"
        ax.plot(layers.index.astype(int), layers[m], style, marker="o", color=_COLORS[m], label=m)
        if m in paper.MEANS["BERT-base"]:
            ax.plot([len(layers) + 0.7], [paper.MEANS["BERT-base"][m]], marker="<", ms=9, color=_COLORS[m],
                    clip_on=False)
    ax.set_xlim(0.7, len(layers) + 0.9)
    ax.set_ylim(0, 100)
    ax.set_xlabel(tr(lang, "layer", "層"))
    ax.set_ylabel(tr(lang, "mean mixing ratio (%)", "平均 mixing ratio (%)"))
    ax.set_title(tr(lang, f"{model_label}: lines = ours; ◀ = paper's BERT-base mean",
                    f"{model_label}：線 = 本書の計測，◀ = 論文の BERT-base 平均"), fontsize=10)
    ax.legend(fontsize=8, ncol=2, loc="center left", bbox_to_anchor=(0.01, 0.67))  # between the line groups
    return fig


def rank_scatter(df: pd.DataFrame, lang: str, measure: str = "AttnResLn-N", max_points: int = 4000, seed: int = 0):
    """Frequency rank (log) vs layer-averaged ratio; special tokens and punctuation marked."""
    rng = np.random.default_rng(seed)
    sample = df.iloc[rng.permutation(len(df))[:max_points]]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    groups = [("word", ~sample["special"] & ~sample["punct"], "#3182bd", 8),
              ("punct", sample["punct"], "#e6550d", 14),
              ("special", sample["special"], "#000000", 22)]
    labels = {"word": tr(lang, "word pieces", "単語・サブワード"), "punct": tr(lang, "punctuation", "句読点"),
              "special": tr(lang, "[CLS]/[SEP]", "[CLS]/[SEP]")}
    for name, sel, color, size in groups:
        ax.scatter(sample.loc[sel, "rank"], 100 * sample.loc[sel, measure], s=size, alpha=0.5, color=color,
                   label=labels[name], edgecolors="none")
    ax.set_xscale("log")
    ax.set_xlabel(tr(lang, "frequency rank (1 = most frequent)", "頻度順位（1 = 最頻）"))
    ax.set_ylabel(tr(lang, f"{measure}, mean over layers (%)", f"{measure}（層平均, %）"))
    ax.legend(fontsize=8)
    return fig


def norm_maps(maps: dict, tokens: list[str], layer: int, lang: str, measures=("Attn-N", "AttnResLn-N")):
    """|S_ij| for one sentence and layer, one panel per measure, each row normalised to sum to one."""
    fig, axes = plt.subplots(1, len(measures), figsize=(5.2 * len(measures), 4.6))
    for ax, m in zip(np.atleast_1d(axes), measures):
        mat = maps[m][layer].numpy()
        mat = mat / mat.sum(1, keepdims=True)
        im = ax.imshow(mat, cmap="Blues", vmin=0, vmax=max(mat.max(), 1e-9))
        ax.set_xticks(range(len(tokens)), tokens, rotation=90, fontsize=7)
        ax.set_yticks(range(len(tokens)), tokens, fontsize=7)
        ax.grid(False)
        ax.set_title(f"{m}, " + tr(lang, f"layer {layer + 1}", f"第 {layer + 1} 層"), fontsize=10)
        ax.set_xlabel(tr(lang, "source token j", "参照される語 j"))
        ax.set_ylabel(tr(lang, "token i", "更新される語 i"))
        fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    return fig


def rho_intervals(rows: pd.DataFrame, lang: str, min_rho: float):
    """Spearman's rho (frequency rank vs ATB ratio) per run with its bootstrap interval, all tokens and
    without specials; the paper's BERT-base values as ticks, the band |rho| < ``min_rho`` shaded.

    ``rows``: one row per run, index = the run's label in ``lang``, columns rho/low/high and
    rho_w/low_w/high_w (without specials) and the interval's confidence ``confidence``."""
    fig, ax = plt.subplots(figsize=(7.5, 0.6 * len(rows) + 1.6))
    y = np.arange(len(rows))[::-1]
    ax.axvspan(-min_rho, min_rho, color="#eeeeee", zorder=0,
               label=tr(lang, f"|rho| < {min_rho:g} (too small to count)", f"|rho| < {min_rho:g}（小さすぎて数えない）"))
    ax.axvline(0, color="#999999", lw=0.8)
    for offset, (cols, color, name) in zip((0.12, -0.12), ((("rho", "low", "high"), "#3182bd",
                                                             tr(lang, "all tokens", "全トークン")),
                                                            (("rho_w", "low_w", "high_w"), "#e6550d",
                                                             tr(lang, "without [CLS]/[SEP]", "[CLS]/[SEP] を除く")))):
        r, lo, hi = (rows[c].to_numpy() for c in cols)
        ax.errorbar(r, y + offset, xerr=[r - lo, hi - r], fmt="o", color=color, capsize=3, label=name)
    ax.axvline(paper.SPEARMAN["AttnResLn-N"], color="#3182bd", ls=":", lw=1.2,
               label=tr(lang, f"paper, BERT-base: {paper.SPEARMAN['AttnResLn-N']}",
                        f"論文（BERT-base）：{paper.SPEARMAN['AttnResLn-N']}"))
    ax.axvline(paper.SPEARMAN_WITHOUT_SPECIALS["AttnResLn-N"], color="#e6550d", ls=":", lw=1.2,
               label=tr(lang, f"paper, without specials: {paper.SPEARMAN_WITHOUT_SPECIALS['AttnResLn-N']}",
                        f"論文（特殊トークン除く）：{paper.SPEARMAN_WITHOUT_SPECIALS['AttnResLn-N']}"))
    ax.set_yticks(y, rows.index, fontsize=8)
    ax.set_xlim(-1, 1)
    conf = f"{100 * float(rows['confidence'].iloc[0]):g} %"
    ax.set_xlabel(tr(lang, f"Spearman's rho (frequency rank, ATB ratio), {conf} bootstrap interval over sentence pairs",
                     f"Spearman 相関（頻度順位, ATB の比），文対のブートストラップによる {conf} 区間"), fontsize=9)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig
