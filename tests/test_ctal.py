"""CTAL chapter: synthesis, features, frame masking, the audio stream's attention, EER."""

import shutil

import numpy as np
import pytest
import torch

from emnlp21.ctal import features, synth, tasks, train
from emnlp21.ctal.model import CTAL, CTALConfig

needs_tts = pytest.mark.skipif(shutil.which("espeak-ng") is None or shutil.which("flite") is None,
                               reason="espeak-ng and flite are system packages (apt-get install espeak-ng flite)")
TEXT = "the film is a gentle and warm story about two old friends"


@needs_tts
@pytest.mark.parametrize("engine,voice,variant", [("espeak-ng", "en-us", "f2"), ("flite", "slt", "")])
def test_synthesis_is_deterministic_and_has_speech_length(engine, voice, variant):
    spk = synth.Speaker(engine, voice, variant, pitch=50 if engine == "espeak-ng" else 170, rate=175)
    p = synth.Prosody().jittered(np.random.default_rng(0), 0.1)
    a, b = synth.synthesise(TEXT, spk, p), synth.synthesise(TEXT, spk, p)
    assert np.array_equal(a, b)
    seconds = len(a) / synth.SAMPLE_RATE
    expected = len(TEXT.split()) / (175 * p.rate / 60)  # words / words-per-second
    assert 0.6 * expected < seconds < 1.6 * expected
    slow = synth.synthesise(TEXT, spk, synth.Prosody(rate=0.6))
    assert len(slow) > 1.3 * len(synth.synthesise(TEXT, spk, synth.Prosody(rate=1.0)))


def test_features_shape_and_deltas_match_librosa():
    import librosa

    rng = np.random.default_rng(0)
    t = np.arange(16000) / 16000
    y = (np.sin(2 * np.pi * 220 * t * (1 + t)) + 0.05 * rng.normal(size=t.size)).astype(np.float32)
    cfg = features.FeatureConfig(normalise=False)
    f = features.extract(y, cfg)
    assert f.shape == (1 + 16000 // 160, 160)
    mel = features.log_mel(y, cfg)
    np.testing.assert_allclose(f[:, :80], mel.T, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(f[:, 80:], librosa.feature.delta(mel).T, rtol=1e-4, atol=1e-4)
    g = features.extract(y)
    np.testing.assert_allclose(g.mean(0), 0, atol=1e-4)
    np.testing.assert_allclose(g.std(0), 1, atol=1e-3)
    with pytest.raises(ValueError, match="too short"):
        features.extract(y[:100])


@pytest.mark.parametrize("length", [300, 1000, 2000])
def test_span_mask_covers_fifteen_percent_in_spans_of_range(length):
    rng = np.random.default_rng(length)
    m = train.span_mask(length, rng, rate=0.15, span=(20, 50))
    assert abs(m.mean() - 0.15) <= 0.02
    edges = np.flatnonzero(np.diff(np.r_[0, m.astype(int), 0]))
    runs = edges[1::2] - edges[::2]
    # adjacent spans may touch; each run is a sum of spans, each 20..50, the last possibly shorter
    assert runs.min() >= 20 or len(runs) == 1
    assert 0.15 * length / 50 - 1 <= len(runs)


def _tiny(**kw):
    torch.manual_seed(0)
    return CTAL(CTALConfig(vocab_size=50, audio_dim=8, hidden=16, layers=2, heads=2, intermediate=32,
                           max_text_len=12, max_audio_len=20, dropout=0.0, **kw)).eval()


def _inputs():
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(5, 50, (1, 6), generator=g)
    return ids, torch.ones(1, 6, dtype=torch.long), torch.randn(1, 10, 8, generator=g), torch.ones(1, 10, dtype=torch.bool)


@torch.no_grad()
def test_audio_stream_is_bidirectional_and_reads_the_text():
    ids, am, frames, fm = _inputs()
    later = frames.clone()
    later[0, 7:] += 1.0  # change only future frames
    for causal in (False, True):
        m = _tiny(causal_audio=causal)
        _, a = m.encode(ids, am, frames, fm)
        _, b = m.encode(ids, am, later, fm)
        past_changed = not torch.allclose(a[0, :7], b[0, :7], atol=1e-6)
        assert past_changed == (not causal)  # bidirectional: the past sees the future; causal: it cannot
    m = _tiny()
    other = ids.clone()
    other[0, 2] = (other[0, 2] + 7) % 45 + 5
    _, a = m.encode(ids, am, frames, fm)
    _, b = m.encode(other, am, frames, fm)
    assert not torch.allclose(a, b, atol=1e-6)
    blind = _tiny(cross_attention=False)
    _, a = blind.encode(ids, am, frames, fm)
    _, b = blind.encode(other, am, frames, fm)
    assert torch.allclose(a, b)


def test_eer_perfect_and_random():
    same = np.r_[np.ones(100), np.zeros(400)]
    assert tasks.equal_error_rate(same, np.r_[np.full(100, 0.9), np.full(400, 0.1)]) == 0.0
    rng = np.random.default_rng(0)
    same = rng.random(20000) < 0.2
    assert abs(tasks.equal_error_rate(same, rng.random(20000)) - 0.5) < 0.03
    with pytest.raises(ValueError):
        tasks.equal_error_rate(np.ones(5), np.arange(5))


def test_pair_scores_and_sentiment_metrics():
    emb = np.array([[1, 0], [2, 0], [0, 1.0]])
    same, cos = tasks.pair_scores(emb, np.array([0, 0, 1]))
    assert same.tolist() == [True, False, False] and np.allclose(cos, [1, 0, 0])
    m = tasks.sentiment_metrics([-3, -1, 2, 3], [-2, 1, 2, 3])
    assert m["Acc2"] == 0.75 and m["MAE"] == 0.75 and 0 < m["Corr"] <= 1
