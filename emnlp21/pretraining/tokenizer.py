"""A WordPiece tokenizer trained on the pre-training corpus, run by the ``tokenizers`` library, cached."""

from __future__ import annotations

import heapq
import json
from collections import Counter, defaultdict
from typing import Mapping, Sequence

from ..core.cache import digest, read_or_build
from ..core.paths import cache_dir
from .fingerprints import text_fingerprint

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
_TOKENIZER_VERSION = "wordpiece-2"  # 2: deterministic vocabulary learner


def _wrap(backend):
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(
        tokenizer_object=backend, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
        sep_token="[SEP]", mask_token="[MASK]",  # no model_max_length: corpus text is packed, not truncated
        clean_up_tokenization_spaces=True,
    )


def _merge_pair(symbols: list[int], a: int, b: int, merged: int) -> list[int]:
    """``symbols`` with every non-overlapping ``a b`` (left to right) replaced by ``merged``."""
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == a and symbols[i + 1] == b:
            out.append(merged)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def learn_wordpiece_vocabulary(word_counts: Mapping[str, int], vocab_size: int, *, min_frequency: int = 2,
                               prefix: str = "##") -> list[str]:
    """The vocabulary ``tokenizers``' WordPieceTrainer learns, learned deterministically.

    The library's trainer runs BPE merges over the words, continuation characters carrying ``##``, and
    breaks ties between equally frequent pairs by token id; but it numbers the ``##`` characters in
    hash-map order, which changes from process to process (huggingface/tokenizers#1794), so two runs on
    the same text give different ids and, at tied counts, a few different tokens. This is the same
    algorithm with the ``##`` characters numbered by code point: ties go to the pair of older tokens,
    and the vocabulary (in id order: specials, characters, ``##`` characters, merges) depends on the
    text alone. Stops at ``vocab_size`` tokens or when no pair occurs ``min_frequency`` times. The
    upstream fix (huggingface/tokenizers#2066, open) makes the same change; once it is released, the
    library's trainer can take this function's place.
    """
    words = sorted(word_counts)
    counts = [word_counts[w] for w in words]
    vocab = (list(SPECIAL_TOKENS) + sorted({c for w in words for c in w})
             + sorted({prefix + c for w in words for c in w[1:]}))
    index = {token: i for i, token in enumerate(vocab)}
    symbols = [[index[w[0]]] + [index[prefix + c] for c in w[1:]] for w in words]
    pair_counts: Counter = Counter()
    words_with: defaultdict[tuple[int, int], set[int]] = defaultdict(set)
    for i, (word, count) in enumerate(zip(symbols, counts)):
        for pair in zip(word, word[1:]):
            pair_counts[pair] += count
            words_with[pair].add(i)
    heap = [(-count, pair) for pair, count in pair_counts.items()]  # most frequent first, then older ids
    heapq.heapify(heap)
    while len(vocab) < vocab_size and heap:
        negative, pair = heapq.heappop(heap)
        count = pair_counts[pair]
        if count != -negative:  # a stale entry: requeue with the current count
            if count > 0:
                heapq.heappush(heap, (-count, pair))
            continue
        if count < min_frequency:
            break
        a, b = pair
        token = vocab[a] + vocab[b].removeprefix(prefix)
        if token not in index:
            index[token] = len(vocab)
            vocab.append(token)
        change: Counter = Counter()
        for i in sorted(words_with.pop(pair)):
            before = symbols[i]
            after = _merge_pair(before, a, b, index[token])
            if len(after) == len(before):
                continue
            for p in zip(before, before[1:]):
                change[p] -= counts[i]
            for p in zip(after, after[1:]):
                change[p] += counts[i]
                words_with[p].add(i)
            symbols[i] = after
        for p, delta in change.items():
            if delta:
                pair_counts[p] += delta
                if delta > 0:
                    heapq.heappush(heap, (-pair_counts[p], p))
    return vocab


def _build(sentences: Sequence[str], vocab_size: int, lowercase: bool):
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    normalizer = normalizers.BertNormalizer(lowercase=lowercase, strip_accents=lowercase,
                                            clean_text=True, handle_chinese_chars=True)
    pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    word_counts = Counter(word for sentence in sentences
                          for word, _ in pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(sentence)))
    vocab = learn_wordpiece_vocabulary(word_counts, vocab_size)
    tok = Tokenizer(models.WordPiece({token: i for i, token in enumerate(vocab)}, unk_token="[UNK]",
                                     max_input_chars_per_word=100))
    tok.normalizer, tok.pre_tokenizer = normalizer, pre_tokenizer
    tok.decoder = decoders.WordPiece(prefix="##")
    tok.add_special_tokens(list(SPECIAL_TOKENS))
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
    backend, _ = read_or_build(cache_dir("tokenizers") / f"{digest(spec)}.json",
                               load=lambda path: Tokenizer.from_file(str(path)),
                               build=lambda: _build(list(sentences), vocab_size, lowercase),
                               dump=lambda b: b.to_str().encode("utf-8"))
    return _wrap(backend)


def load_tokenizer(path) -> "PreTrainedTokenizerFast":  # noqa: F821
    """A tokenizer saved as ``tokenizer.json`` (as in a checkpoint entry)."""
    from tokenizers import Tokenizer

    return _wrap(Tokenizer.from_file(str(path)))
