"""The chapter's figures; each takes the page's language and returns a matplotlib figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..core.lang import tr
from .tables import label


def draw_step_cost(timing: pd.DataFrame, lang: str):
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    names = [label(n, lang) for n in timing.objective]
    axes[0].barh(names, timing.gflops_per_step, color="C0")
    axes[0].set_xlabel(tr(lang, "GFLOPs per training step", "1 ステップの学習 GFLOPs"))
    err = [timing.ms_per_step - timing.ms_q25, timing.ms_q75 - timing.ms_per_step]
    axes[1].barh(names, timing.ms_per_step, xerr=err, color="C1")
    axes[1].set_xlabel(tr(lang, "wall time per step (ms, median, IQR)", "1 ステップの実時間（ms，中央値と四分位範囲）"))
    axes[1].set_yticklabels([])
    for ax in axes:
        ax.invert_yaxis()
    fig.tight_layout()
    return fig


def draw_pretraining_curves(logs: dict[str, pd.DataFrame], lang: str):
    """Loss per step, one panel per objective (their losses are on different scales)."""
    n = len(logs)
    fig, axes = plt.subplots(1, n, figsize=(2.4 * n, 2.6), sharex=True)
    for ax, (name, log) in zip(np.atleast_1d(axes), logs.items()):
        ax.plot(log.step, log.loss, color="C3")
        ax.set_title(label(name, lang), fontsize=10)
        ax.set_xlabel(tr(lang, "step", "ステップ"))
    np.atleast_1d(axes)[0].set_ylabel(tr(lang, "training loss", "学習損失"))
    fig.tight_layout()
    return fig


def draw_compute_curve(curve: pd.DataFrame, lang: str):
    """Downstream average (mean ± std over seeds) against pre-training compute, one line per objective."""
    # the largest unit in which the biggest budget is at least 1 (a CPU profile spends TFLOPs, not PFLOPs)
    scale, unit = next(((f, u) for f, u in ((1, "PFLOPs"), (1e3, "TFLOPs"), (1e6, "GFLOPs"))
                        if curve.pflops.max() * f >= 1), (1e6, "GFLOPs"))
    fig, ax = plt.subplots(figsize=(6.2, 3.8))
    for i, (name, part) in enumerate(curve.groupby("model", sort=False)):
        part = part.sort_values("pflops")
        ax.errorbar(part.pflops * scale, part["mean"], yerr=part["std"].fillna(0), marker="o", capsize=3,
                    label=label(name, lang), color=f"C{i}")
    ax.set_xlabel(tr(lang, f"pre-training compute ({unit})", f"事前学習の計算量（{unit}）"))
    ax.set_ylabel(tr(lang, "fine-tuning average (points)", "fine-tuning 平均 (点)"))
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig
