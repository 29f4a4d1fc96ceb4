"""CTAL: a language stream (BERT encoder + MLM head) and a text-referred audio stream.

The language stream may be wider than the audio stream: it starts from a real text model
(:mod:`.text`), whose shape ``text_config`` records; cross-attention reads its states through
``kdim``/``vdim`` and the fusion projects them to the audio stream's width.

The audio stream's layers are post-LN transformer layers built from ``torch.nn.MultiheadAttention``:
bidirectional self-attention over frames (no causal mask — the paper's text; its released code
builds a Hugging Face decoder, which masks the future), then cross-attention whose keys and values
are the language stream's final hidden states, then a feed-forward block. ``causal_audio=True``
reproduces the released code's causal behaviour for the comparison in the chapter.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

MODALITIES = ("both", "text", "audio")
FUSIONS = ("ctal", "concat")


@dataclass(frozen=True)
class CTALConfig:
    vocab_size: int
    audio_dim: int = 160  # per input step (160 × frame_stack)
    hidden: int = 128
    layers: int = 2
    heads: int = 4
    intermediate: int = 256
    max_text_len: int = 48
    max_audio_len: int = 512
    dropout: float = 0.1  # on hidden states
    attention_dropout: float = 0.0  # on attention weights: on a CPU the costliest op of a small model, so off
    causal_audio: bool = False
    cross_attention: bool = True  # False: the audio stream never reads the text (audio-only, concat baselines)
    modality: str = "both"  # which streams the fused representation uses
    fusion: str = "ctal"  # "ctal": tanh-projected pooled sums (the paper); "concat": [text; audio] (MDRE idea)
    text_init: str = "none"  # the language stream's starting point (text.TEXT_MODELS)
    text_weights: str = ""  # text.weights_hash of those starting weights: cache keys follow the weights
    text_config: tuple = ()  # the pre-trained encoder's BertConfig as sorted (name, value) pairs; () = built here

    def __post_init__(self):
        if self.modality not in MODALITIES:
            raise ValueError(f"modality must be one of {MODALITIES}, not {self.modality!r}")
        if self.fusion not in FUSIONS:
            raise ValueError(f"fusion must be one of {FUSIONS}, not {self.fusion!r}")
        if self.hidden % self.heads:
            raise ValueError(f"hidden ({self.hidden}) must be divisible by heads ({self.heads})")

    def as_dict(self) -> dict:
        return asdict(self)

    def bert_config(self):
        from transformers import BertConfig

        if self.text_config:
            return BertConfig(**dict(self.text_config), hidden_dropout_prob=self.dropout,
                              attention_probs_dropout_prob=self.attention_dropout)
        return BertConfig(vocab_size=self.vocab_size, hidden_size=self.hidden, num_hidden_layers=self.layers,
                          num_attention_heads=self.heads, intermediate_size=self.intermediate,
                          max_position_embeddings=self.max_text_len, hidden_dropout_prob=self.dropout,
                          attention_probs_dropout_prob=self.attention_dropout, type_vocab_size=1)

    @property
    def text_hidden(self) -> int:
        return dict(self.text_config).get("hidden_size", self.hidden)


class AudioLayer(nn.Module):
    """Self-attention over frames, cross-attention to the text, feed-forward; residual + LayerNorm each."""

    def __init__(self, cfg: CTALConfig):
        super().__init__()
        h, p = cfg.hidden, cfg.dropout
        q = cfg.attention_dropout
        self.self_attn = nn.MultiheadAttention(h, cfg.heads, dropout=q, batch_first=True)
        self.norm1 = nn.LayerNorm(h)
        th = cfg.text_hidden
        self.cross_attn = (nn.MultiheadAttention(h, cfg.heads, dropout=q, batch_first=True, kdim=th, vdim=th)
                           if cfg.cross_attention else None)
        self.norm2 = nn.LayerNorm(h) if cfg.cross_attention else None
        self.ff = nn.Sequential(nn.Linear(h, cfg.intermediate), nn.GELU(), nn.Dropout(p), nn.Linear(cfg.intermediate, h))
        self.norm3 = nn.LayerNorm(h)
        self.drop = nn.Dropout(p)

    def forward(self, x, pad, text=None, text_pad=None, causal_mask=None):
        a, _ = self.self_attn(x, x, x, key_padding_mask=pad, attn_mask=causal_mask, need_weights=False)
        x = self.norm1(x + self.drop(a))
        if self.cross_attn is not None:
            c, _ = self.cross_attn(x, text, text, key_padding_mask=text_pad, need_weights=False)
            x = self.norm2(x + self.drop(c))
        return self.norm3(x + self.drop(self.ff(x)))


class AudioStream(nn.Module):
    def __init__(self, cfg: CTALConfig):
        super().__init__()
        self.cfg = cfg
        self.proj = nn.Linear(cfg.audio_dim, cfg.hidden)
        self.pos = nn.Embedding(cfg.max_audio_len, cfg.hidden)
        self.norm = nn.LayerNorm(cfg.hidden)
        self.drop = nn.Dropout(cfg.dropout)
        self.layers = nn.ModuleList(AudioLayer(cfg) for _ in range(cfg.layers))

    def forward(self, frames, frame_mask, text=None, text_mask=None, start=None):
        """``start``: (batch,) the first step's position in its utterance, for cropped windows (else 0)."""
        T = frames.shape[1]
        if T > self.cfg.max_audio_len:
            raise ValueError(f"{T} audio steps exceed max_audio_len={self.cfg.max_audio_len}; crop or stack frames.")
        positions = torch.arange(T, device=frames.device)
        if start is not None:  # windows inside the first max_steps steps (collate); no host sync here
            positions = positions + start.unsqueeze(1)
        x = self.drop(self.norm(self.proj(frames) + self.pos(positions)))
        causal = (torch.triu(torch.ones(T, T, dtype=torch.bool, device=frames.device), diagonal=1)
                  if self.cfg.causal_audio else None)
        pad, text_pad = ~frame_mask.bool(), (None if text_mask is None else ~text_mask.bool())
        for layer in self.layers:
            x = layer(x, pad, text, text_pad, causal)
        return x


