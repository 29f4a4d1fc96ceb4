"""Pre-training objectives as token-level classification over one encoder.

An :class:`Objective` turns a batch of packed token ids into corrupted model inputs and per-token
labels (``-100`` where nothing is predicted), makes its head (a single linear layer over the last
hidden state by default) and computes its loss on the labelled positions only. MLM is defined here;
other objectives subclass :class:`Objective` and call :func:`register_objective`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Callable

import torch
from torch import nn
from torch.nn import functional as F

IGNORE = -100


@dataclass
class TokenBatch:
    """Model inputs and labels: ``input_ids`` [B, T] after corruption, ``labels`` [B, T] with -100
    where no prediction is made, ``attention_mask`` [B, T] (0 on padding)."""

    input_ids: torch.Tensor
    labels: torch.Tensor
    attention_mask: torch.Tensor

    def to(self, device) -> "TokenBatch":
        return TokenBatch(*(t.to(device, non_blocking=True) for t in (self.input_ids, self.labels, self.attention_mask)))


class Objective(ABC):
    """The interface every pre-training objective implements.

    ``settings`` (keyword arguments) become part of the model's cache key, so they must be plain JSON
    values. ``predicted_fraction`` is the expected share of real tokens that carry a label; with
    :meth:`num_classes` it gives the head's FLOPs (:func:`~.modeling.flops_per_step`).
    """

    name: str = ""
    predicted_fraction: float = 1.0

    def __init__(self, **settings: Any):
        self.settings = settings

    @abstractmethod
    def num_classes(self, tokenizer) -> int:
        """Width of the head's output (the vocabulary for MLM, a handful of classes for others)."""

    @abstractmethod
    def make_batch(self, input_ids: torch.Tensor, special_mask: torch.Tensor, tokenizer,
                   generator: torch.Generator) -> TokenBatch:
        """Corrupt ``input_ids`` [B, T] (never where ``special_mask`` is True: [CLS], [SEP], [PAD])
        and return inputs + labels. All randomness must come from ``generator`` (CPU)."""

    def make_head(self, hidden_size: int, tokenizer) -> nn.Module:
        return nn.Linear(hidden_size, self.num_classes(tokenizer))

    def init_head(self, head: nn.Module, token_log_probs: torch.Tensor) -> None:
        """Set the head's starting point from the training text (``token_log_probs``: its tokens'
        unigram log-probabilities) before training; by default the head keeps BERT's init."""

    def loss(self, head: nn.Module, hidden: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Cross-entropy on the labelled positions; the head only runs on those (cheap for MLM)."""
        where = labels != IGNORE
        logits = head(hidden[where])
        return F.cross_entropy(logits.float(), labels[where])


class MLM(Objective):
    """BERT's masked language modelling: ``rate`` of the tokens are predicted; of those 80 % become
    [MASK], 10 % a random token, 10 % stay unchanged. With ``prior_bias`` the output layer's bias
    starts at the training text's unigram log-probabilities."""

    name = "mlm"

    def __init__(self, rate: float = 0.15, mask: float = 0.8, random: float = 0.1, prior_bias: bool = True):
        if not (0 < rate < 1 and 0 <= mask and 0 <= random and mask + random <= 1):
            raise ValueError(f"MLM needs 0<rate<1 and mask+random<=1, got rate={rate}, mask={mask}, random={random}")
        super().__init__(rate=rate, mask=mask, random=random, prior_bias=prior_bias)
        self.rate, self.mask, self.random, self.prior_bias = rate, mask, random, prior_bias
        self.predicted_fraction = rate

    def init_head(self, head: nn.Module, token_log_probs: torch.Tensor) -> None:
        # Starting at the unigram floor, the first steps learn context instead of word frequencies: the
        # quick recipe then left the floor by step ~200 instead of ~900 for seed 1, and its held-out gain
        # rose from 0.5 to 2.0 nats (data/recipe_search.csv).
        if self.prior_bias:
            with torch.no_grad():
                head.bias.copy_(token_log_probs.to(head.bias))

    def num_classes(self, tokenizer) -> int:
        return len(tokenizer)

    def make_batch(self, input_ids, special_mask, tokenizer, generator):
        g = generator
        chosen = (torch.rand(input_ids.shape, generator=g) < self.rate) & ~special_mask
        labels = torch.where(chosen, input_ids, torch.full_like(input_ids, IGNORE))
        roll = torch.rand(input_ids.shape, generator=g)
        to_mask = chosen & (roll < self.mask)
        to_random = chosen & (roll >= self.mask) & (roll < self.mask + self.random)
        n_special = len(tokenizer.all_special_ids)  # special tokens are ids 0..n-1 (see tokenizer.py)
        random_ids = torch.randint(n_special, len(tokenizer), input_ids.shape, generator=g)
        out = torch.where(to_mask, torch.full_like(input_ids, tokenizer.mask_token_id), input_ids)
        out = torch.where(to_random, random_ids, out)
        return TokenBatch(out, labels, (input_ids != tokenizer.pad_token_id).long())


_REGISTRY: dict[str, Callable[..., Objective]] = {"mlm": MLM}


def register_objective(name: str, factory: Callable[..., Objective]) -> None:
    """Make ``PretrainConfig(objective=name, objective_settings=...)`` build ``factory(**settings)``."""
    if name in _REGISTRY and _REGISTRY[name] is not factory:
        raise ValueError(f"objective {name!r} is already registered")
    _REGISTRY[name] = factory


def objective_names() -> list[str]:
    return sorted(_REGISTRY)


def get_objective(name: str, settings: dict[str, Any] | None = None) -> Objective:
    if name not in _REGISTRY:
        raise KeyError(f"Unknown objective {name!r}. Registered: {', '.join(objective_names())}. "
                       "Import the module that registers it (e.g. emnlp21.yamaguchi) first.")
    return _REGISTRY[name](**(settings or {}))
