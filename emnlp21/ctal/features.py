"""CTAL's acoustic input: 80 log-mel bands + their deltas = 160 numbers per 10 ms frame.

As in the paper's released preprocessing: 16 kHz audio, mel power spectrogram with n_fft 400
(25 ms) and hop 160 (10 ms), log(x + 1e-6), deltas from librosa.

**Normalisation — a deliberate departure.** The released code normalises each of the 160
dimensions to zero mean and unit variance *over each utterance* (:func:`per_utterance`). That
removes, per utterance, the average spectrum (a speaker's timbre and pitch level), the overall
level (loudness) and the dynamic range of every band — which is exactly where our synthetic
speakers and emotions differ (see :mod:`.data`). We therefore extract un-normalised features and
normalise every dimension with one mean and standard deviation *for the whole data set*, fitted on
the pre-training utterances (:class:`Normaliser`) and applied unchanged to every other set and to
the real clips. The chapter measures the difference with a pooled-feature probe (:mod:`.probe`).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .synth import SAMPLE_RATE


@dataclass(frozen=True)
class FeatureConfig:
    """How raw (un-normalised) features are extracted; normalisation is a separate, later step."""

    sample_rate: int = SAMPLE_RATE
    n_mels: int = 80
    n_fft: int = 400
    hop_length: int = 160
    log_floor: float = 1e-6
    delta_width: int = 9  # librosa's default

    @property
    def dim(self) -> int:
        return 2 * self.n_mels

    def as_dict(self) -> dict:
        return asdict(self)


def one_blas_thread():
    """A context in which NumPy's BLAS runs on one thread. With more, the mel filterbank's sums are
    split by how many threads happen to be free, and one utterance gets features that differ in the
    last bit, hence other cache keys and other numbers downstream, depending on who computed them."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1, user_api="blas")


def log_mel(y: np.ndarray, cfg: FeatureConfig = FeatureConfig()) -> np.ndarray:
    """(n_mels, frames) log mel power spectrogram."""
    import librosa

    mel = librosa.feature.melspectrogram(y=y, sr=cfg.sample_rate, n_fft=cfg.n_fft,
                                         hop_length=cfg.hop_length, n_mels=cfg.n_mels)
    return np.log(mel + cfg.log_floor)


def extract(y: np.ndarray, cfg: FeatureConfig = FeatureConfig()) -> np.ndarray:
    """(frames, 160) float32 raw features (log-mel, deltas) of a 16 kHz waveform; not normalised."""
    import librosa

    y = np.asarray(y, dtype=np.float32)
    if y.ndim != 1:
        raise ValueError(f"extract() needs a mono waveform (1-D array), got shape {y.shape}.")
    min_len = cfg.n_fft
    if len(y) < min_len:
        raise ValueError(f"waveform too short: {len(y)} samples; need at least {min_len} "
                         f"({1000 * min_len / cfg.sample_rate:.0f} ms at {cfg.sample_rate} Hz).")
    mel = log_mel(y, cfg)
    frames = mel.shape[1]
    width = cfg.delta_width if frames >= cfg.delta_width else max(3, frames - (1 - frames % 2))
    delta = librosa.feature.delta(mel, width=width)  # odd width <= frames, as librosa requires
    feat = np.concatenate([mel, delta], axis=0)
    return np.ascontiguousarray(feat.T, dtype=np.float32)


def per_utterance(feat: np.ndarray) -> np.ndarray:
    """The released code's normalisation: each dimension to zero mean, unit variance over one utterance."""
    feat = np.asarray(feat, dtype=np.float32)
    return ((feat - feat.mean(axis=0)) / (feat.std(axis=0) + 1e-8)).astype(np.float32)


@dataclass(frozen=True)
class Normaliser:
    """Dataset-level normalisation: one mean and standard deviation per dimension, over all frames of
    the utterances it was fitted on (ours: the pre-training set), applied unchanged to any utterance."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, feats: list[np.ndarray]) -> "Normaliser":
        if not feats:
            raise ValueError("Normaliser.fit() needs at least one utterance.")
        n = sum(len(f) for f in feats)
        total = sum(f.sum(axis=0, dtype=np.float64) for f in feats)
        mean = total / n
        var = sum(((f - mean) ** 2).sum(axis=0, dtype=np.float64) for f in feats) / n
        return cls(mean.astype(np.float32), np.sqrt(var).clip(1e-6).astype(np.float32))

    def __call__(self, feat: np.ndarray) -> np.ndarray:
        return ((np.asarray(feat, dtype=np.float32) - self.mean) / self.std).astype(np.float32)

    @property
    def key(self) -> str:
        """A hash of the statistics: part of the key of anything computed from normalised features."""
        return hashlib.sha256(self.mean.tobytes() + self.std.tobytes()).hexdigest()[:16]


def load_audio(path: str | Path, cfg: FeatureConfig = FeatureConfig()) -> np.ndarray:
    """A recording as float32 mono at the feature rate (``.raw`` files: 16-bit 16 kHz PCM)."""
    import librosa
    import soundfile as sf

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no audio file at {path}")
    if path.suffix == ".raw":
        y = np.fromfile(path, dtype="<i2").astype(np.float32) / 32768.0
        sr = 16_000
    else:
        y, sr = sf.read(path, dtype="float32", always_2d=True)
        y = y.mean(axis=1)
    if sr != cfg.sample_rate:
        y = librosa.resample(y, orig_sr=sr, target_sr=cfg.sample_rate, res_type="soxr_hq")
    return y
