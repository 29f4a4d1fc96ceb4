"""The corpus and model variants of Table 1, §4.2's shuffled fine-tuning text, and the order that
word-level shuffling leaks through subword segmentation."""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

import numpy as np

from ..pretraining import text_fingerprint

CORPUS_VARIANTS = ("MN", "M4", "M3", "M2", "M1", "MUG")
MODEL_VARIANTS = ("MNP", "MRI")
VARIANTS = ("MN", "M4", "M3", "M2", "M1", "MNP", "MUG", "MRI")  # Table 1's row order
_NGRAM = {"M1": 1, "M2": 2, "M3": 3, "M4": 4}


def ngram_size(variant: str) -> int | None:
    """n for ``M<n>``, None for the others; an unknown name is an error listing the known ones."""
    if variant not in VARIANTS:
        raise ValueError(f"Unknown variant {variant!r}; use one of {', '.join(VARIANTS)}.")
    return _NGRAM.get(variant)


def _flatten(sentences: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """All whitespace words in one object array, and each sentence's word count."""
    split = [s.split() for s in sentences]
    lengths = np.fromiter((len(w) for w in split), dtype=np.int64, count=len(split))
    words = np.empty(int(lengths.sum()), dtype=object)
    words[:] = [w for ws in split for w in ws]
    return words, lengths


def _join(words: np.ndarray, lengths: np.ndarray) -> list[str]:
    ends = np.cumsum(lengths)
    return [" ".join(words[e - n:e]) for e, n in zip(ends.tolist(), lengths.tolist())]


def ngram_permutation(lengths: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """A word index permutation that shuffles consecutive blocks of ``n`` words within each sentence.

    ``lengths`` are the sentences' word counts, laid out back to back. Blocks are ordered by random
    keys inside their sentence (one ``lexsort`` for the whole corpus); sentences with two or more
    blocks that come out in their original order are drawn again, so every such sentence changes.
    """
    if n < 1:
        raise ValueError(f"n-gram size must be at least 1, not {n}.")
    lengths = np.asarray(lengths, dtype=np.int64)
    blocks_per_sentence = -(-lengths // n)
    sentence_of_block = np.repeat(np.arange(len(lengths)), blocks_per_sentence)
    block_start_in_sentence = (np.arange(len(sentence_of_block))
                               - np.repeat(np.cumsum(blocks_per_sentence) - blocks_per_sentence,
                                           blocks_per_sentence)) * n
    sentence_start = np.cumsum(lengths) - lengths
    block_start = sentence_start[sentence_of_block] + block_start_in_sentence
    block_len = np.minimum(n, lengths[sentence_of_block] - block_start_in_sentence)

    keys = rng.random(len(sentence_of_block))
    movable = blocks_per_sentence >= 2
    for _ in range(100):  # P(identity) <= 1/2 per sentence and draw: 100 draws never all fail
        order = np.lexsort((keys, sentence_of_block))
        stayed = np.ones(len(lengths), dtype=bool)
        moved = order != np.arange(len(order))
        np.logical_and.at(stayed, sentence_of_block, ~moved)
        redo = stayed & movable
        if not redo.any():
            break
        again = redo[sentence_of_block]
        keys[again] = rng.random(int(again.sum()))
    # Expand the block order into word indices: each block contributes start..start+len-1.
    starts, lens = block_start[order], block_len[order]
    offsets = np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens)
    return np.repeat(starts, lens) + offsets


def shuffle_ngrams(sentences: Sequence[str], n: int, seed: int) -> list[str]:
    """``M<n>``: every sentence with its consecutive ``n``-word blocks in a random order.

    Deterministic for a given ``(sentences, n, seed)``. Keeps each sentence's word multiset and the
    sentence boundaries; the last block of a sentence may be shorter than ``n``.
    """
    words, lengths = _flatten(sentences)
    rng = np.random.default_rng([seed, n])
    return _join(words[ngram_permutation(lengths, n, rng)], lengths)


def unigram_distribution(sentences: Iterable[str]) -> tuple[list[str], np.ndarray]:
    """The corpus's whitespace words (most frequent first) and their relative frequencies."""
    counts = Counter(w for s in sentences for w in s.split())
    if not counts:
        raise ValueError("The corpus has no words; pass a non-empty list of sentences.")
    vocab, freq = zip(*counts.most_common())
    freq = np.asarray(freq, dtype=np.float64)
    return list(vocab), freq / freq.sum()


def sample_unigram(sentences: Sequence[str], seed: int) -> list[str]:
    """``MUG``: each sentence replaced by the same number of words drawn i.i.d. from the corpus's
    unigram distribution — word frequencies and sentence lengths kept, all co-occurrence lost."""
    vocab, p = unigram_distribution(sentences)
    lengths = np.fromiter((len(s.split()) for s in sentences), dtype=np.int64, count=len(sentences))
    rng = np.random.default_rng([seed, 0x5A6])
    draws = rng.choice(len(vocab), size=int(lengths.sum()), p=p)
    return _join(np.asarray(vocab, dtype=object)[draws], lengths)


def corpus_variant(variant: str, sentences: Sequence[str], seed: int = 0) -> list[str]:
    """The pre-training sentences of a corpus variant (``MN``, ``M1``–``M4``, ``MUG``).

    ``MNP`` and ``MRI`` train on the natural corpus: they return it unchanged."""
    n = ngram_size(variant)
    if n is not None:
        return shuffle_ngrams(sentences, n, seed)
    if variant == "MUG":
        return sample_unigram(sentences, seed)
    return list(sentences)


def corpus_id(base_id: str, variant: str, seed: int = 0) -> str:
    """The ``corpus_id`` of a variant's text: the natural text keeps the base id (shared cache)."""
    if variant in ("MN",) + MODEL_VARIANTS:
        return base_id
    ngram_size(variant)
    return f"{base_id}+sinha-{variant.lower()}-s{seed}"


def variant_config(base, variant: str, sentences: Sequence[str], seed: int = 0):
    """The toolkit's ``PretrainConfig`` of a variant, from the natural model's ``base`` config.

    Returns ``(config, sentences)``: the sentences to pre-train on and a config that differs from
    ``base`` in exactly one respect — the text (``M1``–``M4``, ``MUG``, with its own fingerprint),
    ``positions=False`` (``MNP``) or ``steps=0`` (``MRI``). ``MN`` returns ``base`` itself, so it is
    the cache entry the other pre-training chapters share.
    """
    text = corpus_variant(variant, sentences, seed)
    if variant == "MN":
        return base, text
    if variant == "MNP":
        return base.replace(positions=False), text
    if variant == "MRI":
        return base.replace(steps=0), text
    return base.replace(corpus_id=corpus_id(base.corpus_id, variant, seed),
                        corpus_fingerprint=text_fingerprint(text)), text


# --- §4.2: fine-tuning on shuffled text ---------------------------------------------------------

def shuffle_text(text: str, rng, n: int = 1) -> str:
    """§4.2's fine-tuning transform: the words of one text in shuffled blocks of ``n``.

    Has the toolkit's ``train_transform(text, rng)`` signature (``rng``: a ``random.Random``), so
    ``finetune_suite(..., train_transform=shuffle_text)`` tunes on shuffled training texts and
    judges on natural dev and test texts. Use ``functools.partial(shuffle_text, n=2)`` for blocks.
    """
    words = text.split()
    blocks = [words[i:i + n] for i in range(0, len(words), n)]
    rng.shuffle(blocks)
    return " ".join(w for b in blocks for w in b)


# --- Ravishankar+ 2022: order that leaks through subword segmentation ---------------------------

def adjacent_pairs(ids: Sequence[int]) -> Counter:
    return Counter(zip(ids[:-1], ids[1:]))


def adjacent_pair_overlap(original: Sequence[Sequence[int]], shuffled: Sequence[Sequence[int]]) -> float:
    """Share of the original sequences' adjacent token pairs that are still adjacent after shuffling
    (multiset intersection, pooled over sequences). Word-level shuffling keeps every pair inside a
    word (``play ##ed``); shuffling after segmentation keeps only chance pairs."""
    if len(original) != len(shuffled):
        raise ValueError(f"{len(original)} original vs {len(shuffled)} shuffled sequences: pair them 1:1.")
    kept = total = 0
    for a, b in zip(original, shuffled):
        pa = adjacent_pairs(list(a))
        kept += sum((pa & adjacent_pairs(list(b))).values())
        total += sum(pa.values())
    return kept / total if total else float("nan")


def shuffle_token_ids(token_ids: Sequence[Sequence[int]], seed: int) -> list[list[int]]:
    """Unigram shuffling *after* subword segmentation (the leak-free variant of M1)."""
    lengths = np.fromiter((len(t) for t in token_ids), dtype=np.int64, count=len(token_ids))
    flat = np.fromiter((i for t in token_ids for i in t), dtype=np.int64, count=int(lengths.sum()))
    perm = ngram_permutation(lengths, 1, np.random.default_rng([seed, 1, 0x5B]))
    out, ends = flat[perm], np.cumsum(lengths)
    return [out[e - k:e].tolist() for e, k in zip(ends.tolist(), lengths.tolist())]
