"""The chapter's figures; each takes the page's language and returns a matplotlib figure."""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..core.lang import tr
from .paper import NEAREST
from .tables import gap_to_mn


def draw_loss_curves(models, lang: str, title: str):
    """Pre-training loss per variant (``models``: name → the toolkit's Pretrained); MRI has none."""
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for v, m in models.items():
        if len(m.log):
            ax.plot(m.log["step"], m.log["loss"], label=v, lw=1.4, ls="--" if v in ("MNP", "MUG") else "-")
    ax.set(xlabel=tr(lang, "step", "ステップ"), ylabel=tr(lang, "MLM loss (train)", "MLM 損失（学習）"), title=title)
    ax.legend(ncol=2, fontsize=8)
    return fig


def draw_agreement_curve(curve, lang: str):
    """:func:`agreement_curve`'s frame against pre-training step: a colour per variant, a line style per condition."""
    styles = {"none": ("--", tr(lang, "no attractor", "誘引名詞なし")),
              "attractor": ("-", tr(lang, "with an attractor", "誘引名詞あり"))}
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for (variant, runs), color in zip(curve.groupby(level="variant", sort=False), plt.rcParams["axes.prop_cycle"]):
        steps = runs.index.get_level_values("step")
        for col, (ls, label) in styles.items():
            ax.plot(steps, runs[col], marker="o", ls=ls, color=color["color"], label=f"{variant}: {label}")
    ax.axhline(50, color="grey", lw=1, ls=":")
    ax.set(xlabel=tr(lang, "pre-training step", "事前学習ステップ"), ylim=(0, 102),
           ylabel=tr(lang, "agreeing form preferred (%)", "一致する形を選んだ割合（%）"),
           title=tr(lang, "Zero-shot agreement during pre-training (chance 50 %)",
                    "事前学習中のゼロショット一致（チャンス 50 %）"))
    ax.legend(fontsize=8)
    return fig


NGRAM_X = {"M1": 1, "M2": 2, "M3": 3, "M4": 4, "MN": 5}  # block size; MN (natural order) drawn last


def draw_ngram(means: pd.DataFrame, paper: pd.DataFrame, tasks: Sequence[str], lang: str):
    """Accuracy against the size of the shuffled blocks (M1 … M4, MN): ours (``means``: variant × task,
    in points) beside the paper's Table 1 (:func:`~.paper.paper_table`) on its nearest tasks."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharex=True)
    chain = [v for v in NGRAM_X if v in means.index]
    x = [NGRAM_X[v] for v in chain]
    for t in tasks:
        axes[0].plot(x, means.loc[chain, t], "o-", label=t)
    pa = paper.pivot(index="variant", columns="task", values="mean")
    for t in [NEAREST[t] for t in tasks if NEAREST.get(t)]:
        axes[1].plot(x, pa.loc[chain, t], "s--", label=t)
    for ax, title in zip(axes, (tr(lang, "ours (small BERT, CPU scale)", "本書（小型 BERT，CPU 規模）"),
                                tr(lang, "paper (RoBERTa-base, Table 1)", "論文（RoBERTa-base，Table 1）"))):
        ax.set_xticks(list(NGRAM_X.values()), ["M1", "M2", "M3", "M4", tr(lang, "MN (natural)", "MN（自然）")])
        ax.set(title=title, xlabel=tr(lang, "size of the shuffled blocks", "シャッフルする塊の大きさ"),
               ylabel=tr(lang, "accuracy (%)", "精度（%）"))
        ax.legend(fontsize=8)
    return fig


def draw_gaps(means: pd.DataFrame, paper: pd.DataFrame, order_free: Sequence[str], order_sensitive: Sequence[str],
              lang: str):
    """MN minus each variant on the order-free tasks (mean) and on the order-sensitive one: ours beside
    the paper's (SST-2, MRPC, QQP, QNLI against PAWS)."""
    gap = gap_to_mn(means)
    ours = pd.DataFrame({tr(lang, "order-free tasks (mean)", "語順不要のタスク（平均）"): gap[list(order_free)].mean(axis=1),
                         tr(lang, "order-sensitive task", "語順が必要なタスク"): gap[list(order_sensitive)].mean(axis=1)})
    pgap = gap_to_mn(paper[paper["metric"] == "accuracy"].pivot(index="variant", columns="task", values="mean"))
    theirs = pd.DataFrame({tr(lang, "SST-2, MRPC, QQP, QNLI (mean)", "SST-2，MRPC，QQP，QNLI（平均）"):
                           pgap[["SST-2", "MRPC", "QQP", "QNLI"]].mean(axis=1), "PAWS": pgap["PAWS"]}).reindex(ours.index)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    ours.plot.bar(ax=axes[0], rot=0)
    theirs.plot.bar(ax=axes[1], rot=0, color=["#999999", "#C44E52"])
    for ax, title in zip(axes, (tr(lang, "ours", "本書"), tr(lang, "paper (Table 1)", "論文（Table 1）"))):
        ax.set(title=title, xlabel="", ylabel=tr(lang, "MN minus variant (points)", "MN との差（ポイント）"))
        ax.axhline(0, color="black", lw=0.8)
        ax.legend(fontsize=8)
    return fig


def draw_shuffled_ft(natural: pd.DataFrame, shuffled: pd.DataFrame, majority: dict[str, float], lang: str):
    """§4.2: test accuracy after natural and after shuffled fine-tuning (variant × task frames in points),
    one panel per task, with the task's majority class (a fraction) dotted."""
    tasks = list(natural.columns)
    fig, axes = plt.subplots(1, len(tasks), figsize=(3.3 * len(tasks), 3.4), sharey=True)
    for ax, t in zip(np.atleast_1d(axes), tasks):
        pd.DataFrame({tr(lang, "natural fine-tuning", "自然な fine-tuning"): natural[t],
                      tr(lang, "shuffled fine-tuning", "シャッフル fine-tuning"): shuffled[t]}
                     ).plot.bar(ax=ax, rot=0, legend=t == tasks[0])
        ax.axhline(100 * majority[t], color="black", ls=":", lw=1)
        ax.set(title=t, xlabel="", ylabel=tr(lang, "test accuracy (%)", "test 精度（%）"))
    return fig
