"""CTAL's acoustic input: 80 log-mel bands + their deltas = 160 numbers per 10 ms frame.

As in the paper's released preprocessing: 16 kHz audio, mel power spectrogram with n_fft 400
(25 ms) and hop 160 (10 ms), log(x + 1e-6), deltas from librosa, then each of the 160 dimensions
normalised to zero mean and unit variance over the utterance.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .synth import SAMPLE_RATE


@dataclass(frozen=True)
class FeatureConfig:
    sample_rate: int = SAMPLE_RATE
    n_mels: int = 80
    n_fft: int = 400
    hop_length: int = 160
    log_floor: float = 1e-6
    delta_width: int = 9  # librosa's default
    normalise: bool = True

    @property
    def dim(self) -> int:
        return 2 * self.n_mels

    def as_dict(self) -> dict:
        return asdict(self)


def log_mel(y: np.ndarray, cfg: FeatureConfig = FeatureConfig()) -> np.ndarray:
    """(n_mels, frames) log mel power spectrogram."""
    import librosa

    mel = librosa.feature.melspectrogram(y=y, sr=cfg.sample_rate, n_fft=cfg.n_fft,
                                         hop_length=cfg.hop_length, n_mels=cfg.n_mels)
    return np.log(mel + cfg.log_floor)


def extract(y: np.ndarray, cfg: FeatureConfig = FeatureConfig()) -> np.ndarray:
    """(frames, 160) float32 features of a 16 kHz waveform."""
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
    if cfg.normalise:
        feat = (feat - feat.mean(axis=1, keepdims=True)) / (feat.std(axis=1, keepdims=True) + 1e-8)
    return np.ascontiguousarray(feat.T, dtype=np.float32)


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
