"""The chapter's claims, their estimates, decision regions and positive controls (emnlp21.core.evidence).

Every comparison is a paired multi-bootstrap over pre-training seeds, fine-tuning seeds and test items
(:func:`~emnlp21.core.evidence.multibootstrap`): emotion utterances (each predicted once per
fine-tuning seed across the cross-validation folds), sentiment test items, and, for reconstruction,
the utterances on which every model is scored with the same masks. An EER is not a mean of item
scores, so :func:`eer_bootstrap` resamples its units by the same design: pre-training and fine-tuning
seeds, then the held-out *speakers* (clusters of pairs; a speaker drawn k times weighs its own pairs
k times and its pairs with another speaker drawn m times k × m times), with the EER recomputed from
a sweep over every threshold for each replicate (:func:`~.tasks.weighted_eer`).

A model without CTAL pre-training (or without fine-tuning: the bag-of-words probe, GE2E) carries the
seed label :data:`~emnlp21.core.evidence.NO_STAGE`; what an estimate rests on counts the seeds of the arms that have them.
Every threshold and tolerance below is fixed by the data's design or stated here before measuring.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..core.evidence import (LEVEL, NO_STAGE, RESAMPLES, Control, Estimate, Region, above, below, bootstrap_counts,
                             difference, finite_replicates, inflate_deviations, multibootstrap, seed_weights,
                             seeds_rested_on)
from . import paper
from .data import EMOTION_POLARITY, EMOTIONS
from .tasks import pair_frame

PRETRAINED, SCRATCH = "CTAL (pre-trained)", "CTAL (no pre-training)"
TEXT, AUDIO, CONCAT = "text only", "audio only", "concat fusion (MDRE-like)"
GE2E = "GE2E (pre-trained speaker encoder)"
BOW = "bag of words"
TRIVIAL = ("mean frame", "interpolation")

# --- decision thresholds, fixed in advance ---------------------------------------------------------
WA_CHANCE = 1 / len(EMOTIONS)  # four emotions in equal numbers (data.plan_sets cycles them)
BINARY_CHANCE = 0.5  # valence and the sentiment sign: each text pool is balanced by polarity (data.text_pools)
EER_CHANCE = 0.5  # a verifier that separates nothing
NEAR_PROBE = 0.10  # the text-only model's VA may fall this far below the bag of words' and still read the text
_CHANCE_SOURCE = ("the data's design (ctal/data.py)", "データの設計（ctal/data.py）")
_TOLERANCE_SOURCE = ("this chapter's tolerance, fixed before measuring", "本章の許容幅（測定前に固定）")
_COMPARE_SOURCE = ("the direction of the paper's comparison", "論文の比較の向き")


def _region(kind: Callable[..., Region], threshold: float, unit: tuple[str, str], source: tuple[str, str]) -> Region:
    return kind(threshold, unit=unit[0], unit_ja=unit[1], source=source[0], source_ja=source[1])


ACC = ("accuracy", "正解率")
ACC_DIFF = ("accuracy difference", "正解率の差")
EER_DIFF = ("EER difference", "EER の差")
RATIO = ("L1 ratio", "L1 の比")


# --- the scores frames --------------------------------------------------------------------------------

def item_frames(runs: Sequence[tuple[str, int, int, str, dict]], emotion: pd.DataFrame,
                sentiment: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The fine-tuning runs (variant, pre-training seed, fine-tuning seed, task, :func:`~.tasks.evaluate_run`'s
    items; the pre-training seed :data:`~emnlp21.core.evidence.NO_STAGE` for a variant without CTAL
    pre-training) as evidence frames: ``WA`` (emotion correct), ``VA`` (emotion's valence correct),
    ``Acc2`` (sentiment sign correct, non-zero labels) with columns arm, pretrain_seed, finetune_seed,
    item, score; and ``pairs`` (verification: arm, pretrain_seed, finetune_seed, a, b, same, cos)."""
    valence = np.array([EMOTION_POLARITY[e] for e in EMOTIONS])
    labels, scores = emotion["label"].to_numpy(), sentiment["score"].to_numpy(float)
    out: dict[str, list] = {"WA": [], "VA": [], "Acc2": [], "pairs": []}
    for variant, pretrain_seed, seed, task, items in runs:
        tag = {"arm": variant, "pretrain_seed": int(pretrain_seed), "finetune_seed": int(seed)}
        if task == "emotion":
            item, pred = np.asarray(items["item"]), np.asarray(items["pred"])
            out["WA"].append(pd.DataFrame({**tag, "item": item, "score": (pred == labels[item]).astype(float)}))
            out["VA"].append(pd.DataFrame({**tag, "item": item,
                                           "score": (valence[pred] == valence[labels[item]]).astype(float)}))
        elif task == "sentiment":
            item, pred = np.asarray(items["item"]), np.asarray(items["pred"], float)
            nz = scores[item] != 0
            out["Acc2"].append(pd.DataFrame({**tag, "item": item[nz],
                                             "score": ((pred[nz] > 0) == (scores[item][nz] > 0)).astype(float)}))
        elif task == "verification":
            out["pairs"].append(pair_frame(items["speaker"], items["cos"]).assign(**tag))
        else:
            raise ValueError(f"unknown task {task!r}")
    return {k: pd.concat(v, ignore_index=True) for k, v in out.items() if v}