class MaskedAcousticHead(nn.Module):
    def __init__(self, cfg: CTALConfig):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(cfg.hidden, cfg.hidden), nn.GELU(), nn.LayerNorm(cfg.hidden),
                                 nn.Linear(cfg.hidden, cfg.audio_dim))

    def forward(self, x):
        return self.net(x)


def _masked_max(x, mask):
    return x.masked_fill(~mask.bool().unsqueeze(-1), torch.finfo(x.dtype).min).amax(dim=1)


class Fusion(nn.Module):
    """h_fuse from both streams: text [CLS] + max pooling, audio attention + max pooling (tanh projections)."""

    def __init__(self, cfg: CTALConfig):
        super().__init__()
        h = cfg.hidden
        self.cfg = cfg
        self.text_proj, self.audio_proj = nn.Linear(cfg.text_hidden, h), nn.Linear(h, h)
        self.audio_score = nn.Linear(h, 1)
        width = {("ctal", "both"): 2 * h, ("concat", "both"): 4 * h}.get((cfg.fusion, cfg.modality), 2 * h)
        self.out = nn.Linear(width, h)

    def pooled(self, text, text_mask, audio, audio_mask):
        """(attention-pooled, max-pooled) per stream, each (batch, hidden) or None."""
        t = a = None
        if text is not None:
            x = torch.tanh(self.text_proj(text))
            t = (x[:, 0], _masked_max(x, text_mask))
        if audio is not None:
            x = torch.tanh(self.audio_proj(audio))
            s = self.audio_score(x).squeeze(-1).masked_fill(~audio_mask.bool(), torch.finfo(x.dtype).min)
            a = ((s.softmax(-1).unsqueeze(-1) * x).sum(1), _masked_max(x, audio_mask))
        return t, a

    def forward(self, text, text_mask, audio, audio_mask):
        t, a = self.pooled(text, text_mask, audio, audio_mask)
        if t is not None and a is not None:
            parts = [t[0] + a[0], t[1] + a[1]] if self.cfg.fusion == "ctal" else [*t, *a]
        else:
            parts = list(t if t is not None else a)
        return torch.tanh(self.out(torch.cat(parts, dim=-1))), t, a


