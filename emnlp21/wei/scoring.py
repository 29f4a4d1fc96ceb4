"""Scoring at the masked verb, training-count annotations, and the item-memorising baselines."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..pretraining.evaluate import mask_logits, whole_word_ids
from .counts import WordCounts
from .words import VerbPair


def keep_scorable(pairs: Sequence[VerbPair], tokenizer) -> list[VerbPair]:
    ids = whole_word_ids(tokenizer, [f for p in pairs for f in (p.singular, p.plural)])
    return [p for p in pairs if p.singular in ids and p.plural in ids]


def score_nonce(sentences: pd.DataFrame, pairs: Sequence[VerbPair], pretrained, **kw) -> pd.DataFrame:
    """Every nonce sentence × every verb pair: the model fills the slot with each pair's two forms.
    One forward pass per sentence serves all verbs (the verb slot is masked)."""
    ids = whole_word_ids(pretrained.tokenizer, [f for p in pairs for f in (p.singular, p.plural)])
    pairs = [p for p in pairs if p.singular in ids and p.plural in ids]
    cand = [ids[p.singular] for p in pairs] + [ids[p.plural] for p in pairs]
    logits = mask_logits(pretrained, sentences["masked"].tolist(), cand, **kw)
    k = len(pairs)
    sg_minus_pl = logits[:, :k] - logits[:, k:]  # [N, K]
    sign = np.where(sentences["number"].to_numpy() == "sg", 1.0, -1.0)[:, None]
    margin = sign * sg_minus_pl
    n = len(sentences)
    rep = np.repeat(np.arange(n), k)
    out = sentences.iloc[rep].reset_index(drop=True)
    sg = np.tile([p.singular for p in pairs], n)
    pl = np.tile([p.plural for p in pairs], n)
    is_sg = out["number"].to_numpy() == "sg"
    out["singular"], out["plural"] = sg, pl
    out["correct"] = np.where(is_sg, sg, pl)
    out["wrong"] = np.where(is_sg, pl, sg)
    out["margin"] = margin.ravel()
    out["error"] = (out["margin"] <= 0).astype(float)
    out["condition"] = "nonce"
    return out


def add_training_counts(items: pd.DataFrame, counts: WordCounts) -> pd.DataFrame:
    """Training counts behind each item: of the correct and the wrong form (``count_correct``,
    ``count_wrong``) and of sentences holding the subject with each form (``pair_correct``,
    ``pair_wrong``). ``seen``: the subject shared a training sentence with *either* form, the paper's
    definition (Wei+ 2021, Table 2: argmax P(SV) is exactly 50.0 on unseen pairs, so there it has no
    count of either form to choose by)."""
    out = items.copy()
    forms = sorted(set(out["correct"]) | set(out["wrong"]))
    subjects = sorted(set(out["subject"]))
    f_idx = {f: j for j, f in enumerate(forms)}
    s_idx = {s: i for i, s in enumerate(subjects)}
    totals = counts.counts(forms)
    co = counts.cooccurrence(subjects, forms)
    si = out["subject"].map(s_idx).to_numpy()
    ci, wi = out["correct"].map(f_idx).to_numpy(), out["wrong"].map(f_idx).to_numpy()
    out["count_correct"], out["count_wrong"] = totals[ci], totals[wi]
    out["pair_correct"], out["pair_wrong"] = co[si, ci], co[si, wi]
    out["seen"] = (out["pair_correct"] + out["pair_wrong"]) >= 1
    return out


def argmax_error(correct_counts, wrong_counts) -> np.ndarray:
    """Error of a learner that picks the form with the larger count: 0 if the correct one is larger,
    1 if the wrong one is, 0.5 on a tie (a coin flip, e.g. both unseen)."""
    c, w = np.asarray(correct_counts), np.asarray(wrong_counts)
    return np.where(c > w, 0.0, np.where(c < w, 1.0, 0.5))


def add_baselines(items: pd.DataFrame) -> pd.DataFrame:
    """``argmax_v``: argmax over the two forms of P(V) (the verb's count alone);
    ``argmax_sv``: of P(S, V) (the count of the subject with that form) — Wei+ 2021, Table 2."""
    out = items.copy()
    out["argmax_v"] = argmax_error(out["count_correct"], out["count_wrong"])
    out["argmax_sv"] = argmax_error(out["pair_correct"], out["pair_wrong"])
    return out
