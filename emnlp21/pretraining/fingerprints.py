"""Fingerprints of what a model saw: the exact text and the exact tokenizer (both in every cache key)."""

from __future__ import annotations

import hashlib
from typing import Iterable

from tokenizers import Tokenizer


def text_fingerprint(sentences: Iterable[str]) -> str:
    """A short hash of a list of sentences (order matters): names the exact text a model saw."""
    h = hashlib.sha256()
    for s in sentences:
        h.update(s.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()[:16]


def tokenizer_fingerprint(tokenizer) -> str:
    """A hash of the tokenizer's full definition (vocabulary, normaliser, special tokens).

    Padding and truncation are left out: ``tokenizer(..., padding=True)`` sets them on the backend as
    call-time state, which must not make the same tokenizer look like another one."""
    backend = tokenizer.backend_tokenizer
    if backend.padding is not None or backend.truncation is not None:
        backend = Tokenizer.from_str(backend.to_str())
        backend.no_padding()
        backend.no_truncation()
    return hashlib.sha256(backend.to_str().encode("utf-8")).hexdigest()[:16]
