"""The chapter's figures and tables, drawn per language; the paper's numbers labelled as the paper's."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

from ..core.lang import tr
from . import paper
from .data import AROUSAL_PROSODY, EMOTION_AROUSAL, EMOTION_POLARITY, INTENSITY_AROUSAL
from .train import collate, to_device

PAPER = paper.RESULTS  # Li+ 2021, Tables 1-3 (emnlp21/ctal/paper.py)


def loss_curves(logs: dict[str, pd.DataFrame], lang: str):
    """Masked acoustic modelling L1 per step, and the MLM cross-entropy beside it where a language stream
    learned (a frozen one has no MLM curve, and no empty panel)."""
    names = {"ctal": tr(lang, "CTAL (bidirectional)", "CTAL（双方向）"),
             "causal": tr(lang, "causal audio stream", "因果マスク付き"),
             "audio": tr(lang, "audio only (MAM)", "音声のみ（MAM）")}
    with_mlm = any("mlm" in log for log in logs.values())
    fig, axes = plt.subplots(1, 2 if with_mlm else 1, figsize=(9 if with_mlm else 5, 3.2), squeeze=False)
    mlm_ax, mam_ax = axes[0][0], axes[0][-1]
    for key, log in logs.items():
        smooth = log.rolling(10, min_periods=1).mean()
        mam_ax.plot(log.step, smooth.mam, label=names.get(key, key))
        if "mlm" in log:
            mlm_ax.plot(log.step, smooth.mlm, label=names.get(key, key))
    if with_mlm:
        mlm_ax.set(title=tr(lang, "masked language modelling", "マスク言語モデル"), xlabel=tr(lang, "step", "ステップ"),
                   ylabel=tr(lang, "cross-entropy", "交差エントロピー"))
    mam_ax.set(title=tr(lang, "masked acoustic modelling", "マスク音響モデル"), xlabel=tr(lang, "step", "ステップ"),
               ylabel="L1")
    mam_ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


@torch.no_grad()
def masked_reconstruction(model, ds, tokenizer, audio, lang: str, *, index: int = 0, seed: int = 3, device="cpu"):
    """Log-mel of one utterance: the input, the masked input, and the model's reconstruction."""
    batch = to_device(collate(ds, [index], tokenizer, audio, max_text_len=model.cfg.max_text_len,
                              rng=np.random.default_rng(seed)), device)
    recon = model.reconstruct(batch)[0].cpu().numpy()
    k, d = audio.frame_stack, recon.shape[1] // audio.frame_stack

    def mel(x):  # (steps, 160k) → (80, frames)
        return x.reshape(-1, d)[:, :80].T

    panels = [(batch["frames"][0].cpu().numpy(), tr(lang, "input (log-mel, normalised)", "入力（対数メル，正規化）")),
              (batch["masked_frames"][0].cpu().numpy(), tr(lang, "masked input", "マスクした入力")),
              (recon, tr(lang, "reconstruction", "復元"))]
    fig, axes = plt.subplots(3, 1, figsize=(8, 6), sharex=True)
    span = np.repeat(batch["mam_mask"][0].cpu().numpy(), k)
    for ax, (x, title) in zip(axes, panels):
        ax.imshow(mel(x), origin="lower", aspect="auto", vmin=-2.5, vmax=2.5, cmap="magma")
        ax.grid(False)  # the theme's grid would cut across the spectrogram
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(tr(lang, "mel band", "メル帯域"))
        for s in np.flatnonzero(np.diff(np.r_[0, span.astype(int)]) == 1):
            ax.axvline(s, color="cyan", lw=0.8)
    axes[-1].set_xlabel(tr(lang, "frame (10 ms)", "フレーム（10 ms）"))
    fig.suptitle(f"\u201c{ds.table.text[index]}\u201d", fontsize=9)
    fig.tight_layout()
    return fig


