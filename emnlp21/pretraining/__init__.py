"""Small masked language models pre-trained from scratch, and the fine-tuning suite that compares them.

Three chapters (Sinha+ word order, Yamaguchi+ objectives, Wei+ word frequency) choose variants;
everything else lives here, once::

    from emnlp21 import pretraining as pt

    tok = pt.train_tokenizer(corpus.train, vocab_size=8000)             # cached by a hash
    cfg = pt.PretrainConfig.for_corpus("bible+shakespeare", corpus.train, tok,
                                       layers=2, hidden=128, steps=600)  # every field = cache key
    model = pt.pretrain(cfg, corpus.train, tok)                          # trained once, then loaded
    model.log                                                            # step, loss, tokens, seconds
    scores = pt.finetune_suite({"MN": model}, pt.build_tasks(), seeds=(0, 1))

A variant is a changed field: ``cfg.replace(positions=False)`` (no position embeddings: Sinha's
MNP), ``cfg.replace(objective="shuffle")`` (an objective registered with
:func:`register_objective`), or other sentences with another ``corpus_id`` (a shuffled or
frequency-controlled corpus). ``cfg.replace(steps=0)`` is the randomly initialised model.

Modules: ``config`` (the frozen configuration and its hash), ``fingerprints`` (of the text and the
tokenizer a model saw), ``tokenizer``, ``objectives`` (the
:class:`Objective` interface and MLM), ``modeling`` (encoder + head, FLOPs), ``data`` (packing),
``train`` (the loop and the checkpoint cache), ``evaluate`` (held-out MLM loss against the unigram floor),
``tasks``, ``finetune`` (the downstream suite, early-stopped on dev) and ``baselines`` (majority class
and TF-IDF rows on the same splits).
"""

from .config import LIBRARY_VERSION, Pretrained, PretrainConfig
from .baselines import reference_items, reference_scores
from .data import pack_sequences, tokenize_corpus
from .evaluate import heldout_report, mask_logits, score_forms, whole_word_ids
from .fingerprints import text_fingerprint, tokenizer_fingerprint
from .finetune import FinetuneConfig, finetune, finetune_suite, item_results, protocol_steps, summarise
from .modeling import PretrainingModel, build_encoder, flops_per_step
from .objectives import MLM, Objective, TokenBatch, get_objective, objective_names, register_objective
from .tasks import Task, build_tasks, locally_shuffle, swap_two_words
from .tokenizer import train_tokenizer
from .train import load_checkpoint, load_pretrained, pretrain

__all__ = [
    "LIBRARY_VERSION", "Pretrained", "PretrainConfig", "text_fingerprint", "pack_sequences", "tokenize_corpus",
    "reference_scores", "reference_items", "heldout_report", "mask_logits", "score_forms", "whole_word_ids",
    "protocol_steps",
    "FinetuneConfig", "finetune", "finetune_suite", "item_results", "summarise", "PretrainingModel", "build_encoder",
    "flops_per_step", "MLM", "Objective", "TokenBatch", "get_objective", "objective_names",
    "register_objective", "Task", "build_tasks", "locally_shuffle", "swap_two_words",
    "tokenizer_fingerprint", "train_tokenizer", "load_checkpoint", "load_pretrained", "pretrain",
]