class CTAL(nn.Module):
    def __init__(self, cfg: CTALConfig):
        super().__init__()
        from transformers import BertModel

        self.cfg = cfg
        bert = cfg.bert_config()
        if bert.vocab_size != cfg.vocab_size:
            raise ValueError(f"vocab_size {cfg.vocab_size} differs from the text model's {bert.vocab_size}")
        self.language = BertModel(bert, add_pooling_layer=False)  # the language stream
        self.mlm_head = nn.Linear(bert.hidden_size, cfg.vocab_size)  # untied: a text model's head is copied as is
        self.audio = AudioStream(cfg)
        self.mam_head = MaskedAcousticHead(cfg)
        self.fusion = Fusion(cfg)

    def text_states(self, input_ids, attention_mask, frozen=None):
        """The language stream's final hidden states: ``frozen`` (precomputed, :class:`.text.TextStates`)
        when given, else the stream run now."""
        if frozen is not None:
            return frozen
        return self.language(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    def encode(self, input_ids, attention_mask, frames, frame_mask, text_states=None):
        """Final hidden states of both streams (the audio stream reads the text's final states)."""
        text = audio = None
        needs_text = self.cfg.modality != "audio"
        if needs_text or self.cfg.cross_attention:
            text = self.text_states(input_ids, attention_mask, text_states)
        if self.cfg.modality != "text":
            memory = text if self.cfg.cross_attention else None
            audio = self.audio(frames, frame_mask, memory, attention_mask if memory is not None else None)
        return (text if needs_text else None), audio

    def pretraining_losses(self, batch) -> dict[str, torch.Tensor]:
        """MLM cross-entropy on masked tokens + L1 on the masked entries of masked frames."""
        losses, text = {}, None
        mlm = "mlm_labels" in batch and self.cfg.modality != "audio"
        if mlm or self.cfg.cross_attention:  # the audio-only model never runs the language stream
            text = self.text_states(batch["mlm_input_ids"], batch["attention_mask"], batch.get("text_states"))
        if mlm:
            where = batch["mlm_labels"] != -100  # the head runs on masked tokens only (a 30k vocabulary is costly)
            losses["mlm"] = F.cross_entropy(self.mlm_head(text[where]), batch["mlm_labels"][where])
        memory = text if self.cfg.cross_attention else None
        audio = self.audio(batch["masked_frames"], batch["frame_mask"], memory,
                           batch["attention_mask"] if memory is not None else None, batch.get("frame_start"))
        recon = self.mam_head(audio)
        sel = batch["mam_mask"].unsqueeze(-1).expand_as(recon)
        losses["mam"] = F.l1_loss(recon[sel], batch["frames"][sel])
        return losses

    def reconstruct(self, batch) -> torch.Tensor:
        memory = (self.text_states(batch["input_ids"], batch["attention_mask"], batch.get("text_states"))
                  if self.cfg.cross_attention else None)
        audio = self.audio(batch["masked_frames"], batch["frame_mask"], memory,
                           batch["attention_mask"] if memory is not None else None)
        return self.mam_head(audio)

    def forward(self, input_ids, attention_mask, frames, frame_mask, text_states=None):
        """h_fuse (batch, hidden) and the pooled streams (for the orthogonality term)."""
        text, audio = self.encode(input_ids, attention_mask, frames, frame_mask, text_states)
        return self.fusion(text, attention_mask, audio, frame_mask)