def probe_frame(items: pd.DataFrame, probe: str = BOW, task: str = "valence") -> pd.DataFrame:
    """One probe's per-item outcomes (:func:`~.probe.text_model_probe`) as an evidence frame arm."""
    df = items[(items["probe"] == probe) & (items["task"] == task)]
    return pd.DataFrame({"arm": probe, "pretrain_seed": NO_STAGE, "finetune_seed": NO_STAGE, "item": df["item"].to_numpy(),
                         "score": df["correct"].to_numpy(float)})


def ge2e_pairs(speakers, cos) -> pd.DataFrame:
    """GE2E's pairs (never fine-tuned, never pre-trained by us) in the shape of ``item_frames()["pairs"]``."""
    return pair_frame(speakers, cos).assign(arm=GE2E, pretrain_seed=NO_STAGE, finetune_seed=NO_STAGE)


def reconstruction_frame(scores: Mapping[int, pd.DataFrame]) -> pd.DataFrame:
    """:func:`~.train.reconstruction_scores` per pre-training seed (every seed on the same masks) as an
    evidence frame: arm = model or trivial predictor, item = utterance, score = its summed masked L1
    (a ratio of two arms' means is the ratio of their mean L1). The trivial predictors learn nothing:
    they are taken once, with the seed label :data:`~emnlp21.core.evidence.NO_STAGE`."""
    frames = []
    for i, (seed, sc) in enumerate(scores.items()):
        for col in sc.columns.drop("entries"):
            if col in TRIVIAL and i:
                continue
            frames.append(pd.DataFrame({"arm": col, "pretrain_seed": NO_STAGE if col in TRIVIAL else int(seed),
                                        "item": np.arange(len(sc)), "score": sc[col].to_numpy(float)}))
    return pd.concat(frames, ignore_index=True)


def arm_mean(m: pd.DataFrame, arm: str) -> pd.Series:
    return m[arm].mean(axis=1)


