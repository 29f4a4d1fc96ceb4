"""The synthetic speech task sets, built from real text and cached as features.

Real text (Pang & Lee polarity snippets, with their real labels) is read aloud by synthetic speakers:

* speakers = voice × variant × pitch × rate (see :func:`synth.make_speakers`); the last
  ``heldout_speakers`` never appear in pre-training or fine-tuning and serve speaker verification;
* emotions (angry / happy / neutral / sad) = an *arousal* level carried only by the voice, over
  text whose polarity gives the *valence*: angry = high arousal + negative text, happy = high
  arousal + positive text, neutral = mid arousal + positive text, sad = low arousal + negative text.
  Angry and happy share one prosody, so the voice alone separates at most three of the four classes
  (ceiling 0.75) and the text alone two (ceiling 0.5): only the two together separate all four;
* sentiment = the snippet's real polarity times an intensity 1–3 carried only by the voice (the same
  three arousal levels: calm / plain / animated): a score in {-3..-1, 1..3} as in CMU-MOSEI.

The arousal levels (:data:`AROUSAL_PROSODY`) are factors relative to each speaker's own voice: high =
higher (×1.3), faster (×1.3), wider intonation (×2.0) and louder (×1.6, +4 dB); low = lower (×0.8),
slower (×0.75), flat (×0.4), softer (×0.63, −4 dB) with 40 ms pauses between words (espeak-ng only).
Each factor is jittered by a log-normal factor (sd ``jitter``) per utterance, and speakers differ in
base pitch (espeak-ng 30–70 of 99; flite ±15 %) and rate (±12 %), so a pitch or rate level alone is
ambiguous between a high-pitched speaker and an aroused one.

The emotion and sentiment sets read only snippets whose polarity is recognisable from their words:
a bag-of-words logistic regression, cross-fitted over the whole corpus (each snippet scored by a
model that never saw it), gives the snippet's own label a probability of at least
``min_text_confidence``. Without this filter a model trained on 150 snippets barely tells the
polarity (a bag-of-words classifier: 0.54 on held-out snippets; with it: about 0.76), and the text
half of the design would carry nothing.

Every table is regenerated from the configuration (cheap, seeded); the raw features (the expensive
part) are cached under ``cache_dir("ctal", "features")`` by a hash of every synthesis setting,
the engines' versions and the feature configuration, written atomically and rebuilt if unreadable.
Normalisation (:class:`features.Normaliser`, fitted on the pre-training set) is applied afterwards
by :func:`normalise_sets`.
"""

from __future__ import annotations

import io
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from ..core.cache import digest, read_or_build
from ..core.paths import cache_dir
from ..core.progress import progress as tqdm
from .features import FeatureConfig, Normaliser, extract, load_audio, one_blas_thread, per_utterance
from .synth import Prosody, Speaker, engine_versions, make_speakers, require_engines, synthesise

DATA_VERSION = "ctal-data-3"  # 3: features on one BLAS thread (bit-identical wherever computed)
EMOTIONS = ("angry", "happy", "neutral", "sad")
# Relative to the speaker's neutral reading (see the module docstring for the design).
AROUSAL_PROSODY = {
    "high": Prosody(pitch=1.30, rate=1.30, range=2.0, gap=0, volume=1.6),
    "mid": Prosody(pitch=1.00, rate=1.00, range=1.0, gap=0, volume=1.0),
    "low": Prosody(pitch=0.80, rate=0.75, range=0.4, gap=4, volume=0.63),
}
EMOTION_AROUSAL = {"angry": "high", "happy": "high", "neutral": "mid", "sad": "low"}
EMOTION_PROSODY = {e: AROUSAL_PROSODY[a] for e, a in EMOTION_AROUSAL.items()}
EMOTION_POLARITY = {"angry": 0, "happy": 1, "neutral": 1, "sad": 0}  # the text's polarity label
INTENSITY_AROUSAL = {1: "low", 2: "mid", 3: "high"}
INTENSITY_PROSODY = {k: AROUSAL_PROSODY[a] for k, a in INTENSITY_AROUSAL.items()}
SET_NAMES = ("pretrain", "emotion", "sentiment", "speaker")


