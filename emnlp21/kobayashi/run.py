"""Mixing ratios over a corpus: batching with padding masks, per-token results, a cache by configuration."""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
import torch
import transformers

from ..core.cache import digest, read_or_build
from ..core.evidence import LEVEL, RESAMPLES, Estimate
from ..core.paths import cache_dir
from ..core.progress import progress as tqdm
from .masking import apply_mask, mask_plan
from .mixing import MEASURES, check_measures, packed_ratios

Text = str | tuple[str, str]  # a sentence, or a pair encoded as [CLS] a [SEP] b [SEP] like the paper


@dataclass
class MixingRatios:
    """Per-token mixing ratios: ``ratios[t, layer, measure]`` for every non-padding token t.

    ``token_ids`` are the tokens of the text; where ``masked`` is True the model was shown [MASK] instead."""

    ratios: np.ndarray  # (tokens, layers, measures) float32
    token_ids: np.ndarray  # (tokens,)
    text_index: np.ndarray  # which input each token belongs to
    position: np.ndarray  # position in its sequence
    special: np.ndarray  # bool: [CLS]/[SEP]/<s>/</s>...
    measures: tuple[str, ...] = MEASURES
    masked: np.ndarray | None = None  # bool: replaced by [MASK] in the input (None: nothing masked)

    def __post_init__(self):
        if self.masked is None:
            self.masked = np.zeros(len(self.token_ids), dtype=bool)

    def __len__(self) -> int:
        return len(self.token_ids)

    def measure(self, name: str) -> np.ndarray:
        """(tokens, layers) ratios of one measure."""
        return self.ratios[:, :, self.measures.index(name)]

    def mean_by_layer(self, exclude_special: bool = False) -> pd.DataFrame:
        """Mean ratio per layer (rows 1..L) and overall ("mean" row), in percent, as the paper reports."""
        r = self.ratios[~self.special] if exclude_special else self.ratios
        df = pd.DataFrame(100 * r.mean(0), columns=list(self.measures),
                          index=pd.RangeIndex(1, r.shape[1] + 1, name="layer"))
        df.loc["mean"] = 100 * r.mean((0, 1))
        return df

    def to_npz(self) -> bytes:
        buf = io.BytesIO()
        np.savez(buf, ratios=self.ratios, token_ids=self.token_ids, text_index=self.text_index,
                 position=self.position, special=self.special, measures=np.array(self.measures), masked=self.masked)
        return buf.getvalue()

    @classmethod
    def from_npz(cls, data) -> "MixingRatios":
        with np.load(data) as f:
            return cls(ratios=f["ratios"], token_ids=f["token_ids"], text_index=f["text_index"],
                       position=f["position"], special=f["special"], measures=tuple(f["measures"].tolist()),
                       masked=f["masked"])


# --- the bootstrap over sentence pairs (the unit of the input) -----------------------------------------

def pair_resamples(n_pairs: int, resamples: int = RESAMPLES, seed: int = 0, chunk: int = 1000):
    """``resamples`` bootstrap draws of ``n_pairs`` sentence pairs, as counts (each row sums to
    ``n_pairs``), in chunks of at most ``chunk`` rows. The draws depend on ``n_pairs``, ``resamples``
    and ``seed`` only, never on ``chunk``: every statistic of one run's pairs sees the same resamples
    (paired), so its measures and its correlation are compared on the same draws."""
    if n_pairs < 2:
        raise ValueError("the bootstrap needs at least two sentence pairs")
    rng = np.random.default_rng(seed)
    for start in range(0, resamples, chunk):
        size = min(chunk, resamples - start)
        idx = rng.integers(0, n_pairs, size=(size, n_pairs)) + n_pairs * np.arange(size)[:, None]
        yield np.bincount(idx.ravel(), minlength=size * n_pairs).reshape(size, n_pairs).astype(np.float64)


def bootstrap_means(result: "MixingRatios", statistic, *, test: str, resamples: int = RESAMPLES, seed: int = 0,
                    level: float = LEVEL, pretrain_seeds: int = 1) -> Estimate:
    """The estimate of ``statistic`` of the mean ratios (percent, over tokens and layers, as
    :meth:`MixingRatios.mean_by_layer`'s "mean" row) with its ``level`` percentile interval, resampling
    sentence pairs (:func:`pair_resamples`; a pair's tokens go together and every measure sees the
    same draws). ``statistic(means)`` takes a frame with one row per replicate and one column per
    measure and returns one value per row."""
    per_token = 100 * result.ratios.mean(1).astype(np.float64)  # (tokens, measures): each token's layer mean
    _, pair = np.unique(result.text_index, return_inverse=True)
    n_pairs = int(pair.max()) + 1
    sums = np.zeros((n_pairs, per_token.shape[1]))
    np.add.at(sums, pair, per_token)
    sizes = np.bincount(pair, minlength=n_pairs).astype(np.float64)
    columns = list(result.measures)

    def stat(counts: np.ndarray) -> np.ndarray:
        means = pd.DataFrame((counts @ sums) / (counts @ sizes)[:, None], columns=columns)
        return np.asarray(statistic(means), dtype=float)

    value = float(stat(np.ones((1, n_pairs)))[0])
    reps = np.concatenate([stat(c) for c in pair_resamples(n_pairs, resamples, seed)])
    return Estimate.from_replicates(value, reps, test=test, level=level, pretrain_seeds=pretrain_seeds, items=n_pairs)


