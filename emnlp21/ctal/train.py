"""Frame masking, batching and CTAL pre-training (MLM + masked acoustic modelling), cached."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import torch

from ..core.cache import digest
from ..core.progress import progress as tqdm
from ..pretraining.cache import EntryWriter, entry_dir, is_valid
from ..pretraining import optim
from ..pretraining.data import special_mask
from ..pretraining.fingerprints import tokenizer_fingerprint
from ..pretraining.objectives import MLM
from .data import SpeechSet
from .model import CTAL, CTALConfig
from .text import TextModel, TextStates, check_frozen, init_language_stream

TRAIN_VERSION = "ctal-train-3"  # 3: epochs of length-pooled batches; 2: the language stream from a text model


def span_mask(length: int, rng: np.random.Generator, rate: float = 0.15, span: tuple[int, int] = (20, 50)) -> np.ndarray:
    """Boolean mask over ``length`` steps: non-overlapping spans of ``span[0]``–``span[1]`` steps
    until ``rate`` of the steps are covered (one span, shortened, when the utterance is short)."""
    lo, hi = span
    if not 1 <= lo <= hi:
        raise ValueError(f"span must satisfy 1 <= min <= max, got {span}")
    mask = np.zeros(length, dtype=bool)
    target = max(1, round(rate * length))
    while mask.sum() < target:
        remaining = target - int(mask.sum())
        n = int(min(rng.integers(lo, hi + 1), max(lo, remaining), length))
        free = np.convolve(~mask, np.ones(n, dtype=int), mode="valid") == n  # starts of free runs of n
        starts = np.flatnonzero(free)
        if len(starts) == 0:
            break
        s = int(rng.choice(starts))
        mask[s:s + n] = True
    return mask


def stack_frames(feat: np.ndarray, k: int) -> np.ndarray:
    """(T, D) → (T // k, D·k): k consecutive 10 ms frames per model step (Mockingjay/CTAL's downsampling)."""
    t = (len(feat) // k) * k
    return feat[:t].reshape(t // k, feat.shape[1] * k)


@dataclass(frozen=True)
class AudioConfig:
    frame_stack: int = 3
    max_steps: int = 256  # model steps per utterance; longer ones are cropped at the end
    mask_rate: float = 0.15
    mask_span: tuple[int, int] = (7, 17)  # in model steps: 7–17 steps of 3 frames = 21–51 frames
    zero: float = 0.8
    random: float = 0.1


def collate(ds: SpeechSet, idx, tokenizer, audio: AudioConfig, *, max_text_len: int = 48,
            rng: np.random.Generator | None = None, states: TextStates | None = None,
            crop: int = 0) -> dict[str, torch.Tensor]:
    """A padded batch; with ``rng`` also the MAM corruption (80 % zero / 10 % random frame / 10 % kept);
    with ``states`` (a frozen language stream) also its precomputed ``text_states``; with ``crop`` (and
    ``rng``) each utterance longer than ``crop`` steps cut to a window at a random start, kept in
    ``frame_start`` so that the window keeps its positions in the utterance."""
    feats = [stack_frames(ds.features[i], audio.frame_stack)[:audio.max_steps] for i in idx]
    start = np.zeros(len(feats), np.int64)
    if crop:
        if rng is None:
            raise ValueError("cropping draws each window's start: pass rng")
        start = np.array([rng.integers(len(f) - crop + 1) if len(f) > crop else 0 for f in feats])
        feats = [f[s:s + crop] for f, s in zip(feats, start)]
    T, D = max(len(f) for f in feats), feats[0].shape[1]
    frames = np.zeros((len(feats), T, D), np.float32)
    frame_mask = np.zeros((len(feats), T), bool)
    for b, f in enumerate(feats):
        frames[b, :len(f)], frame_mask[b, :len(f)] = f, True
    enc = tokenizer([ds.table.text[i] for i in idx], padding=True, truncation=True, max_length=max_text_len,
                    return_tensors="pt")
    batch = {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
             "frames": torch.from_numpy(frames), "frame_mask": torch.from_numpy(frame_mask)}
    if states is not None:
        batch["text_states"] = states.batch([ds.table.text[i] for i in idx], enc["attention_mask"])
    if crop:
        batch["frame_start"] = torch.from_numpy(start)
    if rng is not None:
        masked, mam = frames.copy(), np.zeros_like(frame_mask)
        for b, f in enumerate(feats):
            m = span_mask(len(f), rng, audio.mask_rate, audio.mask_span)
            where = np.flatnonzero(m)
            dice = rng.random(len(where))
            masked[b, where[dice < audio.zero]] = 0.0
            rnd = where[(dice >= audio.zero) & (dice < audio.zero + audio.random)]
            masked[b, rnd] = f[rng.integers(len(f), size=len(rnd))]
            mam[b] = np.pad(m, (0, T - len(f)))
        batch["masked_frames"], batch["mam_mask"] = torch.from_numpy(masked), torch.from_numpy(mam)
    return batch


def batches(n, size, rng=None, lengths=None, pool: int = 4):
    """Index batches; shuffled with ``rng``. With ``lengths``, each run of ``pool`` batches is sorted by
    length before it is cut, so that a batch pads less (the batches' order is shuffled again)."""
    order = rng.permutation(n) if rng is not None else np.arange(n)
    if lengths is not None and rng is not None:
        lengths = np.asarray(lengths)
        chunks = [order[s:s + pool * size] for s in range(0, n, pool * size)]
        order = np.concatenate([c[np.argsort(lengths[c], kind="stable")] for c in chunks])
        cut = [order[s:s + size] for s in range(0, n, size)]
        return [cut[i] for i in rng.permutation(len(cut))]
    return [order[s:s + size] for s in range(0, n, size)]


def endless_batches(n, size, rng, lengths):
    """Epoch after epoch of :func:`batches`: pre-training counts steps, not epochs. (Drawing each step's
    utterances at random instead pads every batch to nearly the longest utterance, twice the mean here.)"""
    while True:
        yield from batches(n, size, rng, lengths)


def padded_lengths(lengths, size: int, seed: int = 0) -> dict[str, float]:
    """Mean padded length of a batch of ``size`` over one epoch of ``lengths``: drawn at random (each
    step's utterances chosen independently) against :func:`batches`' length-pooled cut; and the mean
    utterance. What the pooling saves in padded steps."""
    lengths, rng = np.asarray(lengths), np.random.default_rng(seed)
    steps = max(1, len(lengths) // size)
    drawn = [lengths[rng.choice(len(lengths), min(size, len(lengths)), replace=False)].max() for _ in range(steps)]
    pooled = [lengths[b].max() for b in batches(len(lengths), size, rng, lengths)]
    return {"random": float(np.mean(drawn)), "pooled": float(np.mean(pooled)), "utterance": float(lengths.mean())}


@dataclass(frozen=True)
class CTALPretrainConfig:
    steps: int = 300
    batch_size: int = 16
    lr: float = 5e-4
    warmup: float = 0.1
    weight_decay: float = 0.01
    seed: int = 0
    mlm: bool = True  # False: masked acoustic modelling only (the audio-only baseline)
    crop_steps: int = 0  # pre-train on windows of this many model steps at random starts (0: whole utterances)
    text_lr: float | None = None  # the language stream's learning rate (a pre-trained one needs less); None = lr


def param_groups(model, lr: float, text_lr: float | None, weight_decay: float) -> list[dict]:
    """AdamW groups: the language stream at ``text_lr`` (when given), everything else at ``lr``; every
    weight decayed, as in the released code."""
    rates = None if text_lr is None else {"language": text_lr}
    return optim.param_groups(model, lr, weight_decay, decay_norms=True, rates=rates)


def build(cfg: CTALConfig, text: TextModel, seed: int) -> CTAL:
    """A CTAL whose language stream holds ``text``'s weights; the rest initialised from ``seed``."""
    torch.manual_seed(seed)
    model = CTAL(cfg)
    init_language_stream(model, text)
    return model


def _key(cfg: CTALConfig, settings: CTALPretrainConfig, audio: AudioConfig, ds: SpeechSet, tokenizer) -> str:
    spec = json.dumps([TRAIN_VERSION, cfg.as_dict(), asdict(settings), asdict(audio), ds.key,
                       tokenizer_fingerprint(tokenizer)], sort_keys=True)
    return "ctal-" + digest(spec)


def _load(folder, cfg: CTALConfig):
    from safetensors.torch import load_model

    model = CTAL(cfg)
    load_model(model, str(folder / "model.safetensors"))
    return model, pd.read_csv(folder / "log.csv")


def to_device(batch: dict, device) -> dict:
    return {k: v.to(device) for k, v in batch.items()}


def pretrain(cfg: CTALConfig, ds: SpeechSet, text: TextModel, settings: CTALPretrainConfig = CTALPretrainConfig(),
             audio: AudioConfig = AudioConfig(), *, states: TextStates | None = None, device="cpu",
             progress: bool = True):
    """Pre-train CTAL on ``ds`` (or load it from the cache). Returns (model in eval mode, log).
    ``states``: the frozen language stream's states, required when ``settings.text_lr`` is 0."""
    from safetensors.torch import save_model
    from transformers import get_linear_schedule_with_warmup

    if audio.max_steps > cfg.max_audio_len:
        raise ValueError(f"utterances of up to {audio.max_steps} steps need max_audio_len >= {audio.max_steps} "
                         f"(the audio stream has {cfg.max_audio_len} positions)")
    if settings.crop_steps and settings.crop_steps < 2 * audio.mask_span[1]:
        raise ValueError(f"crop_steps {settings.crop_steps} leaves a window too short to mask a span of up to "
                         f"{audio.mask_span[1]} steps with context around it: use 0 (whole utterances) or at least "
                         f"{2 * audio.mask_span[1]}")
    device = torch.device(device)
    tokenizer = text.tokenizer
    key = _key(cfg, settings, audio, ds, tokenizer)
    folder = entry_dir(key)
    if is_valid(folder):
        model, log = _load(folder, cfg)
        print(f"loaded pre-trained {cfg.text_init} CTAL ({'causal' if cfg.causal_audio else 'bidirectional'}, "
              f"{cfg.modality}, seed {settings.seed}) from the cache: trained in {log.seconds.iloc[-1]:.0f} s")
        model.pretrain_key = key  # fine-tuning results starting from this model are cached under it
        return model.to(device).eval(), log
    rng = np.random.default_rng(settings.seed)
    gen = torch.Generator().manual_seed(settings.seed)
    model = build(cfg, text, settings.seed)
    check_frozen(model, settings.text_lr, states)
    if states is not None and settings.mlm:
        raise ValueError("a frozen language stream (text_lr 0) cannot learn MLM: pre-train with mlm=False")
    model = model.to(device).train()
    opt = torch.optim.AdamW(param_groups(model, settings.lr, settings.text_lr, settings.weight_decay))
    sched = get_linear_schedule_with_warmup(opt, int(settings.warmup * settings.steps), settings.steps)
    mlm, rows, t0 = MLM(), [], time.perf_counter()
    draws = endless_batches(len(ds), settings.batch_size, rng, [len(f) for f in ds.features])
    for step in tqdm(range(1, settings.steps + 1), desc="pre-train CTAL", disable=not progress):
        idx = next(draws)
        batch = collate(ds, idx, tokenizer, audio, max_text_len=cfg.max_text_len, rng=rng, states=states,
                        crop=settings.crop_steps)
        tb = mlm.make_batch(batch["input_ids"], special_mask(batch["input_ids"], tokenizer), tokenizer, gen)
        batch["mlm_input_ids"] = tb.input_ids if settings.mlm else batch["input_ids"]
        if settings.mlm:
            batch["mlm_labels"] = tb.labels
        losses = model.pretraining_losses(to_device(batch, device))
        loss = sum(losses.values())
        optim.training_step(loss, opt, sched, model.parameters())
        rows.append({"step": step, **{k: float(v.detach()) for k, v in losses.items()}, "seconds": time.perf_counter() - t0})
    log = pd.DataFrame(rows)
    print(f"pre-trained {cfg.text_init} CTAL ({'causal' if cfg.causal_audio else 'bidirectional'}, "
          f"{cfg.modality}, seed {settings.seed}): {settings.steps} steps in {log.seconds.iloc[-1]:.0f} s")
    model = model.eval()
    with EntryWriter(key) as tmp:
        save_model(model.cpu(), str(tmp / "model.safetensors"))
        model.to(device)
        log.to_csv(tmp / "log.csv", index=False)
        (tmp / "config.json").write_text(json.dumps({"model": cfg.as_dict(), "settings": asdict(settings),
                                                    "audio": asdict(audio), "data": ds.key}, indent=1))
    model.pretrain_key = key
    return model, log


def interpolate_masked(frames: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(T, D) frames with the ``mask``ed steps replaced by a straight line between the nearest unmasked
    steps either side of each span (the nearest one alone at an edge of the utterance)."""
    known, pos = np.flatnonzero(~mask), np.flatnonzero(mask)
    if len(known) == 0:
        raise ValueError("every step is masked: nothing to interpolate from")
    out = frames.copy()
    j = np.searchsorted(known, pos)
    left, right = known[np.clip(j - 1, 0, len(known) - 1)], known[np.clip(j, 0, len(known) - 1)]
    left = np.where(j == 0, right, left)
    right = np.where(j == len(known), left, right)
    w = np.where(right > left, (pos - left) / np.maximum(right - left, 1), 0.0)[:, None]
    out[pos] = (1 - w) * frames[left] + w * frames[right]
    return out


def trivial_predictions(batch: dict) -> dict[str, torch.Tensor]:
    """Two predictors that read only the unmasked frames of each utterance: its mean frame, and linear
    interpolation across each masked span; same shape as the model's reconstruction."""
    frames, mam, valid = (batch[k].cpu().numpy() for k in ("frames", "mam_mask", "frame_mask"))
    mean, interp = np.zeros_like(frames), np.zeros_like(frames)
    for b in range(len(frames)):
        n = int(valid[b].sum())
        f, m = frames[b, :n], mam[b, :n]
        mean[b, :n] = f[~m].mean(0)
        interp[b, :n] = interpolate_masked(f, m)
    return {"mean frame": torch.from_numpy(mean), "interpolation": torch.from_numpy(interp)}


@torch.no_grad()
def reconstruction_scores(models: dict[str, CTAL], ds: SpeechSet | list[SpeechSet], tokenizer,
                          audio: AudioConfig = AudioConfig(), *, seed: int = 1, batch_size: int = 32,
                          device="cpu") -> pd.DataFrame:
    """Per utterance of ``ds`` (one set, or several one after another), the summed absolute error on
    masked entries of each model and of the trivial predictors (:func:`trivial_predictions`), and the
    number of masked entries: every column is measured on the same masks, drawn once from ``seed``.
    Mean L1 = column sum / ``entries`` sum."""
    if isinstance(ds, list):
        return pd.concat([reconstruction_scores(models, d, tokenizer, audio, seed=seed + i, batch_size=batch_size,
                                                device=device) for i, d in enumerate(ds)], ignore_index=True)
    rng = np.random.default_rng(seed)
    max_len = min(m.cfg.max_text_len for m in models.values())
    rows = []
    for s in range(0, len(ds), batch_size):
        batch = collate(ds, range(s, min(s + batch_size, len(ds))), tokenizer, audio, max_text_len=max_len, rng=rng)
        preds = {name: m.eval().reconstruct(to_device(batch, device)).cpu() for name, m in models.items()}
        preds |= trivial_predictions(batch)
        sel = batch["mam_mask"].unsqueeze(-1).expand_as(batch["frames"])
        rows.append(pd.DataFrame({"entries": sel.sum((1, 2)).numpy(),
                                  **{k: ((p - batch["frames"]).abs() * sel).sum((1, 2)).numpy() for k, p in preds.items()}}))
    return pd.concat(rows, ignore_index=True)


def mean_l1(scores: pd.DataFrame) -> pd.Series:
    """Mean L1 per model or predictor from :func:`reconstruction_scores`."""
    return scores.drop(columns="entries").sum() / scores.entries.sum()


def bootstrap_ratio(scores: pd.DataFrame, a: str, b: str, *, draws: int = 2000, alpha: float = 0.01,
                    seed: int = 0) -> tuple[float, float, float]:
    """L1(a) / L1(b) and its (1 − alpha) bootstrap interval over utterances (the same resample for both)."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(len(scores), size=(draws, len(scores)))
    ea, eb = scores[a].to_numpy()[idx].sum(1), scores[b].to_numpy()[idx].sum(1)
    ratio = ea / eb
    lo, hi = np.quantile(ratio, [alpha / 2, 1 - alpha / 2])
    return float(scores[a].sum() / scores[b].sum()), float(lo), float(hi)


def reconstruction_l1(model: CTAL, ds: SpeechSet, tokenizer, audio: AudioConfig = AudioConfig(), *,
                      seed: int = 1, batch_size: int = 32, device="cpu") -> float:
    """Mean L1 on masked entries of held-out utterances (fixed masks from ``seed``): lower is better."""
    scores = reconstruction_scores({"model": model}, ds, tokenizer, audio, seed=seed, batch_size=batch_size,
                                   device=device)
    return float(mean_l1(scores)["model"])