@dataclass(frozen=True)
class DataConfig:
    seed: int = 0
    speakers: int = 24  # seen speakers (pre-training and fine-tuning)
    heldout_speakers: int = 8  # unseen, for verification
    pretrain_utterances: int = 320
    emotion_utterances: int = 200
    emotion_folds: int = 4  # cross-validation over speaker groups (the paper: over IEMOCAP sessions)
    sentiment_utterances: int = 300
    sentiment_test_fraction: float = 0.4
    speaker_train_utterances: int = 8  # per seen speaker, for the speaker-classification fine-tuning
    speaker_test_utterances: int = 8  # per held-out speaker
    jitter: float = 0.12  # sd of the log-normal jitter on each prosody factor
    min_words: int = 4
    max_words: int = 16
    min_text_confidence: float = 0.7  # emotion and sentiment texts: see the module docstring
    features: FeatureConfig = field(default_factory=FeatureConfig)

    def __post_init__(self):
        if self.emotion_folds < 2 or self.speakers < self.emotion_folds:
            raise ValueError(f"need emotion_folds >= 2 and speakers >= emotion_folds, got {self.emotion_folds}, {self.speakers}")
        if self.min_words < 1 or self.max_words < self.min_words:
            raise ValueError(f"need 1 <= min_words <= max_words, got {self.min_words}, {self.max_words}")


@dataclass
class SpeechSet:
    """A task set: one row per utterance (text, speaker, labels, prosody) and its (frames, 160) features."""

    name: str
    table: pd.DataFrame
    features: list[np.ndarray]
    key: str

    def __len__(self) -> int:
        return len(self.table)

    def subset(self, mask) -> "SpeechSet":
        idx = np.flatnonzero(np.asarray(mask))
        return SpeechSet(self.name, self.table.iloc[idx].reset_index(drop=True),
                         [self.features[i] for i in idx], self.key)

    def map(self, fn, tag: str) -> "SpeechSet":
        """The same utterances with ``fn`` applied to each feature matrix; ``tag`` names ``fn`` in the key."""
        key = digest(f"{self.key}|{tag}")
        return SpeechSet(self.name, self.table, [fn(f) for f in self.features], key)

    @property
    def seconds(self) -> float:
        hop = 160 / 16000
        return float(sum(len(f) for f in self.features) * hop)


def speakable(text: str) -> str:
    """Undo the snippets' tokenisation (``film 's``, ``does n't``, `` , ``) so the synthesiser reads naturally."""
    text = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text)
    text = re.sub(r" ([,.;:!?])", r"\1", text)
    return re.sub(r"\s+", " ", text.replace('"', "")).strip()