def sentence_pairs(sentences: Sequence[str], n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` pairs of consecutive sentences (a, b) at random places (the paper's inputs are pairs too)."""
    if len(sentences) < 2:
        raise ValueError("need at least two sentences to form pairs")
    starts = random.Random(seed).sample(range(len(sentences) - 1), min(n, len(sentences) - 1))
    return [(sentences[i], sentences[i + 1]) for i in starts]


def tokenize(tokenizer, texts: Sequence[Text], max_length: int, device="cpu") -> dict:
    if not texts:
        raise ValueError("no texts to analyse: pass at least one sentence")
    pairs = [t if isinstance(t, tuple) else (t, None) for t in texts]
    firsts = [a for a, _ in pairs]
    seconds = [b for _, b in pairs] if any(b is not None for _, b in pairs) else None
    if seconds is not None and any(b is None for b in seconds):
        raise ValueError("mix of single sentences and pairs: pass all sentences or all (a, b) pairs")
    enc = tokenizer(firsts, seconds, padding=True, truncation=True, max_length=max_length,
                    return_tensors="pt", return_special_tokens_mask=True)
    return {k: v.to(device) for k, v in enc.items()}


def sum_check_batch(loaded, texts: Sequence[Text], max_length: int, device="cpu", n: int = 16) -> dict:
    """The model inputs of the first ``n`` texts, for :func:`~.mixing.block_sum_error` (the sanity check
    that the decomposition sums back to the block's output)."""
    batch = tokenize(loaded.tokenizer, texts[:n], max_length, device)
    batch.pop("special_tokens_mask")
    return batch


@torch.no_grad()
def mixing_ratios(model, tokenizer, texts: Sequence[Text], *, batch_size: int = 32, max_length: int = 128,
                  measures: Sequence[str] = MEASURES, mask_rate: float = 0.0, mask_seed: int = 0,
                  progress: bool = True) -> MixingRatios:
    """The ``measures`` for every token of ``texts``; batches of similar length, padding removed.
    With ``mask_rate`` > 0 that share of the non-special tokens is replaced by [MASK] first
    (:func:`~.masking.mask_plan`, seeded by ``mask_seed``), as the paper fed its MLMs."""
    measures = check_measures(measures)
    device = next(model.parameters()).device
    plans = mask_plan(tokenizer, texts, max_length=max_length, rate=mask_rate, seed=mask_seed) if mask_rate else None
    order = sorted(range(len(texts)), key=lambda i: len(str(texts[i])))  # less padding per batch
    rows = {k: [] for k in ("ratios", "token_ids", "text_index", "position", "special", "masked")}
    for start in tqdm(range(0, len(order), batch_size), disable=not progress, desc="mixing ratios", unit="batch"):
        idx = order[start:start + batch_size]
        enc = tokenize(tokenizer, [texts[i] for i in idx], max_length, device)
        special = enc.pop("special_tokens_mask").bool()
        keep = enc["attention_mask"].bool()
        ids = enc["input_ids"].clone()  # the text's own tokens, before masking
        if plans is not None:
            masked = apply_mask(enc["input_ids"], special, [plans[i] for i in idx], tokenizer.mask_token_id)
        else:
            masked = torch.zeros_like(keep)
        rows["ratios"].append(packed_ratios(model, enc, measures).cpu().numpy())
        rows["token_ids"].append(ids[keep].cpu().numpy())
        rows["text_index"].append(torch.tensor(idx, device=device)[:, None].expand_as(keep)[keep].cpu().numpy())
        rows["position"].append(torch.arange(keep.shape[1], device=device).expand_as(keep)[keep].cpu().numpy())
        rows["special"].append(special[keep].cpu().numpy())
        rows["masked"].append(masked[keep].cpu().numpy())
    cat = {k: np.concatenate(v) for k, v in rows.items()}
    # Back to the input order: sort by (text, position).
    perm = np.lexsort((cat["position"], cat["text_index"]))
    return MixingRatios(measures=measures, **{k: v[perm] for k, v in cat.items()})


CACHE_VERSION = "kobayashi-2"  # bump when a change here changes what a cached entry holds


def cache_key(model_source: str, texts: Sequence[Text], max_length: int, measures: Sequence[str] = MEASURES,
              mask_rate: float = 0.0, mask_seed: int = 0) -> str:
    """A hash of everything the ratios depend on (model, its weights' identity, texts, truncation,
    measures, masking)."""
    weights = sorted(Path(model_source).glob("*.safetensors")) if Path(model_source).is_dir() else []
    ident = [(p.name, p.stat().st_size) for p in weights]
    masking = [mask_rate, mask_seed] if mask_rate else []
    payload = json.dumps([CACHE_VERSION, model_source, ident, transformers.__version__, max_length, list(measures),
                          masking, list(texts)], ensure_ascii=False, default=list)
    return digest(payload)


def cached_mixing_ratios(loaded, texts: Sequence[Text], *, max_length: int = 128, batch_size: int = 32,
                         measures: Sequence[str] = MEASURES, mask_rate: float = 0.0, mask_seed: int = 0,
                         progress: bool = True) -> tuple[MixingRatios, bool]:
    """``mixing_ratios`` cached under ``book.cache_dir('kobayashi')`` by ``cache_key``; returns (result, hit).
    A cache file that fails to load (truncated, corrupted) is recomputed and rewritten atomically."""
    measures = check_measures(measures)
    key = cache_key(loaded.source, texts, max_length, measures, mask_rate, mask_seed)

    def load(path):
        result = MixingRatios.from_npz(path)
        if result.measures != measures:
            raise ValueError(f"{path} holds measures {result.measures}, not {measures}")
        return result

    return read_or_build(cache_dir("kobayashi") / f"ratios-{key}.npz", load=load, dump=MixingRatios.to_npz,
                         build=lambda: mixing_ratios(loaded.model, loaded.tokenizer, texts, batch_size=batch_size,
                                                     max_length=max_length, measures=measures, mask_rate=mask_rate,
                                                     mask_seed=mask_seed, progress=progress))