RECON_NAMES = {"ctal": ("CTAL, bidirectional audio stream", "CTAL・双方向"),
               "causal": ("CTAL, causal audio stream (as the released code)", "CTAL・因果マスク（公開コードと同じ）"),
               "audio": ("audio stream only, no text", "音声ストリームのみ（テキストなし）"),
               "mean frame": ("trivial: the utterance's mean unmasked frame", "自明な予測：発話の非マスクフレームの平均"),
               "interpolation": ("trivial: linear interpolation across each span", "自明な予測：区間をまたぐ線形補間")}


def reconstruction_table(l1: pd.DataFrame, lang: str):
    """Rows: models and trivial predictors; columns: mean L1 per pre-training seed (same masks everywhere)."""
    out = l1.copy()
    out.index = [tr(lang, *RECON_NAMES.get(k, (k, k))) for k in out.index]
    out.columns = [tr(lang, f"L1, seed {c}", f"L1（シード {c}）") if isinstance(c, int) else c for c in out.columns]
    note = tr(lang, "mean L1 on the masked entries of the held-out emotion utterances (lower is better); every row on "
                    "the same masked spans",
              "未学習の感情データの発話でマスクした要素の平均 L1（低いほど良い）。すべての行が同じマスク区間")
    return out.style.format(precision=4, na_rep="–").set_caption(note)


VARIANT_JA = {"CTAL (pre-trained)": "CTAL（事前学習あり）", "CTAL (no pre-training)": "CTAL（CTAL の事前学習なし）",
              "GE2E (pre-trained speaker encoder)": "GE2E（学習済み話者エンコーダ）",
              "text only": "テキストのみ", "audio only": "音声のみ", "concat fusion (MDRE-like)": "連結融合（MDRE 風）"}


def variant_label(name: str, lang: str) -> str:
    return tr(lang, name, VARIANT_JA.get(name, name))


COLUMNS = [("WA", ("emotion", "感情分類"), "WA ↑"), ("UA", ("emotion", "感情分類"), "UA ↑"),
           ("VA", ("emotion", "感情分類"), ("VA (valence) ↑", "VA（感情価）↑")),
           ("Acc2", ("sentiment", "感情極性"), "Acc2 ↑"), ("F1", ("sentiment", "感情極性"), "F1 ↑"),
           ("MAE", ("sentiment", "感情極性"), "MAE ↓"), ("Corr", ("sentiment", "感情極性"), "Corr ↑"),
           ("Acc2_sign", ("sentiment", "感情極性"), ("Acc2, sign head ↑", "Acc2・符号ヘッド ↑")),
           ("EER", ("speaker verif.", "話者照合"), ("EER synthetic ↓", "EER 合成 ↓")),
           ("EER_real", ("speaker verif.", "話者照合"), ("EER real clips ↓", "EER 実録音 ↓"))]


def results_table(ours: pd.DataFrame, lang: str, std: pd.DataFrame | None = None):
    """Ours (synthetic data; mean ± std over fine-tuning seeds when ``std`` is given) above the paper's
    rows (IEMOCAP / CMU-MOSEI / LibriSpeech). A column none of our rows has (no collapsed regression:
    no sign head) is left out."""
    cols = [c for c, _, _ in COLUMNS if c in ours.columns and ours[c].notna().any()]

    def cell(v, s):
        return "–" if pd.isna(v) else (f"{v:.3f}" if s is None or pd.isna(s) else f"{v:.3f} ± {s:.3f}")

    a = pd.DataFrame({c: [cell(ours.loc[i, c], None if std is None or i not in std.index else std.loc[i, c])
                          for i in ours.index] for c in cols}, index=ours.index)
    a.index = [f"{tr(lang, 'ours', '本実験')}: {variant_label(i, lang)}" for i in a.index]
    b = PAPER.reindex(columns=cols).map(lambda v: "–" if pd.isna(v) else f"{v:.4f}")
    b.index = [f"{tr(lang, 'paper', '論文')}: {i}" for i in b.index]
    df = pd.concat([a, b])
    head = {c: (tr(lang, *task), m if isinstance(m, str) else tr(lang, *m)) for c, task, m in COLUMNS}
    df.columns = pd.MultiIndex.from_tuples([head[c] for c in cols])
    note = tr(lang, "ours: synthetic speech (this chapter; real clips: two real speakers); paper: Li+ 2021 Tables 1-3 "
                    "on IEMOCAP, CMU-MOSEI, LibriSpeech (emnlp21/ctal/paper.py) — different data, not comparable in level",
              "本実験：合成音声（本章。実録音は実在の話者二人）；論文：Li+ 2021 表1–3（IEMOCAP，CMU-MOSEI，LibriSpeech。"
              "emnlp21/ctal/paper.py）— データが異なり水準は比較不可")
    return df.style.set_caption(note)