def eer_bootstrap(pairs: pd.DataFrame, statistic: Callable[[dict[str, np.ndarray]], np.ndarray], *, test: str,
                  resamples: int = RESAMPLES, level: float = LEVEL, seed: int = 0, chunk: int = 500) -> Estimate:
    """A statistic of arms' EERs with its interval: pre-training seeds, fine-tuning seeds nested in them
    (each level's deviations scaled as in :func:`~emnlp21.core.evidence.multibootstrap`), then held-out
    speakers, drawn once for every arm (paired). ``pairs``: columns arm, pretrain_seed, finetune_seed,
    a, b (speakers), same, cos; ``statistic(eers)`` takes {arm: EER averaged over its seeds, one per
    replicate} and returns one value per replicate. A resample that holds one speaker only has no
    different-speaker pair, hence no EER: it is drawn again (the bootstrap conditioned on an EER existing)."""
    speakers = np.array(sorted(set(pairs["a"]) | set(pairs["b"])))
    arms = {}
    for arm, g in pairs.groupby("arm", sort=False):
        ps, fs = tuple(sorted(g.pretrain_seed.unique())), tuple(sorted(g.finetune_seed.unique()))
        cells = {key: (r.same.to_numpy(bool), r.cos.to_numpy(float), np.searchsorted(speakers, r.a.to_numpy()),
                       np.searchsorted(speakers, r.b.to_numpy()))
                 for key, r in g.groupby(["pretrain_seed", "finetune_seed"])}
        if len(cells) != len(ps) * len(fs):
            raise ValueError(f"arm {arm!r}: runs for every (pre-training, fine-tuning) seed pair are needed")
        if set(np.unique(np.r_[g.a, g.b])) != set(speakers):
            raise ValueError(f"arm {arm!r} is scored on other speakers than the rest (no pairing)")
        arms[arm] = (ps, fs, cells)
    rng = np.random.default_rng(seed)
    counts = {arm: {key: _pair_counts(*cell, len(speakers)) for key, cell in cells.items()}
              for arm, (_, _, cells) in arms.items()}

    def eers(speaker_w: np.ndarray, seed_w: dict | None) -> dict[str, np.ndarray]:
        out = {}
        for arm, (ps, fs, _) in arms.items():
            y = np.stack([np.stack([_cluster_eer(*counts[arm][p, f], speaker_w) for f in fs], axis=1) for p in ps],
                         axis=1)  # [B, P, F]
            if seed_w is None:
                out[arm] = y.mean(axis=(1, 2))
            else:
                y = inflate_deviations(inflate_deviations(y, axis=2), axis=1)
                wp, wf = seed_w[ps, fs]
                out[arm] = np.einsum("bp,bpf,bpf->b", wp, wf, y) / (len(ps) * len(fs))
        return out

    value = float(np.asarray(statistic(eers(np.ones((1, len(speakers))), None)))[0])

    def replicates(size: int) -> np.ndarray:
        seed_w = {}
        for ps, fs, _ in arms.values():
            if (ps, fs) not in seed_w:
                seed_w[ps, fs] = seed_weights(rng, size, ps, fs)
        return statistic(eers(bootstrap_counts(rng, size, len(speakers)), seed_w))

    reps = finite_replicates(replicates, resamples, chunk)  # a draw of one speaker only has no EER: drawn again
    return Estimate.from_replicates(value, reps, test=test, level=level,
                                    pretrain_seeds=seeds_rested_on(ps for ps, _, _ in arms.values()),
                                    finetune_seeds=seeds_rested_on(fs for _, fs, _ in arms.values()), items=len(speakers))


def _pair_counts(same: np.ndarray, cos: np.ndarray, ia: np.ndarray, ib: np.ndarray, n_speakers: int):
    """For every ROC point of the pairs (thresholds at each distinct cosine, highest first): how many
    same-speaker pairs of each speaker and different-speaker pairs of each speaker pair score at or
    above it. Under speaker weights w a replicate's pair counts are then
    ``w @ same`` and ``(w ⊗ w) @ different`` (returned as [S, T] and [S × S, T]): the EER of 10,000
    replicates is two matrix products."""
    order = np.argsort(-cos, kind="stable")
    s = cos[order]
    last = np.r_[s[1:] != s[:-1], True]
    key = np.where(same, ia, n_speakers + ia * n_speakers + ib)[order]
    onehot = np.zeros((len(key), n_speakers + n_speakers ** 2))
    onehot[np.arange(len(key)), key] = 1.0
    cum = np.cumsum(onehot, axis=0)[last].T  # [groups, T], rows contiguous for the products
    return np.ascontiguousarray(cum[:n_speakers]), np.ascontiguousarray(cum[n_speakers:])


def _cluster_eer(same_counts: np.ndarray, diff_counts: np.ndarray, speaker_w: np.ndarray) -> np.ndarray:
    """EER per row of speaker weights ([B, S]) from :func:`_pair_counts`, equal to
    :func:`~.tasks.weighted_eer` with a speaker drawn k times weighing its own pairs k times and its
    pairs with one drawn m times k × m. Along the ROC the false-rejection rate never rises and the
    false-acceptance rate never falls, so their difference d is monotone: the point of smallest |d|
    (the first of equals) is where d turns ≤ 0 or the one before it, found by bisection in every
    replicate at once (the point where nothing is accepted, d = 1, is never smaller than another)."""
    w = np.asarray(speaker_w, float)
    ww = (w[:, :, None] * w[:, None, :]).reshape(len(w), -1)
    with np.errstate(invalid="ignore", divide="ignore"):
        pos, neg = w @ same_counts[:, -1], ww @ diff_counts[:, -1]

        def rates(k):  # (fpr, fnr) at ROC point k of each replicate, in weighted_eer's arithmetic (its ties)
            tp = np.einsum("bs,sb->b", w, same_counts[:, k])
            fp = np.einsum("bs,sb->b", ww, diff_counts[:, k])
            return fp / neg, 1 - tp / pos

        lo, hi = np.zeros(len(w), int), np.full(len(w), same_counts.shape[1] - 1)
        while (lo < hi).any():
            mid = (lo + hi) // 2
            fpr, fnr = rates(mid)
            turned = ~(fnr - fpr > 0)  # (NaN where a replicate lacks a kind of pair: stop anywhere)
            lo, hi = np.where(turned, lo, mid + 1), np.where(turned, mid, hi)
        fpr_k, fnr_k = rates(lo)
        fpr_b, fnr_b = rates(np.maximum(lo - 1, 0))
    before = (lo > 0) & (np.abs(fnr_b - fpr_b) <= np.abs(fnr_k - fpr_k))
    eer = np.where(before, (fpr_b + fnr_b) / 2, (fpr_k + fnr_k) / 2)
    return np.where((pos > 0) & (neg > 0), eer, np.nan)