def text_confidence(df: pd.DataFrame, seed: int = 0, folds: int = 5) -> np.ndarray:
    """For each snippet, the probability of its own polarity label under a bag-of-words logistic
    regression trained on the other ``folds - 1`` folds of ``df`` (cross-fitted: never on itself)."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    x = CountVectorizer(binary=True, min_df=2).fit_transform(df.text)
    y = df.label.to_numpy()
    cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
    p = cross_val_predict(LogisticRegression(C=1.0, max_iter=2000), x, y, cv=cv, method="predict_proba")[:, 1]
    return np.where(y == 1, p, 1 - p)


def text_pools(polarity: pd.DataFrame, cfg: DataConfig) -> dict[str, pd.DataFrame]:
    """Disjoint pools of short snippets: pre-training (also read for speaker verification), emotion,
    sentiment train, sentiment test; a text never crosses from one pool to another. The task pools
    take only snippets with a text confidence of at least ``cfg.min_text_confidence``."""
    if not {"text", "label"} <= set(polarity.columns):
        raise ValueError("polarity must be a DataFrame with columns text and label (corpora.polarity_sentences()).")
    df = polarity.assign(text=polarity.text.map(speakable)).drop_duplicates("text").reset_index(drop=True)
    df = df.assign(confidence=text_confidence(df, cfg.seed))
    words = df.text.str.split().str.len()
    df = df[(words >= cfg.min_words) & (words <= cfg.max_words)]
    df = df.sample(frac=1.0, random_state=cfg.seed).reset_index(drop=True)
    clear = df[df.confidence >= cfg.min_text_confidence]
    n_test = round(cfg.sentiment_utterances * cfg.sentiment_test_fraction)
    sizes = {"emotion": cfg.emotion_utterances, "sentiment_train": cfg.sentiment_utterances - n_test,
             "sentiment_test": n_test}
    half_total = sum((n + 1) // 2 for n in sizes.values())
    have = min((clear.label == 1).sum(), (clear.label == 0).sum())
    if have < half_total or len(df) - 2 * half_total < 50:
        raise ValueError(f"only {have} snippets per polarity with {cfg.min_words}-{cfg.max_words} words and text "
                         f"confidence >= {cfg.min_text_confidence}; the task sets need {half_total}. Raise max_words, "
                         f"lower min_text_confidence or the utterance counts.")
    pools, start, used = {}, 0, []
    for name, n in sizes.items():
        # balanced by polarity so that each pool can serve either label
        pos, neg = clear[clear.label == 1].iloc[start:], clear[clear.label == 0].iloc[start:]
        half = (n + 1) // 2
        pools[name] = pd.concat([pos.iloc[:half], neg.iloc[:half]]).reset_index(drop=True)
        used += list(pools[name].text)
        start += half
    rest = df[~df.text.isin(set(used))]
    pools["pretrain"] = rest.sample(frac=1.0, random_state=cfg.seed).reset_index(drop=True)
    return pools


def _prosody_cols(p: Prosody) -> dict:
    return {f"prosody_{k}": v for k, v in asdict(p).items()}


def plan_sets(polarity: pd.DataFrame, cfg: DataConfig) -> dict[str, pd.DataFrame]:
    """The utterance tables (what to synthesise and the labels), drawn from ``cfg.seed``."""
    rng = np.random.default_rng(cfg.seed)
    speakers = make_speakers(cfg.speakers + cfg.heldout_speakers, cfg.seed)
    seen, heldout = speakers[:cfg.speakers], speakers[cfg.speakers:]
    group = {s.name: i % cfg.emotion_folds for i, s in enumerate(seen)}
    pools = text_pools(polarity, cfg)

    def row(text, speaker: Speaker, prosody: Prosody, **labels):
        return {"text": text, "speaker": speaker.name, "group": group.get(speaker.name, -1),
                **labels, **_prosody_cols(prosody), "_speaker": speaker, "_prosody": prosody}

    def random_prosody():
        return EMOTION_PROSODY[EMOTIONS[rng.integers(len(EMOTIONS))]].jittered(rng, cfg.jitter)

    pre = pools["pretrain"]
    pretrain = [row(pre.text[i % len(pre)], seen[rng.integers(len(seen))], random_prosody())
                for i in range(cfg.pretrain_utterances)]

    emotion, emo_pool = [], pools["emotion"]
    by_pol = {p: list(emo_pool.text[emo_pool.label == p]) for p in (0, 1)}
    for i in range(cfg.emotion_utterances):
        emo = EMOTIONS[i % len(EMOTIONS)]
        texts = by_pol[EMOTION_POLARITY[emo]]
        emotion.append(row(texts[(i // 2) % len(texts)], seen[rng.integers(len(seen))],
                           EMOTION_PROSODY[emo].jittered(rng, cfg.jitter), emotion=emo, label=EMOTIONS.index(emo)))

    sentiment = []
    for split in ("train", "test"):
        pool = pools[f"sentiment_{split}"]
        # test speakers = the last speaker group, never heard in sentiment training
        cands = [s for s in seen if (group[s.name] == cfg.emotion_folds - 1) == (split == "test")]
        for t, pol in zip(pool.text, pool.label):
            level = int(rng.integers(1, 4))
            sentiment.append(row(t, cands[rng.integers(len(cands))], INTENSITY_PROSODY[level].jittered(rng, cfg.jitter),
                                 split=split, polarity=int(pol), intensity=level, score=float((2 * pol - 1) * level)))

    spk = []
    for split, people, n in (("train", seen, cfg.speaker_train_utterances), ("test", heldout, cfg.speaker_test_utterances)):
        for s in people:
            for _ in range(n):
                spk.append(row(pre.text[rng.integers(len(pre))], s, random_prosody(), split=split))
    tables = {"pretrain": pretrain, "emotion": emotion, "sentiment": sentiment, "speaker": spk}
    out = {name: pd.DataFrame(rows) for name, rows in tables.items()}
    ids = {s.name: i for i, s in enumerate(speakers)}
    for df in out.values():
        df["speaker_id"] = df.speaker.map(ids)
    return out


def _set_key(name: str, table: pd.DataFrame, cfg: DataConfig, versions: str) -> str:
    rows = [(t, asdict(s), asdict(p)) for t, s, p in zip(table.text, table._speaker, table._prosody)]
    spec = json.dumps([DATA_VERSION, name, versions, cfg.features.as_dict(), rows], sort_keys=True)
    return digest(spec)


def _load_npz(path) -> list[np.ndarray]:
    with np.load(path) as z:
        flat, offsets = z["features"], z["offsets"]
    return [flat[a:b] for a, b in zip(offsets[:-1], offsets[1:])]


def _dump_npz(feats: list[np.ndarray]) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, features=np.concatenate(feats), offsets=np.cumsum([0] + [len(f) for f in feats]))
    return buf.getvalue()


def utterance_features(text: str, speaker: Speaker, prosody: Prosody, fcfg: FeatureConfig) -> np.ndarray:
    return extract(synthesise(text, speaker, prosody), fcfg)


def synthesise_features(jobs, fcfg: FeatureConfig, *, desc: str = "synthesise", progress: bool = True) -> list[np.ndarray]:
    """Features of (text, speaker, prosody) jobs, in threads (the work is in subprocesses and C code),
    each on one BLAS thread (:func:`.features.one_blas_thread`: bit-identical wherever computed)."""
    with one_blas_thread(), ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        it = pool.map(lambda j: utterance_features(*j, fcfg), jobs)
        return list(tqdm(it, total=len(jobs), desc=desc, unit="utterance", disable=not progress))


def featurise(name: str, table: pd.DataFrame, cfg: DataConfig, *, progress: bool = True) -> SpeechSet:
    """Synthesise and extract features for every row (:func:`synthesise_features`), cached."""
    key = _set_key(name, table, cfg, engine_versions())

    def load(path) -> list[np.ndarray]:
        feats = _load_npz(path)
        if len(feats) != len(table):
            raise ValueError(f"{path} holds {len(feats)} utterances, not {len(table)}")
        return feats

    def synthesise_all() -> list[np.ndarray]:
        return synthesise_features(list(zip(table.text, table._speaker, table._prosody)), cfg.features,
                                   desc=f"synthesise {name}", progress=progress)

    feats, _ = read_or_build(cache_dir("ctal", "features") / f"{name}-{key}.npz", load=load, build=synthesise_all,
                             dump=_dump_npz)
    public = table.drop(columns=["_speaker", "_prosody"])
    return SpeechSet(name, public, feats, key)


def build_sets(polarity: pd.DataFrame, cfg: DataConfig = DataConfig(), *, progress: bool = True) -> dict[str, SpeechSet]:
    """All four sets (pre-training, emotion, sentiment, speaker) with raw features, from the cache when
    it has them. Normalise them with :func:`normalise_sets` before training."""
    require_engines()
    return {name: featurise(name, table, cfg, progress=progress)
            for name, table in plan_sets(polarity, cfg).items()}


NORMALISATIONS = ("dataset", "utterance", "none")


def normalise_sets(sets: dict[str, SpeechSet], how: str = "dataset", fit_on: str = "pretrain"
                   ) -> tuple[dict[str, SpeechSet], Normaliser | None]:
    """``how="dataset"`` (ours): one mean/std per dimension fitted on ``sets[fit_on]``, applied to every
    set; ``"utterance"``: the released code's per-utterance normalisation; ``"none"``: raw features.
    Returns the normalised sets (new keys) and the fitted :class:`Normaliser` (None unless "dataset")."""
    if how not in NORMALISATIONS:
        raise ValueError(f"how must be one of {NORMALISATIONS}, not {how!r}")
    norm = Normaliser.fit(sets[fit_on].features) if how == "dataset" else None
    return {k: normalise_like(s, how, norm) for k, s in sets.items()}, norm


def normalise_like(ds: SpeechSet, how: str, normaliser: Normaliser | None = None) -> SpeechSet:
    """One set normalised as :func:`normalise_sets` did the others (``normaliser``: its fitted statistics)."""
    if how == "none":
        return ds
    if how == "utterance":
        return ds.map(per_utterance, "per-utterance")
    if how != "dataset" or normaliser is None:
        raise ValueError(f"how={how!r} needs how in {NORMALISATIONS} and, for 'dataset', the fitted normaliser")
    return ds.map(normaliser, f"dataset-{normaliser.key}")


REAL_CLIPS = "/usr/share/pocketsphinx/test/data/librivox"
# Two real speakers in Debian's pocketsphinx-testdata: five LibriVox clips of one reader (Sense and
# Sensibility) and five clips of one AN4 (CMU) speaker reading card names: real-speech verification trials.
REAL_SPEAKERS = {"librivox": (REAL_CLIPS, "transcription"),
                 "an4-cards": ("/usr/share/pocketsphinx/test/data/cards", "cards.transcription")}


def real_clips(folder: str = REAL_CLIPS, cfg: FeatureConfig = FeatureConfig(), *, transcription: str = "transcription",
               speaker: str = "librivox") -> SpeechSet | None:
    """The read-speech clips of one folder of Debian's ``pocketsphinx-testdata`` with their transcripts
    and raw features (None when the package is not installed). Normalise them with :func:`normalise_like`
    and the synthetic data's statistics: the model must see them on the scale it was trained on."""
    from pathlib import Path

    root = Path(folder)
    if not (root / transcription).is_file():
        return None
    rows = []
    for line in (root / transcription).read_text().splitlines():
        m = re.match(r"<s>\s*(.*?)\s*</s>\s*\((.+)\)", line.strip())
        if m and (root / f"{m.group(2)}.wav").is_file():
            rows.append({"text": m.group(1), "speaker": speaker, "file": str(root / f"{m.group(2)}.wav")})
    table = pd.DataFrame(rows)
    with one_blas_thread():
        feats = [extract(load_audio(f, cfg), cfg) for f in table.file]
    return SpeechSet("real", table, feats, f"real-{speaker}")


def real_speakers(cfg: FeatureConfig = FeatureConfig()) -> SpeechSet | None:
    """Both real speakers' clips in one set (None unless both folders are there)."""
    parts = [real_clips(folder, cfg, transcription=t, speaker=name) for name, (folder, t) in REAL_SPEAKERS.items()]
    if any(p is None for p in parts):
        return None
    table = pd.concat([p.table for p in parts], ignore_index=True)
    return SpeechSet("real-speakers", table, [f for p in parts for f in p.features], "real-" + "+".join(REAL_SPEAKERS))


def real_waveforms(ds: SpeechSet, cfg: FeatureConfig = FeatureConfig()) -> list[np.ndarray]:
    return [load_audio(f, cfg) for f in ds.table.file]


def waveforms(polarity: pd.DataFrame, cfg: DataConfig, name: str, rows) -> list[np.ndarray]:
    """The synthetic waveforms of ``rows`` (indices) of set ``name``, re-synthesised from the plan
    (deterministic: the same audio whose features the set holds)."""
    table = plan_sets(polarity, cfg)[name].iloc[list(rows)]
    jobs = list(zip(table.text, table._speaker, table._prosody))
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return list(pool.map(lambda j: synthesise(*j), jobs))