def timing_table(timings: dict[str, float], lang: str) -> pd.DataFrame:
    return pd.DataFrame({tr(lang, "seconds", "秒"): {k: round(v, 1) for k, v in timings.items()}})


AROUSAL_NAMES = {"high": ("high", "高"), "mid": ("mid", "中"), "low": ("low", "低")}


def prosody_table(lang: str) -> pd.DataFrame:
    """The data's design: each emotion's text polarity and voice (arousal level and its prosody factors)."""
    emo_ja = {"angry": "怒り", "happy": "喜び", "neutral": "平静", "sad": "悲しみ"}
    rows = {}
    for emo, ar in EMOTION_AROUSAL.items():
        p = AROUSAL_PROSODY[ar]
        intensity = next(k for k, v in INTENSITY_AROUSAL.items() if v == ar)
        rows[tr(lang, emo, emo_ja[emo])] = {
            tr(lang, "text polarity", "テキストの極性"):
                tr(lang, *(("positive", "肯定") if EMOTION_POLARITY[emo] else ("negative", "否定"))),
            tr(lang, "arousal (voice)", "覚醒度（声）"): tr(lang, *AROUSAL_NAMES[ar]),
            tr(lang, "sentiment intensity with this voice", "この声の感情極性の強さ"): intensity,
            tr(lang, "pitch ×", "ピッチ ×"): p.pitch, tr(lang, "rate ×", "話速 ×"): p.rate,
            tr(lang, "pitch range ×", "ピッチ幅 ×"): p.range, tr(lang, "loudness ×", "音量 ×"): p.volume,
            tr(lang, "pause between words (ms)", "語間のポーズ（ms）"): 10 * p.gap}
    return pd.DataFrame(rows).T


PROBE_ROWS = {"emotion (audio)": ("4 emotions, audio", "4 感情・音声"),
              "emotion (text)": ("4 emotions, text (bag of words)", "4 感情・テキスト（単語袋）"),
              "emotion (audio + text)": ("4 emotions, audio + text", "4 感情・音声 + テキスト"),
              "arousal (audio)": ("3 arousal levels, audio", "3 覚醒度・音声"),
              "valence (text)": ("valence (text polarity), text", "感情価（テキストの極性）・テキスト"),
              "intensity (audio)": ("sentiment intensity 1-3, audio", "感情極性の強さ 1–3・音声"),
              "speaker EER (audio)": ("speaker verification EER ↓, audio", "話者照合 EER ↓・音声")}
PROBE_COLS = {"utterance": ("per utterance (released code)", "発話ごと（公開コード）"),
              "dataset": ("per data set (ours)", "データセット全体（本章）"), "chance": ("chance", "偶然")}


def probe_table(df: pd.DataFrame, lang: str):
    """The pooled-feature probes under each normalisation (rows: probes; columns: normalisations + chance)."""
    out = df.copy()
    out.index = [tr(lang, *PROBE_ROWS[i]) for i in out.index]
    out.columns = [tr(lang, *PROBE_COLS.get(c, (c, c))) for c in out.columns]
    note = tr(lang, "logistic regression on pooled frame statistics (accuracy; EER: cosine of standardised vectors), "
                    "folds over speaker groups as in the fine-tuning",
              "フレーム統計量のプーリングに対するロジスティック回帰（正解率；EER は標準化ベクトルのコサイン），"
              "fine-tuning と同じ話者グループの分割")
    return out.style.format(precision=3).set_caption(note)