# --- the estimates ----------------------------------------------------------------------------------

def reconstruction_estimates(frame: pd.DataFrame, **kw) -> dict[str, Estimate]:
    """L1 ratios with their intervals: each stream over the better trivial predictor (the better one in
    each replicate), the larger of the bidirectional and causal streams' ratios (``streams``), and the
    bidirectional over the causal stream (``bidirectional/causal``, paired on pre-training seeds).
    ``kw``: ``resamples``, ``level`` (tests use fewer at a lower level)."""
    def over_trivial(name):
        def stat(m):
            return arm_mean(m, name) / np.minimum(arm_mean(m, TRIVIAL[0]), arm_mean(m, TRIVIAL[1]))
        return stat

    def sub(*arms):
        return frame[frame.arm.isin(arms)]

    out = {name: multibootstrap(sub(name, *TRIVIAL), over_trivial(name), test=f"paired multi-bootstrap, L1 {name} ÷ trivial",
                           **kw)
           for name in ("ctal", "causal", "audio") if name in set(frame.arm)}
    out["streams"] = multibootstrap(sub("ctal", "causal", *TRIVIAL),
                               lambda m: np.maximum(over_trivial("ctal")(m), over_trivial("causal")(m)),
                               test="paired multi-bootstrap, larger L1 ratio of the two streams to the better trivial",
                               **kw)
    out["bidirectional/causal"] = multibootstrap(sub("ctal", "causal"), lambda m: arm_mean(m, "ctal") / arm_mean(m, "causal"),
                                            test="paired multi-bootstrap, L1 bidirectional ÷ causal", **kw)
    return out


def estimates(frames: Mapping[str, pd.DataFrame], bow_valence: pd.DataFrame, ge2e: pd.DataFrame,
              **kw) -> dict[str, Estimate]:
    """Every fine-tuning estimate the claims need, from :func:`item_frames`, the bag-of-words valence
    probe (:func:`probe_frame`) and GE2E's pairs (:func:`ge2e_pairs`). ``kw``: ``resamples``, ``level``."""
    wa, va, acc2 = frames["WA"], frames["VA"], frames["Acc2"]
    pairs = pd.concat([frames["pairs"], ge2e], ignore_index=True)
    text = pd.concat([va[va.arm == TEXT].assign(task="VA"), acc2[acc2.arm == TEXT].assign(task="Acc2")])
    fused = wa[wa.arm.isin([PRETRAINED, TEXT, AUDIO])]
    rivals = (SCRATCH, CONCAT, GE2E)
    return {
        "text": multibootstrap(text, lambda m: np.minimum(m[TEXT]["VA"], m[TEXT]["Acc2"]),
                          test="multi-bootstrap, the smaller of text-only VA and Acc2", **kw),
        "text-vs-bow": difference(pd.concat([va[va.arm == TEXT], bow_valence]), TEXT, BOW, **kw),
        "audio": multibootstrap(wa[wa.arm == AUDIO], lambda m: arm_mean(m, AUDIO), test="multi-bootstrap, audio-only WA", **kw),
        "ge2e": eer_bootstrap(pairs[pairs.arm == GE2E], lambda e: e[GE2E], test="speaker bootstrap, GE2E EER", **kw),
        "WA": difference(wa, PRETRAINED, SCRATCH, **kw),
        "Acc2": difference(acc2, PRETRAINED, SCRATCH, **kw),
        "EER": eer_bootstrap(pairs[pairs.arm.isin([PRETRAINED, SCRATCH])], lambda e: e[PRETRAINED] - e[SCRATCH],
                             test=f"paired speaker multi-bootstrap, EER {PRETRAINED} − {SCRATCH}", **kw),
        "fusion": multibootstrap(fused, lambda m: arm_mean(m, PRETRAINED) - np.maximum(arm_mean(m, TEXT), arm_mean(m, AUDIO)),
                            test="paired multi-bootstrap, fused WA − the better single modality", **kw),
        "EER-rivals": eer_bootstrap(pairs[pairs.arm.isin([PRETRAINED, *rivals])],
                                    lambda e: np.max([e[PRETRAINED] - e[r] for r in rivals], axis=0),
                                    test="paired speaker multi-bootstrap, largest EER difference CTAL − rival", **kw),
    }


