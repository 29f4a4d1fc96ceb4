"""Cheap linear probes of what the synthetic data carries, before any neural model is trained.

Each utterance becomes one vector of pooled statistics over its frames (per dimension: mean, standard
deviation, 10th/50th/90th percentiles, plus the log duration); a logistic regression on these, or
the cosine similarity between them, tells how far a linear reader gets. Under per-utterance
normalisation the mean and standard deviation are 0 and 1 by construction, so only the shape of the
distribution and the duration are left — which is the point of the comparison in the chapter. Text is
read as a bag of words. These are ceilings for nothing and baselines for nothing: they check that the
cues the data was designed to carry are there, and which normalisation keeps them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import EMOTION_AROUSAL, EMOTION_POLARITY, SpeechSet
from .tasks import equal_error_rate, pair_scores

HOP_SECONDS = 0.01


def pooled(feats: list[np.ndarray]) -> np.ndarray:
    """(utterances, 5 × dims + 1): mean, std, 10/50/90th percentiles per dimension, log seconds."""
    rows = []
    for f in feats:
        q = np.percentile(f, [10, 50, 90], axis=0)
        rows.append(np.concatenate([f.mean(0), f.std(0), q.ravel(), [np.log(len(f) * HOP_SECONDS)]]))
    return np.asarray(rows, dtype=np.float64)


def _lr(c: float = 0.1):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=3000))


def _text(texts_train, texts_test):
    from sklearn.feature_extraction.text import CountVectorizer

    vec = CountVectorizer(binary=True).fit(texts_train)
    return vec.transform(texts_train).toarray(), vec.transform(texts_test).toarray()


def _group_cv(ds: SpeechSet, y: np.ndarray, inputs: str, folds: int | None = None) -> float:
    """Accuracy over speaker-group folds (each group is the test set once), as the fine-tuning does."""
    groups = ds.table.group.to_numpy()
    audio = pooled(ds.features) if inputs != "text" else None
    correct = total = 0
    for g in sorted(np.unique(groups))[: folds or None]:
        te = groups == g
        parts_tr, parts_te = [], []
        if inputs != "text":
            parts_tr.append(audio[~te]), parts_te.append(audio[te])
        if inputs != "audio":
            a, b = _text(ds.table.text[~te], ds.table.text[te])
            parts_tr.append(a), parts_te.append(b)
        clf = _lr().fit(np.hstack(parts_tr), y[~te])
        correct += int((clf.predict(np.hstack(parts_te)) == y[te]).sum())
        total += int(te.sum())
    return correct / total


def speaker_eer(ds: SpeechSet) -> float:
    """EER of cosine similarity between standardised pooled vectors of held-out speakers' utterances
    (the standardisation fitted on the seen speakers' utterances)."""
    from sklearn.preprocessing import StandardScaler

    x = pooled(ds.features)
    te = (ds.table.split == "test").to_numpy()
    z = StandardScaler().fit(x[~te]).transform(x[te])
    same, cos = pair_scores(z, ds.table.speaker_id.to_numpy()[te])
    return equal_error_rate(same, cos)


def emotion_probes(ds: SpeechSet, folds: int | None = None) -> dict[str, float]:
    """Group-CV accuracies: 4 emotions from audio / text / both; the 3 arousal levels from audio; the
    valence (the text's polarity) from text."""
    emo = ds.table.label.to_numpy()
    arousal = ds.table.emotion.map(EMOTION_AROUSAL).to_numpy()
    valence = ds.table.emotion.map(EMOTION_POLARITY).to_numpy()
    return {"emotion (audio)": _group_cv(ds, emo, "audio", folds),
            "emotion (text)": _group_cv(ds, emo, "text", folds),
            "emotion (audio + text)": _group_cv(ds, emo, "both", folds),
            "arousal (audio)": _group_cv(ds, arousal, "audio", folds),
            "valence (text)": _group_cv(ds, valence, "text", folds)}


def intensity_accuracy(ds: SpeechSet) -> float:
    """Sentiment set: the intensity (1–3, only in the voice) from audio, train → test split."""
    x = pooled(ds.features)
    tr = (ds.table.split == "train").to_numpy()
    y = ds.table.intensity.to_numpy()
    return float((_lr().fit(x[tr], y[tr]).predict(x[~tr]) == y[~tr]).mean())


def chance(ds_emotion: SpeechSet) -> dict[str, float]:
    """Majority-class rates, for the table's scale."""
    emo = ds_emotion.table.emotion
    majority = emo.value_counts(normalize=True).max()
    return {"emotion (audio)": majority, "emotion (text)": majority, "emotion (audio + text)": majority,
            "arousal (audio)": emo.map(EMOTION_AROUSAL).value_counts(normalize=True).max(),
            "valence (text)": emo.map(EMOTION_POLARITY).value_counts(normalize=True).max()}


def probe_table(by_normalisation: dict[str, dict[str, SpeechSet]], folds: int | None = None) -> pd.DataFrame:
    """Rows: probes (emotion/arousal accuracies, intensity accuracy, speaker EER); columns: normalisations."""
    out = {}
    for how, sets in by_normalisation.items():
        col = emotion_probes(sets["emotion"], folds)
        col["intensity (audio)"] = intensity_accuracy(sets["sentiment"])
        col["speaker EER (audio)"] = speaker_eer(sets["speaker"])
        out[how] = col
    df = pd.DataFrame(out)
    first = next(iter(by_normalisation.values()))  # labels are the same under every normalisation
    ch = chance(first["emotion"])
    inten = first["sentiment"].table
    ch["intensity (audio)"] = inten.intensity[inten.split == "test"].value_counts(normalize=True).max()
    ch["speaker EER (audio)"] = 0.5
    df["chance"] = pd.Series(ch)
    return df


def sentence_vectors(text_model, texts, batch_size: int = 64) -> np.ndarray:
    """Mean of the encoder's final hidden states over each text's tokens (the frozen model, no training)."""
    import torch

    enc_model = text_model.encoder.eval()
    out = []
    with torch.no_grad():
        for s in range(0, len(texts), batch_size):
            enc = text_model.tokenizer(list(texts[s:s + batch_size]), padding=True, truncation=True, max_length=64,
                                       return_tensors="pt")
            h = enc_model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
            m = enc["attention_mask"].unsqueeze(-1).to(h.dtype)
            out.append(((h * m).sum(1) / m.sum(1)).numpy())
    return np.concatenate(out).astype(np.float64)


def text_model_probe(text_models: dict, emotion: SpeechSet, sentiment: SpeechSet, folds: int | None = None, *,
                     return_items: bool = False) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """How much of the tasks' text each candidate language stream already holds, frozen: a logistic
    regression on its sentence vectors (columns) beside the bag of words, for the four emotions and
    the valence (speaker-group folds, as the fine-tuning) and the sentiment sign (train → test).
    ``return_items``: also each test item's outcome (columns probe, task, item: its position in the
    emotion or sentiment set, correct), for paired comparisons with the fine-tuned models."""
    emo, val = emotion.table.label.to_numpy(), emotion.table.emotion.map(EMOTION_POLARITY).to_numpy()
    groups = emotion.table.group.to_numpy()
    tr = (sentiment.table.split == "train").to_numpy()
    sign = (sentiment.table.score > 0).to_numpy()
    rows = []

    def cv(x, y, name, task):
        where, right = [], []
        for g in sorted(np.unique(groups))[: folds or None]:
            te = groups == g
            where.append(np.flatnonzero(te))
            right.append(_lr(1.0).fit(x[~te], y[~te]).predict(x[te]) == y[te])
        rows.append(pd.DataFrame({"probe": name, "task": task, "item": np.concatenate(where),
                                  "correct": np.concatenate(right).astype(np.int8)}))
        return float(np.concatenate(right).mean())

    def split(x, y, name, task):
        right = _lr(1.0).fit(x[tr], y[tr]).predict(x[~tr]) == y[~tr]
        rows.append(pd.DataFrame({"probe": name, "task": task, "item": np.flatnonzero(~tr),
                                  "correct": right.astype(np.int8)}))
        return float(right.mean())

    feats = {}
    for name, tm in text_models.items():
        feats[name] = (sentence_vectors(tm, list(emotion.table.text)), sentence_vectors(tm, list(sentiment.table.text)))
    from sklearn.feature_extraction.text import CountVectorizer

    vec = CountVectorizer(binary=True).fit(list(emotion.table.text) + list(sentiment.table.text[tr]))
    feats["bag of words"] = (vec.transform(emotion.table.text).toarray(), vec.transform(sentiment.table.text).toarray())
    out = {}
    for name, (xe, xs) in feats.items():
        out[name] = {"emotion (4)": cv(xe, emo, name, "emotion (4)"), "valence": cv(xe, val, name, "valence"),
                     "sentiment sign": split(xs, sign, name, "sentiment sign")}
    table = pd.DataFrame(out)
    return (table, pd.concat(rows, ignore_index=True)) if return_items else table
