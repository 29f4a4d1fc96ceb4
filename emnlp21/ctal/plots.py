"""The chapter's figures and tables, drawn per language; the paper's numbers labelled as the paper's."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

from ..book import tr
from .train import collate, to_device

# Li+ 2021, Tables 1-3 (IEMOCAP, CMU-MOSEI, LibriSpeech): real corpora, not our synthetic ones.
PAPER = pd.DataFrame({
    "CTAL-base": {"WA": 0.7286, "UA": 0.7370, "Acc2": 0.8036, "F1": 0.8055, "MAE": 0.6061, "Corr": 0.6828, "EER": 0.0194},
    "CTAL-large": {"WA": 0.7395, "UA": 0.7463, "Acc2": 0.8077, "F1": 0.8101, "MAE": 0.6027, "Corr": 0.6809, "EER": 0.0155},
    "LSTM_alignment": {"WA": 0.6900, "UA": 0.7014},
    "MDRE": {"WA": 0.6702, "UA": 0.6764},
    "MulT": {"Acc2": 0.7966, "F1": 0.8008, "MAE": 0.6367, "Corr": 0.6292},
    "RawNet": {"EER": 0.0253},
}).T
METRICS = ["WA", "UA", "Acc2", "F1", "MAE", "Corr", "EER"]


def loss_curves(logs: dict[str, pd.DataFrame], lang: str):
    names = {"ctal": tr(lang, "CTAL (bidirectional)", "CTAL（双方向）"), "causal": tr(lang, "causal audio stream", "因果マスク付き"),
             "audio": tr(lang, "audio only (MAM)", "音声のみ (MAM)")}
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    for key, log in logs.items():
        smooth = log.rolling(10, min_periods=1).mean()
        axes[1].plot(log.step, smooth.mam, label=names.get(key, key))
        if "mlm" in log:
            axes[0].plot(log.step, smooth.mlm, label=names.get(key, key))
    axes[0].set(title=tr(lang, "masked language modelling", "マスク言語モデル"), xlabel=tr(lang, "step", "ステップ"),
                ylabel=tr(lang, "cross-entropy", "交差エントロピー"))
    axes[1].set(title=tr(lang, "masked acoustic modelling", "マスク音響モデル"), xlabel=tr(lang, "step", "ステップ"),
                ylabel="L1")
    axes[1].legend(fontsize=8)
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
    axes[-1].set_xlabel(tr(lang, "frame (10 ms)", "フレーム (10 ms)"))
    fig.suptitle(f"\u201c{ds.table.text[index]}\u201d", fontsize=9)
    fig.tight_layout()
    return fig


def reconstruction_table(recon: dict[str, float], lang: str) -> pd.DataFrame:
    names = {"ctal": tr(lang, "CTAL, bidirectional audio stream", "CTAL・双方向"),
             "causal": tr(lang, "CTAL, causal audio stream (as the released code)", "CTAL・因果マスク（公開コードと同じ）"),
             "audio": tr(lang, "audio stream only, no text", "音声ストリームのみ（テキストなし）")}
    col = tr(lang, "masked-frame L1 on held-out utterances (lower is better)", "未学習の発話でのマスクフレーム L1（低いほど良い）")
    return pd.DataFrame({col: {names[k]: round(v, 4) for k, v in recon.items()}})


def results_table(ours: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Ours (synthetic data) above the paper's rows (IEMOCAP / CMU-MOSEI / LibriSpeech)."""
    a = ours[METRICS].copy()
    a.index = [f"{tr(lang, 'ours', '本実験')}: {i}" for i in a.index]
    b = PAPER[METRICS].copy()
    b.index = [f"{tr(lang, 'paper', '論文')}: {i}" for i in b.index]
    df = pd.concat([a, b]).round(4)
    df.columns = pd.MultiIndex.from_tuples(
        [(tr(lang, "emotion", "感情分類"), "WA ↑"), (tr(lang, "emotion", "感情分類"), "UA ↑"),
         (tr(lang, "sentiment", "感情極性"), "Acc2 ↑"), (tr(lang, "sentiment", "感情極性"), "F1 ↑"),
         (tr(lang, "sentiment", "感情極性"), "MAE ↓"), (tr(lang, "sentiment", "感情極性"), "Corr ↑"),
         (tr(lang, "speaker verif.", "話者照合"), "EER ↓")])
    note = tr(lang, "ours: synthetic speech (this chapter); paper: Li+ 2021 Tables 1-3 on IEMOCAP, CMU-MOSEI, "
                    "LibriSpeech — different data, not comparable in level",
              "本実験：合成音声（本章）；論文：Li+ 2021 表1–3（IEMOCAP，CMU-MOSEI，LibriSpeech）— データが異なり水準は比較不可")
    return df.style.format(precision=3, na_rep="–").set_caption(note)


def timing_table(timings: dict[str, float], lang: str) -> pd.DataFrame:
    return pd.DataFrame({tr(lang, "seconds", "秒"): {k: round(v, 1) for k, v in timings.items()}})
