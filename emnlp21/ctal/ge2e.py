"""GE2E (Wan+ 2018), the paper's Table 3 speaker-verification baseline, from a pre-trained encoder.

The PyPI package ``resemblyzer`` (Apache-2.0) ships a GE2E speaker encoder trained on thousands of
real speakers (LibriSpeech, VoxCeleb; weights inside the wheel): a 3-layer LSTM over 40-band mel
frames of 1.6 s windows, whose final state is projected to 256 dimensions, rectified and normalised;
an utterance's embedding is the normalised mean over overlapping windows. We rebuild that module here
and load the wheel's state dict with ``weights_only=True`` (its own loader unpickles freely), and reuse
the package's preprocessing (volume normalisation, WebRTC-VAD silence trimming, mel spectrogram).
It is never fine-tuned: it shows where a real speaker encoder lands on our synthetic voices.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..core.cache import digest, read_or_build
from ..core.paths import cache_dir

GE2E_VERSION = "ctal-ge2e-1"


def weights_path() -> Path:
    try:
        import resemblyzer
    except ImportError as e:
        raise ImportError("The GE2E baseline needs the PyPI package resemblyzer: `pip install --no-deps resemblyzer "
                          "webrtcvad-wheels` (requirements-nodeps.txt; its declared webrtcvad builds from source).") from e
    path = Path(resemblyzer.__file__).parent / "pretrained.pt"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; reinstall resemblyzer.")
    return path


def weights_hash() -> str:
    return hashlib.sha256(weights_path().read_bytes()).hexdigest()[:16]


class GE2E(nn.Module):
    def __init__(self):
        super().__init__()
        from resemblyzer import hparams as hp

        self.lstm = nn.LSTM(hp.mel_n_channels, hp.model_hidden_size, hp.model_num_layers, batch_first=True)
        self.linear = nn.Linear(hp.model_hidden_size, hp.model_embedding_size)

    def forward(self, mels: torch.Tensor) -> torch.Tensor:
        _, (hidden, _) = self.lstm(mels)
        e = torch.relu(self.linear(hidden[-1]))
        return e / e.norm(dim=1, keepdim=True).clamp_min(1e-12)


def load_encoder() -> GE2E:
    model = GE2E()
    state = torch.load(weights_path(), map_location="cpu", weights_only=True)["model_state"]
    # the GE2E loss's scale and bias (w, b of the similarity matrix) are training-only: not part of the encoder
    state = {k: v for k, v in state.items() if not k.startswith("similarity_")}
    model.load_state_dict(state)  # strict: every weight of the module comes from the wheel
    return model.eval()


@torch.no_grad()
def embed(model: GE2E, wavs: list[np.ndarray], sample_rate: int = 16_000) -> np.ndarray:
    """(utterances, 256) unit-norm embeddings; deterministic (no randomness anywhere)."""
    from resemblyzer import VoiceEncoder, preprocess_wav, wav_to_mel_spectrogram

    out = []
    for wav in wavs:
        if len(wav) < sample_rate // 10:
            raise ValueError(f"an utterance of {len(wav)} samples is too short for GE2E (at least 0.1 s)")
        w = preprocess_wav(np.asarray(wav, np.float32), source_sr=sample_rate)
        w = w if len(w) else np.asarray(wav, np.float32)  # the VAD trimmed everything: keep the input
        wav_slices, mel_slices = VoiceEncoder.compute_partial_slices(len(w), rate=1.3, min_coverage=0.75)
        w = np.pad(w, (0, max(0, wav_slices[-1].stop - len(w))))
        mel = wav_to_mel_spectrogram(w)
        partial = model(torch.from_numpy(np.stack([mel[s] for s in mel_slices])))
        e = partial.mean(0).numpy()
        out.append(e / np.linalg.norm(e))
    return np.asarray(out, dtype=np.float32)


def cached_embeddings(name: str, key: str, wavs_fn) -> np.ndarray:
    """GE2E embeddings of a set, cached by ``key`` (the set's synthesis/feature key) and the weights' hash;
    ``wavs_fn()`` gives the waveforms only on a miss (synthesis is the costly part)."""
    tag = digest(json.dumps([GE2E_VERSION, key, weights_hash()]))

    def dump(emb: np.ndarray) -> bytes:
        buf = io.BytesIO()
        np.save(buf, emb, allow_pickle=False)
        return buf.getvalue()

    emb, _ = read_or_build(cache_dir("ctal", "ge2e") / f"{name}-{tag}.npy",
                           load=lambda path: np.load(path, allow_pickle=False),
                           build=lambda: embed(load_encoder(), wavs_fn()), dump=dump)
    return emb