TASK_PANELS = [("WA", ("emotion: WA ↑", "感情分類：WA ↑")), ("Acc2", ("sentiment: Acc2 ↑", "感情極性：Acc2 ↑")),
               ("EER", ("speaker verification: EER ↓", "話者照合：EER ↓"))]


def results_figure(per_seed: pd.DataFrame, chance: dict[str, float], lang: str, references: dict | None = None,
                   paper_values: dict[str, float] | None = None):
    """One panel per task: each variant's mean over fine-tuning seeds (bar) and each seed (dot), chance dashed;
    ``references`` (label → (metric, value)) dotted, ``paper_values`` (metric → the paper's CTAL-base on its own
    corpora) dash-dotted. ``per_seed``: rows (variant, seed), columns metrics."""
    variants = list(dict.fromkeys(per_seed.index.get_level_values(0)))
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.6), sharey=False)
    y = np.arange(len(variants))
    for ax, (metric, title) in zip(axes, TASK_PANELS):
        means = [per_seed.loc[v, metric].mean() for v in variants]
        ax.barh(y, means, color="#4c72b0", alpha=0.75)
        for i, v in enumerate(variants):
            vals = per_seed.loc[v, metric].to_numpy()
            ax.plot(vals, np.full(len(vals), i), "o", color="black", ms=3.5)
        ax.axvline(chance[metric], color="grey", ls="--", lw=1)
        for label, (m, v) in (references or {}).items():  # e.g. GE2E's EER: a model we do not fine-tune
            if m == metric:
                ax.axvline(v, color="#c44e52", ls=":", lw=1.2)
                ax.text(v, -0.6, " " + label, color="#c44e52", fontsize=8, va="bottom")
        if metric in (paper_values or {}):
            ax.axvline(paper_values[metric], color="#8172b2", ls="-.", lw=1.2)
            ax.text(paper_values[metric], len(variants) - 0.45, tr(lang, " paper", " 論文"), color="#8172b2", fontsize=8,
                    va="bottom")
        ax.text(chance[metric], len(variants) - 0.45, tr(lang, " chance", " 偶然"), color="grey", fontsize=8, va="bottom")
        ax.set_title(tr(lang, *title), fontsize=10)
        ax.set_yticks(y, [variant_label(v, lang) for v in variants] if ax is axes[0] else [""] * len(variants))
        ax.set_xlim(0, 1 if metric != "EER" else 0.6)
        ax.invert_yaxis()
    fig.tight_layout()
    return fig


TEXT_PROBE_COLS = {"book-mlm": ("book real-text MLM (frozen)", "本書の実テキスト MLM（凍結）"),
                   "minilm": ("all-MiniLM-L6-v2 (frozen)", "all-MiniLM-L6-v2（凍結）"),
                   "bag of words": ("bag of words", "単語袋")}
TEXT_PROBE_ROWS = {"emotion (4)": ("4 emotions (ceiling 0.5 from text)", "4 感情（テキストからの上限 0.5）"),
                   "valence": ("valence (text polarity)", "感情価（テキストの極性）"),
                   "sentiment sign": ("sentiment sign (test split)", "感情極性の符号（テスト分割）")}


def text_probe_label(name: str, lang: str) -> str:
    return tr(lang, *TEXT_PROBE_COLS.get(name, (name, name)))


def text_probe_table(df: pd.DataFrame, lang: str):
    out = df.copy()
    out.index = [tr(lang, *TEXT_PROBE_ROWS.get(i, (i, i))) for i in out.index]
    out.columns = [text_probe_label(c, lang) for c in out.columns]
    note = tr(lang, "accuracy of a logistic regression on mean-pooled final hidden states (bag of words: binary counts); "
                    "emotion folds over speaker groups as in the fine-tuning",
              "最終層の隠れ状態の平均に対するロジスティック回帰の正解率（単語袋は二値の出現）。感情は fine-tuning と同じ"
              "話者グループの分割")
    return out.style.format(precision=3).set_caption(note)
