"""A WordPiece tokenizer trained on the pre-training corpus with the ``tokenizers`` library, cached."""

from __future__ import annotations

import hashlib
import json
from typing import Sequence

from ..book.claims import write_atomic
from ..book.paths import cache_dir
from .config import text_fingerprint

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
_TOKENIZER_VERSION = "wordpiece-1"


def tokenizer_fingerprint(tokenizer) -> str:
    """A hash of the tokenizer's full definition (vocabulary, normaliser, special tokens).

    Padding and truncation are left out: ``tokenizer(..., padding=True)`` sets them on the backend as
    call-time state, which must not make the same tokenizer look like another one."""
    backend = tokenizer.backend_tokenizer
    if backend.padding is not None or backend.truncation is not None:
        from tokenizers import Tokenizer

        backend = Tokenizer.from_str(backend.to_str())
        backend.no_padding()
        backend.no_truncation()
    return hashlib.sha256(backend.to_str().encode("utf-8")).hexdigest()[:16]


def _wrap(backend):
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(
        tokenizer_object=backend, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
        sep_token="[SEP]", mask_token="[MASK]",  # no model_max_length: corpus text is packed, not truncated
        clean_up_tokenization_spaces=True,
    )


def _build(sentences: Sequence[str], vocab_size: int, lowercase: bool):
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(lowercase=lowercase, strip_accents=lowercase,
                                                clean_text=True, handle_chinese_chars=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece(prefix="##")
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=list(SPECIAL_TOKENS),
                                        min_frequency=2, show_progress=False)
    tok.train_from_iterator(sentences, trainer=trainer, length=len(sentences))
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    return tok


def train_tokenizer(sentences: Sequence[str], vocab_size: int = 8000, *, lowercase: bool = True):
    """Train (or load from the cache) a BERT-style WordPiece tokenizer on ``sentences``.

    Returns a ``transformers.PreTrainedTokenizerFast`` with [PAD] [UNK] [CLS] [SEP] [MASK] (ids 0–4)
    and BERT's single/pair templates. The cache key is a hash of the text, the size and the options.
    """
    from tokenizers import Tokenizer

    if not sentences:
        raise ValueError("train_tokenizer needs at least one sentence (got an empty list).")
    if vocab_size < len(SPECIAL_TOKENS) + 100:
        raise ValueError(f"vocab_size={vocab_size} is too small; use at least a few thousand.")
    spec = json.dumps([_TOKENIZER_VERSION, text_fingerprint(sentences), vocab_size, lowercase])
    path = cache_dir("tokenizers") / f"{hashlib.sha256(spec.encode()).hexdigest()[:20]}.json"
    backend = None
    if path.is_file():
        try:
            backend = Tokenizer.from_file(str(path))
        except Exception:  # a truncated or corrupted entry: rebuild it
            backend = None
    if backend is None:
        backend = _build(list(sentences), vocab_size, lowercase)
        write_atomic(path, backend.to_str().encode("utf-8"))
    return _wrap(backend)


def load_tokenizer(path) -> "PreTrainedTokenizerFast":  # noqa: F821
    """A tokenizer saved as ``tokenizer.json`` (as in a checkpoint entry)."""
    from tokenizers import Tokenizer

    return _wrap(Tokenizer.from_file(str(path)))
