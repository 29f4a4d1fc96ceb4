"""Packing tokenised sentences into fixed-length rows: no padding waste, every token exactly once."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch


def tokenize_corpus(sentences: Sequence[str], tokenizer, batch: int = 10_000) -> list[list[int]]:
    """Token ids of each sentence, without special tokens (batched through the fast tokenizer)."""
    ids: list[list[int]] = []
    for i in range(0, len(sentences), batch):
        ids += tokenizer(list(sentences[i:i + batch]), add_special_tokens=False)["input_ids"]
    return ids


def pack_sequences(token_ids: Sequence[Sequence[int]], seq_len: int, *, cls_id: int, sep_id: int,
                   pad_id: int) -> torch.Tensor:
    """Rows of ``seq_len`` ids: ``[CLS]`` then the next ``seq_len - 1`` ids of the stream
    ``s1 [SEP] s2 [SEP] ...``. Sentences run across rows (as in RoBERTa's FULL-SENTENCES packing);
    only the last row is padded. Returns a LongTensor [rows, seq_len]."""
    if seq_len < 2:
        raise ValueError("seq_len must be at least 2 ([CLS] + one token)")
    lengths = np.fromiter((len(s) + 1 for s in token_ids), dtype=np.int64, count=len(token_ids))
    stream = np.full(int(lengths.sum()), sep_id, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    for start, s in zip(starts, token_ids):
        stream[start:start + len(s)] = s
    width = seq_len - 1
    rows = -(-len(stream) // width)
    body = np.full(rows * width, pad_id, dtype=np.int64)
    body[:len(stream)] = stream
    packed = np.concatenate([np.full((rows, 1), cls_id, dtype=np.int64), body.reshape(rows, width)], axis=1)
    return torch.from_numpy(packed)


def special_mask(input_ids: torch.Tensor, tokenizer) -> torch.Tensor:
    """True where a token is special ([CLS], [SEP], [PAD], ...): objectives never corrupt those."""
    specials = torch.tensor(sorted(tokenizer.all_special_ids), dtype=input_ids.dtype)
    return torch.isin(input_ids, specials)
