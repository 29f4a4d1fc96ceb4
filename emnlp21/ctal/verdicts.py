"""The chapter's positive controls and margins, from the book's evidence rules (emnlp21.book.evidence).

Test sets are small (about 100 emotion utterances per run of the folds, 120 sentiment items, 64
held-out speaker utterances), so a difference counts only beyond the binomial noise of that many items
plus the spread over seeds (:func:`~emnlp21.book.evidence.difference_margin`); a rate is above chance
when its Clopper–Pearson interval at the book's level lies above it. An EER is treated as a proportion
over the held-out *utterances* (not the far more numerous, dependent pairs): a conservative noise.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..book.evidence import ALPHA, Control, binomial_interval, difference_margin


def interval(rate: float, n: int, alpha: float = ALPHA) -> tuple[float, float]:
    """Clopper–Pearson interval of a mean rate over ``n`` items."""
    return binomial_interval(int(round(float(rate) * n)), n, alpha)


def above(rate: float, level: float, n: int) -> bool:
    """Is ``rate`` (over ``n`` items) above ``level`` beyond its binomial interval?"""
    return interval(rate, n)[0] > level


def better(a: Sequence[float], b: Sequence[float], n: int, *, lower_is_better: bool = False) -> tuple[bool, float]:
    """(mean(a) beats mean(b) by more than the margin, the margin) — seeds' spread plus binomial noise."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    m = difference_margin(a, b, n)
    gain = (b.mean() - a.mean()) if lower_is_better else (a.mean() - b.mean())
    return bool(gain > m), m


def not_worse(a: Sequence[float], b: float, n: int) -> tuple[bool, float]:
    """(mean(a) is no more than one margin below ``b``, the margin): "close to the probe"."""
    m = difference_margin(a, [b], n)
    return bool(np.mean(a) >= b - m), m


def text_control(text_va: Sequence[float], bow_valence: float, n_emotion: int, text_acc2: Sequence[float],
                 n_sentiment: int) -> Control:
    """The language stream knows text. Text carries only the valence of an emotion (by design), so the
    text-only model is judged on it: its emotion predictions' valence accuracy (VA) above 0.5 and no
    further than one margin below the bag-of-words probe's, and its sentiment Acc2 above 0.5. (Its
    four-way WA has a ceiling of 0.5 and a chance of 0.25: a weaker test of the same thing.)"""
    close, _ = not_worse(text_va, bow_valence, n_emotion)
    ok = above(np.mean(text_va), 0.5, n_emotion) and close and above(np.mean(text_acc2), 0.5, n_sentiment)
    return Control("text-only valence accuracy (VA) above 0.5 and close to the bag-of-words probe; text-only Acc2 "
                   "above 0.5",
                   "テキストのみのモデルの感情価の正解率（VA）が 0.5 を上回り単語袋プローブに近く，テキストのみの Acc2 が "
                   "0.5 を上回る",
                   bool(ok))


def audio_control(audio_wa: Sequence[float], wa_chance: float, n_emotion: int) -> Control:
    return Control("audio-only emotion WA above chance", "音声のみの感情分類 WA が偶然を上回る",
                   above(np.mean(audio_wa), wa_chance, n_emotion))


def verification_control(eer: Sequence[float], n: int, who: tuple[str, str]) -> Control:
    """A speaker model that learned something: its EER below 0.5 beyond the binomial interval."""
    return Control(f"{who[0]} separates held-out speakers (EER below 0.5)", f"{who[1]}が未知の話者を区別する（EER が 0.5 未満）",
                   interval(np.mean(eer), n)[1] < 0.5)


def beats_trivial_control(ratio_hi: Sequence[float]) -> Control:
    """Both audio streams reconstruct better than the best trivial predictor (bootstrap interval of the
    L1 ratio below 1 for each)."""
    return Control("bidirectional and causal streams both below the best trivial predictor's L1 (99 % bootstrap)",
                   "双方向・因果マスクの両方が最良の自明な予測より L1 が低い（99 % ブートストラップ）",
                   bool(max(ratio_hi) < 1.0))


def seed_noise_control(n_seeds: int) -> Control:
    """A difference between two pre-trained models is set against the spread between two pre-trainings
    of the same model: with one seed that spread is unmeasured, and the verdict cannot rest on it."""
    return Control(f"seed noise measured: at least two pre-training seeds ({n_seeds} run)",
                   f"シード間のばらつきを測っている：事前学習シードが二つ以上（実行したのは {n_seeds} 個）",
                   n_seeds >= 2)