# --- the controls -----------------------------------------------------------------------------------

def text_control(text: Estimate, near: Estimate) -> Control:
    """The language stream knows text: text carries only the valence of an emotion (by design), so the
    text-only model is judged on it: VA and Acc2 above chance, and VA not more than :data:`NEAR_PROBE` below
    the bag-of-words probe's (its four-way WA has a ceiling of 0.5: a weaker test of the same thing)."""
    ok = REGIONS["text"].judge(text) == "holds" and REGIONS["text-vs-bow"].judge(near) == "holds"
    return Control(f"text-only VA and Acc2 above {BINARY_CHANCE:g} (smaller of the two {_iv(text)}) and VA no more "
                   f"than {NEAR_PROBE:g} below the bag-of-words probe's ({_iv(near)})",
                   f"テキストのみのモデルの VA と Acc2 が {BINARY_CHANCE:g} を上回り（小さい方 {_iv(text)}），VA が単語袋"
                   f"プローブより {NEAR_PROBE:g} を超えて低くない（{_iv(near)}）", bool(ok))


def audio_control(audio: Estimate) -> Control:
    return Control(f"audio-only emotion WA above chance {WA_CHANCE:g} ({_iv(audio)})",
                   f"音声のみの感情分類 WA が偶然 {WA_CHANCE:g} を上回る（{_iv(audio)}）",
                   REGIONS["audio"].judge(audio) == "holds")


def verification_control(ge2e: Estimate) -> Control:
    """The task is learnable: a known-good speaker encoder (GE2E, trained on real speakers, not tuned
    here) separates the held-out speakers, its EER's interval below chance."""
    return Control(f"the task is learnable: GE2E separates the held-out speakers (EER {_iv(ge2e)} below "
                   f"{EER_CHANCE:g})",
                   f"タスクは学習可能：GE2E が未知の話者を区別する（EER {_iv(ge2e)} が {EER_CHANCE:g} 未満）",
                   REGIONS["ge2e"].judge(ge2e) == "holds")


def _iv(e: Estimate) -> str:
    return f"{e.value:.3f} [{e.low:.3f}, {e.high:.3f}]"


REGIONS = {
    "text": _region(above, BINARY_CHANCE, ACC, _CHANCE_SOURCE),
    "text-vs-bow": _region(above, -NEAR_PROBE, ACC_DIFF, _TOLERANCE_SOURCE),
    "audio": _region(above, WA_CHANCE, ACC, _CHANCE_SOURCE),
    "ge2e": _region(below, EER_CHANCE, ("EER", "EER"), _CHANCE_SOURCE),
    "WA": _region(above, 0.0, ACC_DIFF, _COMPARE_SOURCE),
    "Acc2": _region(above, 0.0, ACC_DIFF, _COMPARE_SOURCE),
    "EER": _region(below, 0.0, EER_DIFF, _COMPARE_SOURCE),
    "fusion": _region(above, 0.0, ACC_DIFF, ("the data's design: the voice carries arousal, the text valence",
                                              "データの設計：声が覚醒度，テキストが感情価を運ぶ")),
    "EER-rivals": _region(below, 0.0, EER_DIFF, _COMPARE_SOURCE),
    "streams": _region(below, 1.0, RATIO, ("a stream that learned nothing does no better than the trivial predictor",
                                            "何も学んでいないストリームは自明な予測に勝てない")),
    "bidirectional/causal": _region(below, 1.0, RATIO, ("the direction of the paper's design choice",
                                                         "論文の設計上の選択の向き")),
}


