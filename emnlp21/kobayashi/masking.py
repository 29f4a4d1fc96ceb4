"""Masked inputs, as the paper fed its masked language models: a share of the input tokens replaced by [MASK].

Kobayashi+ 2021 mask 12 % of the tokens (BERT's pre-training rate, 15 % x 80 % replaced by [MASK]).
Here exactly ``round(rate x M)`` of the ``M`` non-special tokens of all the inputs are chosen, uniformly
without replacement, by a generator seeded with ``seed``: the same texts, tokenizer, truncation and seed
give the same positions, whatever the batching. Special tokens ([CLS], [SEP], [PAD]) are never masked.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

PAPER_RATE = 0.12  # the paper's share of masked input tokens


def _split(texts):
    pairs = [t if isinstance(t, tuple) else (t, None) for t in texts]
    firsts = [a for a, _ in pairs]
    seconds = [b for _, b in pairs] if any(b is not None for _, b in pairs) else None
    return firsts, seconds


def mask_plan(tokenizer, texts: Sequence, *, max_length: int, rate: float, seed: int) -> list[np.ndarray]:
    """For every text, the positions (in its own tokenisation, special tokens included) to mask."""
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"mask rate {rate} must lie in [0, 1)")
    if not texts:
        return []
    if rate and tokenizer.mask_token_id is None:
        raise ValueError("this tokenizer has no [MASK] token: it cannot mask inputs")
    if getattr(tokenizer, "padding_side", "right") != "right":
        raise ValueError("masking assumes right padding (positions are counted from the start)")
    firsts, seconds = _split(texts)
    enc = tokenizer(firsts, seconds, truncation=True, max_length=max_length, return_special_tokens_mask=True)
    candidates = [np.flatnonzero(np.asarray(s) == 0) for s in enc["special_tokens_mask"]]
    counts = np.array([len(c) for c in candidates])
    total = int(counts.sum())
    k = int(round(rate * total))
    chosen = np.zeros(total, dtype=bool)
    if k:
        chosen[np.random.default_rng(seed).choice(total, size=k, replace=False)] = True
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return [c[chosen[s:s + len(c)]] for c, s in zip(candidates, starts)]


def apply_mask(input_ids: torch.Tensor, special: torch.Tensor, plans: Sequence[np.ndarray], mask_id: int) -> torch.Tensor:
    """Bool (B, n): True where row b's plan masks; ``input_ids`` is changed in place to [MASK] there."""
    masked = torch.zeros_like(input_ids, dtype=torch.bool)
    for b, positions in enumerate(plans):
        if len(positions):
            masked[b, torch.as_tensor(positions, device=input_ids.device)] = True
    if (masked & special).any():
        raise RuntimeError("a masking plan hit a special token: the batch was tokenised differently from the plan")
    input_ids[masked] = mask_id
    return masked
