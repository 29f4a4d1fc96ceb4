"""The book's shared masked language models, as any chapter may load them by profile name.

The real-text model is the one that small_models, Sinha+ (MN) and Yamaguchi+ (MLM) train from the
profile's ``real_text`` settings; the grammar model is Sinha+'s natural-order grammar MLM. Both come
from the checkpoint cache when a chapter has trained them, and are trained here otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import corpora, grammar
from ..pretraining import PretrainConfig, Pretrained, pretrain, train_tokenizer
from .params import parameters


@dataclass
class SharedModel:
    model: Pretrained
    train: list[str]  # the text it was trained on
    heldout: list[str]  # text it never saw (same distribution)


def real_text_inputs(profile: str = "quick"):
    """The real-text model's parameters (``small_models`` section), corpus and tokenizer (both cached)."""
    P = parameters("small_models", {"profile": profile})
    corpus = corpora.load_corpus(max_words=P.max_words)
    return P, corpus, train_tokenizer(corpus.train, vocab_size=P.vocab_size)


def grammar_inputs(profile: str = "quick"):
    """The grammar model's parameters (``sinha`` section), training sentences and tokenizer (cached)."""
    P = parameters("sinha", {"profile": profile})
    text = grammar.generate_corpus(P.grammar_sentences, seed=P.seed)
    return P, text, train_tokenizer(text, vocab_size=P.grammar_vocab)


def real_text_model(profile: str = "quick", *, device: str = "auto", progress: bool = True) -> SharedModel:
    """The real-text MLM of ``profile`` (its ``small_models`` section), with its training and held-out text."""
    P, corpus, tok = real_text_inputs(profile)
    config = PretrainConfig.from_profile(P.corpus_id, corpus.train, tok, P)
    model = pretrain(config, corpus.train, tok, device=device, progress=progress, save_at=P.checkpoint_steps)
    return SharedModel(model, corpus.train, corpus.heldout)


def grammar_model(profile: str = "quick", *, device: str = "auto", progress: bool = True) -> SharedModel:
    """Sinha+'s natural-order grammar MLM of ``profile`` (its ``sinha`` section), with held-out grammar sentences."""
    P, text, tok = grammar_inputs(profile)
    config = grammar.pretrain_config(P, text, tok)
    save_at = [s for s in P.grammar_checkpoint_steps if 0 < s < config.steps]  # as the chapter keeps them
    model = pretrain(config, text, tok, device=device, progress=progress, save_at=save_at)
    return SharedModel(model, text, grammar.generate_corpus(2000, seed=P.seed + 1))
