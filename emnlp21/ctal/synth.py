"""Speech synthesis with Debian's espeak-ng and flite, driven through subprocess.

A *speaker* is a fixed voice (engine, voice, variant, base pitch, base rate); a *prosody* is a set
of factors relative to that speaker (pitch, rate, pitch range, loudness, pauses between words). The engines
are deterministic, so the same (text, speaker, prosody) always gives the same waveform; all the
randomness (jitter, choices) lives in the caller's seeded generator.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

SAMPLE_RATE = 16_000
ENGINES = ("espeak-ng", "flite")
# espeak-ng's own English voices (no MBROLA data needed) and its variants (timbre, formants).
ESPEAK_VOICES = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029")
ESPEAK_VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5", "klatt", "klatt2")
FLITE_VOICES = ("slt", "awb", "rms", "kal16")
_FLITE_F0_STD = 20.0  # flite's default F0 standard deviation in Hz, scaled by prosody.range


class SynthesisError(RuntimeError):
    """A synthesiser is missing or failed; the message says what to install or check."""


@dataclass(frozen=True)
class Speaker:
    engine: str  # "espeak-ng" or "flite"
    voice: str
    variant: str = ""  # espeak-ng only
    pitch: float = 50.0  # espeak-ng: -p (0-99); flite: mean F0 in Hz
    rate: float = 175.0  # espeak-ng: words per minute; flite: 175 means its default speed

    @property
    def name(self) -> str:
        v = f"{self.voice}+{self.variant}" if self.variant else self.voice
        return f"{self.engine}:{v}:p{self.pitch:g}:r{self.rate:g}"


@dataclass(frozen=True)
class Prosody:
    """Factors relative to the speaker's own voice: 1.0 everywhere is the speaker's neutral reading."""

    pitch: float = 1.0
    rate: float = 1.0
    range: float = 1.0  # pitch range (intonation excursion)
    gap: int = 0  # extra pause between words, in units of 10 ms (espeak-ng only: flite has no such setting)
    volume: float = 1.0  # amplitude factor on the waveform (both engines): 2.0 is +6 dB

    def jittered(self, rng: np.random.Generator, scale: float) -> "Prosody":
        """Each factor times exp(N(0, scale)): the same emotion never sounds exactly the same."""
        f = np.exp(rng.normal(0.0, scale, size=4))
        return Prosody(pitch=round(self.pitch * f[0], 3), rate=round(self.rate * f[1], 3),
                       range=round(self.range * f[2], 3), gap=self.gap, volume=round(self.volume * f[3], 3))


def require_engines() -> None:
    missing = [e for e in ENGINES if shutil.which(e) is None]
    if missing:
        raise SynthesisError(
            f"Speech synthesis needs {', '.join(missing)}, which is not installed. On Debian/Ubuntu: "
            f"`sudo apt-get install -y espeak-ng flite` (the Makefile's `system-packages` target)."
        )


def engine_versions() -> str:
    """Part of every cache key: a new synthesiser release may change the audio."""
    require_engines()
    es = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.strip()
    fl = subprocess.run(["flite", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{es} | {fl}"


def _espeak(text: str, speaker: Speaker, prosody: Prosody) -> tuple[np.ndarray, int]:
    import soundfile as sf

    voice = f"{speaker.voice}+{speaker.variant}" if speaker.variant else speaker.voice
    pitch = int(np.clip(round(speaker.pitch * prosody.pitch), 0, 99))
    rate = int(np.clip(round(speaker.rate * prosody.rate), 80, 450))
    ssml = f'<speak><prosody range="{round(100 * prosody.range)}%">{escape(text)}</prosody></speak>'
    cmd = ["espeak-ng", "-m", "-z", "-v", voice, "-p", str(pitch), "-s", str(rate), "-g", str(prosody.gap),
           "--stdout", ssml]
    out = subprocess.run(cmd, capture_output=True, timeout=60)
    if out.returncode != 0 or not out.stdout:
        raise SynthesisError(f"espeak-ng failed for voice {voice!r}: {out.stderr.decode(errors='replace')}")
    y, sr = sf.read(io.BytesIO(out.stdout), dtype="float32")
    return y, sr


def _flite(text: str, speaker: Speaker, prosody: Prosody) -> tuple[np.ndarray, int]:
    import soundfile as sf

    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "out.wav"
        cmd = ["flite", "-voice", speaker.voice,
               "--setf", f"int_f0_target_mean={speaker.pitch * prosody.pitch:.2f}",
               "--setf", f"int_f0_target_stddev={_FLITE_F0_STD * prosody.range:.2f}",
               "--setf", f"duration_stretch={(175.0 / speaker.rate) / prosody.rate:.3f}",
               "-t", text, "-o", str(wav)]
        out = subprocess.run(cmd, capture_output=True, timeout=60)
        if out.returncode != 0 or not wav.is_file():
            raise SynthesisError(f"flite failed for voice {speaker.voice!r}: {out.stderr.decode(errors='replace')}")
        y, sr = sf.read(wav, dtype="float32")
    return y, sr


def synthesise(text: str, speaker: Speaker, prosody: Prosody = Prosody()) -> np.ndarray:
    """The waveform of ``text`` read by ``speaker`` with ``prosody``: float32, mono, 16 kHz."""
    import librosa

    if not text.strip():
        raise ValueError("synthesise() needs a non-empty text.")
    if speaker.engine == "espeak-ng":
        y, sr = _espeak(text, speaker, prosody)
    elif speaker.engine == "flite":
        y, sr = _flite(text, speaker, prosody)
    else:
        raise ValueError(f"unknown engine {speaker.engine!r}; use one of {ENGINES}")
    if sr != SAMPLE_RATE:
        y = librosa.resample(y, orig_sr=sr, target_sr=SAMPLE_RATE, res_type="soxr_hq")
    y, _ = librosa.effects.trim(y, top_db=40)  # both engines pad with silence of their own length
    return np.ascontiguousarray(y * prosody.volume, dtype=np.float32)  # trim is relative to the peak: gain-free


def make_speakers(n: int, seed: int) -> list[Speaker]:
    """``n`` distinct speakers: voice × variant × pitch offset × rate, drawn without repetition.

    About one in six is a flite voice (its own acoustic models), the rest espeak-ng voices with a
    variant (different formants and timbre); each gets a base pitch and speaking rate of its own.
    """
    rng = np.random.default_rng(seed)
    seen: dict[tuple, Speaker] = {}
    while len(seen) < n:
        if rng.random() < 1 / 6:
            voice = str(rng.choice(FLITE_VOICES))
            base = 170.0 if voice == "slt" else 105.0
            s = Speaker("flite", voice, "", pitch=float(round(base * rng.choice([0.85, 1.0, 1.15]))),
                        rate=float(rng.choice([150, 175, 200])))
            key = (s.engine, s.voice, s.pitch)
        else:
            s = Speaker("espeak-ng", str(rng.choice(ESPEAK_VOICES)), str(rng.choice(ESPEAK_VARIANTS)),
                        pitch=float(rng.choice([30, 40, 50, 60, 70])), rate=float(rng.choice([150, 170, 190])))
            key = (s.engine, s.voice, s.variant, s.pitch)
        seen.setdefault(key, s)
    return list(seen.values())


def describe(speaker: Speaker) -> dict:
    return asdict(speaker)
