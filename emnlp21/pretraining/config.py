"""The frozen configuration that determines a pre-trained model, and what a pre-training run returns."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..core.cache import digest
from .fingerprints import text_fingerprint, tokenizer_fingerprint

# Bump when a change in this package changes what a configuration trains: old cache entries then miss.
LIBRARY_VERSION = "pretraining-2"


# The fields a profile section may set; those it does not set keep their defaults.
PROFILE_FIELDS = ("layers", "hidden", "heads", "intermediate", "seq_len", "batch_size", "steps", "lr", "warmup",
                  "dropout", "seed")


@dataclass(frozen=True)
class PretrainConfig:
    """Everything that determines a pre-trained model; :meth:`key` (its hash) is the cache key.

    ``positions=False`` keeps the position embeddings at zero and frozen, so the encoder sees a bag
    of tokens (Sinha+'s "no positions" model). ``objective`` names an objective registered in
    :mod:`.objectives`; ``objective_settings`` holds its options as sorted ``(name, value)`` pairs
    (use :meth:`replace` with a dict). ``steps=0`` is the randomly initialised model.
    """

    corpus_id: str
    corpus_fingerprint: str
    tokenizer_fingerprint: str
    vocab_size: int
    layers: int = 2
    hidden: int = 128
    heads: int = 2
    intermediate: int = 512
    max_positions: int = 128
    positions: bool = True
    dropout: float = 0.1
    objective: str = "mlm"
    objective_settings: tuple[tuple[str, Any], ...] = ()
    steps: int = 600
    batch_size: int = 32
    seq_len: int = 64
    lr: float = 1e-3
    warmup: float = 0.06  # fraction of steps
    weight_decay: float = 0.01
    clip_norm: float = 1.0
    seed: int = 0
    library_version: str = LIBRARY_VERSION

    def __post_init__(self):
        if isinstance(self.objective_settings, dict):
            object.__setattr__(self, "objective_settings", tuple(sorted(self.objective_settings.items())))
        problems = []
        if self.hidden % self.heads:
            problems.append(f"hidden={self.hidden} must be divisible by heads={self.heads}")
        if self.seq_len > self.max_positions:
            problems.append(f"seq_len={self.seq_len} exceeds max_positions={self.max_positions}")
        if self.seq_len < 8:
            problems.append(f"seq_len={self.seq_len} is too short (use at least 8)")
        if min(self.layers, self.hidden, self.batch_size, self.vocab_size) < 1 or self.steps < 0:
            problems.append("layers, hidden, batch_size and vocab_size must be positive, steps >= 0")
        if not 0 <= self.warmup < 1:
            problems.append(f"warmup={self.warmup} is a fraction of the steps, in [0, 1)")
        if problems:
            raise ValueError("Invalid PretrainConfig: " + "; ".join(problems) + ".")

    @classmethod
    def for_corpus(cls, corpus_id: str, sentences: Iterable[str], tokenizer, **fields) -> "PretrainConfig":
        """A configuration bound to these sentences and this tokenizer (their fingerprints)."""
        return cls(corpus_id=corpus_id, corpus_fingerprint=text_fingerprint(sentences),
                   tokenizer_fingerprint=tokenizer_fingerprint(tokenizer), vocab_size=len(tokenizer),
                   **fields)

    @classmethod
    def from_profile(cls, corpus_id: str, sentences: Iterable[str], tokenizer, params, **overrides) -> "PretrainConfig":
        """``for_corpus`` with the model and training fields of a notebook's profile section, so every
        chapter that copies small_models' fields builds the same configuration (one cache entry)."""
        fields = {name: params[name] for name in PROFILE_FIELDS if name in params}  # the rest keep their defaults
        return cls.for_corpus(corpus_id, sentences, tokenizer, **{**fields, **overrides})

    def replace(self, **changes) -> "PretrainConfig":
        return dataclasses.replace(self, **changes)

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self.objective_settings)

    def as_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["objective_settings"] = [list(p) for p in self.objective_settings]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "PretrainConfig":
        d = dict(d)
        d["objective_settings"] = tuple(tuple(p) for p in d.get("objective_settings", ()))
        return cls(**d)

    def key(self) -> str:
        blob = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))
        return digest(blob)

    @property
    def tokens_per_step(self) -> int:
        return self.batch_size * self.seq_len


@dataclass
class Pretrained:
    """A pre-trained (or randomly initialised) model, as :func:`~.train.pretrain` returns it.

    ``model`` is a :class:`~.modeling.PretrainingModel` (``.encoder``: a transformers ``BertModel``;
    ``.head``: the objective's head). ``log`` has one row per logged step: step, loss, tokens,
    seconds, lr. ``checkpoints`` maps a step (from ``save_at``) to the encoder's safetensors file.
    """

    model: Any
    tokenizer: Any
    log: Any
    config: PretrainConfig
    path: Path | None = None
    from_cache: bool = False
    checkpoints: dict[int, Path] = field(default_factory=dict)

    @property
    def encoder(self):
        return self.model.encoder

    @property
    def name(self) -> str:
        c = self.config
        return f"{c.corpus_id}/{c.objective}/{c.layers}x{c.hidden}{'' if c.positions else '/nopos'}/s{c.seed}"

    @property
    def train_seconds(self) -> float:
        return float(self.log["seconds"].iloc[-1]) if self.log is not None and len(self.log) else 0.0