# --- the claims ---------------------------------------------------------------------------------------

TASK_JA = {"emotion": "感情分類", "sentiment": "感情極性", "verification": "話者照合"}


def add_claims(claims, est: Mapping[str, Estimate], recon: Mapping[str, Estimate], *,
               frames: Mapping[str, pd.DataFrame], eer: Mapping[str, float], bow_va: float, l1: pd.DataFrame,
               n_seeds: int, recon_seeds: Sequence[int]) -> dict[str, Control]:
    """Record the chapter's claims. ``est``: :func:`estimates`; ``recon``: :func:`reconstruction_estimates`;
    ``frames``: :func:`item_frames` (the accuracies quoted are their item means, as the estimates');
    ``eer``: mean EER per variant and :data:`GE2E`; ``bow_va``: the bag-of-words probe's valence accuracy;
    ``l1``: mean masked L1 per model (rows) and pre-training seed (columns). Returns the positive controls."""
    text_ok = text_control(est["text"], est["text-vs-bow"])
    audio_ok = audio_control(est["audio"])
    ge2e_ok = verification_control(est["ge2e"])
    acc = pd.DataFrame({k: frames[k].groupby("arm").score.mean() for k in ("WA", "VA", "Acc2")})
    ours = acc.join(pd.Series(eer, name="EER"), how="outer")
    pre_, scratch, text_, audio_ = (ours.loc[v] for v in (PRETRAINED, SCRATCH, TEXT, AUDIO))
    claims.add("ctal.text-stream-knows-text", kind="check", estimate=est["text"], region=REGIONS["text"],
               en="The text-only model reads the valence of an emotion (VA) and the sign of sentiment (Acc2) above "
                  "chance (the estimate: the smaller of the two).",
               ja="テキストのみのモデルは感情の感情価（VA）と感情極性の符号（Acc2）を偶然より高く読む（推定値は二つの小さい方）。",
               paper=("(a positive control: the paper's language stream is trained on LibriSpeech transcripts)",
                      "（陽性対照。論文の言語ストリームは LibriSpeech の書き起こしで学習）"),
               source=("this chapter", "本章"),
               ours=(f"VA {text_['VA']:.3f}, Acc2 {text_['Acc2']:.3f} (chance {BINARY_CHANCE:g}); WA {text_['WA']:.3f}",
                     f"VA {text_['VA']:.3f}，Acc2 {text_['Acc2']:.3f}（偶然 {BINARY_CHANCE:g}），WA {text_['WA']:.3f}"),
               numbers={"text_va": text_["VA"], "text_acc2": text_["Acc2"], "text_wa": text_["WA"]})
    claims.add("ctal.text-stream-near-bag-of-words", kind="check", estimate=est["text-vs-bow"],
               region=REGIONS["text-vs-bow"],
               en=f"The text-only model's valence accuracy (VA) is no more than {NEAR_PROBE:g} below that of a "
                  f"bag-of-words probe on the same utterances and folds.",
               ja=f"テキストのみのモデルの感情価の正解率（VA）は，同じ発話と分割での単語袋プローブより {NEAR_PROBE:g} を"
                  f"超えて低くない。",
               paper=("(a positive control)", "（陽性対照）"), source=("this chapter", "本章"),
               ours=(f"VA {text_['VA']:.3f} vs bag of words {bow_va:.3f}", f"VA {text_['VA']:.3f}，単語袋 {bow_va:.3f}"),
               numbers={"text_va": text_["VA"], "bow_va": bow_va})
    claims.add("ctal.audio-stream-hears-voice", kind="check", estimate=est["audio"], region=REGIONS["audio"],
               en="The audio-only model is above chance on emotion (WA).",
               ja="音声のみのモデルは感情分類（WA）で偶然を上回る。",
               paper=("(a positive control)", "（陽性対照）"), source=("this chapter", "本章"),
               ours=(f"WA {audio_['WA']:.3f} (chance {WA_CHANCE:g})", f"WA {audio_['WA']:.3f}（偶然 {WA_CHANCE:g}）"),
               numbers={"audio_wa": audio_["WA"]})
    claims.add("ctal.ge2e-separates-speakers", kind="check", estimate=est["ge2e"], region=REGIONS["ge2e"],
               en="GE2E, a speaker encoder trained on real speakers and not tuned here, separates the held-out "
                  "synthetic speakers (EER below chance): the verification task is learnable.",
               ja="実在の話者で学習し本章では調整しない話者エンコーダ GE2E は，未知の合成話者を区別する（EER が偶然未満）："
                  "話者照合のタスクは学習可能である。",
               paper=(f"GE2E EER {paper.RESULTS.loc['GE2E', 'EER']:.4f} on LibriSpeech",
                      f"LibriSpeech での GE2E の EER {paper.RESULTS.loc['GE2E', 'EER']:.4f}"),
               source=("Li+ 2021, Table 3", "Li+ 2021 表 3"),
               ours=(f"EER {ours.loc[GE2E, 'EER']:.3f}", f"EER {ours.loc[GE2E, 'EER']:.3f}"),
               numbers={"ge2e_eer": ours.loc[GE2E, "EER"]})
    controls = {"emotion": [text_ok, audio_ok], "sentiment": [text_ok], "verification": [ge2e_ok]}
    wording = {
        "emotion": ("", ""),
        "sentiment": (" The sign comes from the text alone and the language stream is frozen and identical in both "
                      "models, so this can only test how the rest of the model passes the text stream on.",
                      "符号はテキストだけから決まり，言語ストリームは凍結されて両モデルで同一なので，これはモデルの残りの部分が"
                      "テキストストリームをどう受け渡すかしか検証できない。"),
        "verification": ("", ""),
    }
    for task, metric in [("emotion", "WA"), ("sentiment", "Acc2"), ("verification", "EER")]:
        better = "lower" if metric == "EER" else "higher"
        claims.add(f"ctal.pretraining-helps-{task}", controls=controls[task], procedure=True,
                   estimate=est[metric], region=REGIONS[metric],
                   en=f"Pre-trained CTAL beats the same model without CTAL pre-training on {task} ({metric}, {better} "
                      f"is better; mean of {n_seeds} fine-tuning seeds)." + wording[task][0],
                   ja=f"事前学習済み CTAL は CTAL の事前学習なしの同じモデルより{TASK_JA[task]}で良い（{metric}，"
                      f"{'低い' if metric == 'EER' else '高い'}ほど良い。fine-tuning シード {n_seeds} 個の平均）。"
                      + wording[task][1],
                   paper=("pre-trained CTAL beats every model trained without pre-training",
                          "事前学習済み CTAL は事前学習なしで学習したどのモデルよりも良い"),
                   source=paper.SOURCE,
                   ours=(f"{pre_[metric]:.3f} with CTAL pre-training vs {scratch[metric]:.3f} without",
                         f"事前学習あり {pre_[metric]:.3f}，なし {scratch[metric]:.3f}"),
                   numbers={"pretrained": pre_[metric], "scratch": scratch[metric]})
    claims.add("ctal.fusion-beats-single-modality", kind="construction", estimate=est["fusion"], region=REGIONS["fusion"],
               en="On emotion, the fused model beats both the text-only and the audio-only model (WA). True by the "
                  "data's design: the text alone can reach at most 0.5, the voice alone 0.75.",
               ja="感情分類では，融合モデルがテキストのみ・音声のみの両方を上回る（WA）。データの設計上成り立つ："
                  "テキストだけでは最大 0.5，声だけでは最大 0.75 にしか届かない。",
               paper=(f"WA {paper.RESULTS.loc['CTAL-base', 'WA']:.4f} with both modalities (no single-modality row)",
                      f"両モダリティで WA {paper.RESULTS.loc['CTAL-base', 'WA']:.4f}（単一モダリティの行はない）"),
               source=("Li+ 2021, Table 1", "Li+ 2021 表 1"),
               ours=(f"fused {pre_['WA']:.3f} vs text {text_['WA']:.3f}, audio {audio_['WA']:.3f}",
                     f"融合 {pre_['WA']:.3f}，テキストのみ {text_['WA']:.3f}，音声のみ {audio_['WA']:.3f}"),
               numbers={"fused": pre_["WA"], "text": text_["WA"], "audio": audio_["WA"]})
    rivals = (SCRATCH, CONCAT, GE2E)
    claims.add("ctal.eer-below-baselines", controls=[ge2e_ok], procedure=True, estimate=est["EER-rivals"],
               region=REGIONS["EER-rivals"],
               en="Speaker-verification EER of pre-trained CTAL is below that of the model without CTAL pre-training, the "
                  "concat baseline and GE2E (the estimate: the largest of the three differences).",
               ja="事前学習済み CTAL の話者照合 EER は，CTAL の事前学習なしのモデル・連結ベースライン・GE2E のいずれよりも"
                  "低い（推定値は三つの差の最大）。",
               paper=(f"EER {paper.RESULTS.loc['CTAL-base', 'EER']:.4f} vs RawNet {paper.RESULTS.loc['RawNet', 'EER']:.4f}, "
                      f"GE2E {paper.RESULTS.loc['GE2E', 'EER']:.4f}",
                      f"CTAL の EER {paper.RESULTS.loc['CTAL-base', 'EER']:.4f}，"
                      f"RawNet {paper.RESULTS.loc['RawNet', 'EER']:.4f}，"
                      f"GE2E {paper.RESULTS.loc['GE2E', 'EER']:.4f}"),
               source=("Li+ 2021, Table 3", "Li+ 2021 表 3"),
               ours=(f"CTAL {pre_['EER']:.3f}; " + ", ".join(f"{_label(v, 'en')} {ours.loc[v, 'EER']:.3f}" for v in rivals),
                     f"CTAL {pre_['EER']:.3f}；" + "，".join(f"{_label(v, 'ja')} {ours.loc[v, 'EER']:.3f}" for v in rivals)),
               numbers={"ctal": pre_["EER"], **{v: ours.loc[v, "EER"] for v in rivals}})
    ratio = {k: recon[k].value for k in ("ctal", "causal")}
    claims.add("ctal.streams-beat-trivial-reconstruction", kind="check", estimate=recon["streams"],
               region=REGIONS["streams"],
               en="Both the bidirectional and the causal audio stream reconstruct masked frames better than the better "
                  "trivial predictor (the estimate: the larger of their two L1 ratios to it).",
               ja="双方向・因果マスクの音声ストリームはどちらも，良い方の自明な予測よりマスクしたフレームをよく復元する"
                  "（推定値は両者の L1 の比の大きい方）。",
               paper=("(a positive control)", "（陽性対照）"), source=("this chapter", "本章"),
               ours=(f"L1 ratio to the better trivial predictor: bidirectional {ratio['ctal']:.3f}, causal "
                     f"{ratio['causal']:.3f}",
                     f"良い方の自明な予測との L1 の比：双方向 {ratio['ctal']:.3f}，因果マスク {ratio['causal']:.3f}"),
               numbers={"bidirectional": ratio["ctal"], "causal": ratio["causal"]})
    k = len(recon_seeds)
    claims.add("ctal.bidirectional-beats-causal", kind="check", estimate=recon["bidirectional/causal"],
               region=REGIONS["bidirectional/causal"],
               en=f"The bidirectional audio stream reconstructs masked frames better than the causal one (L1 ratio "
                  f"below 1, over {k} pre-training seed{'s' if k != 1 else ''}). The paper's text removes the mask; "
                  f"its released code keeps it: a check of that choice, not a result the paper reports.",
               ja=f"双方向の音声ストリームは因果マスク付きよりマスクしたフレームをよく復元する（L1 の比が 1 未満，事前学習"
                  f"シード {k} 個）。論文本文はマスクを外し，公開コードは掛けたまま："
                  "論文の報告する結果ではなく，その選択の確認。",
               paper=("the paper's text: no causal mask (its released code applies one)",
                      "論文本文では因果マスクなし（公開コードでは因果マスクを掛けている）"),
               source=("Li+ 2021, Sec. 3.1.2; talk slide 21", "Li+ 2021 §3.1.2，講演スライド 21"),
               ours=(f"L1 {l1.loc['ctal'].mean():.4f} bidirectional vs {l1.loc['causal'].mean():.4f} causal",
                     f"L1：双方向 {l1.loc['ctal'].mean():.4f}，因果マスク {l1.loc['causal'].mean():.4f}"),
               numbers={"bidirectional": l1.loc["ctal"].mean(), "causal": l1.loc["causal"].mean(),
                        "ratio": recon["bidirectional/causal"].value})
    return {"text": text_ok, "audio": audio_ok, "verification": ge2e_ok}


def _label(variant: str, lang: str) -> str:
    from .figures import variant_label  # (figures imports torch and matplotlib: only when a claim is written)

    return variant_label(variant, lang)
