"""Yamaguchi+ 2021's five token-level pre-training objectives, light alternatives to MLM.

Each objective corrupts packed token rows and asks a single linear layer over the last hidden state
to classify every (or every masked) token into a handful of classes, instead of MLM's softmax over
the whole vocabulary. Importing this module registers them with the pre-training toolkit, so
``cfg.replace(objective="shuffle_random")`` trains one.

Choices follow the authors' code (light-transformer-emnlp2021), with three documented differences:

* Shuffle moves the chosen tokens along one random cycle *among themselves* (their code draws from
  one random permutation of the whole row), so a row keeps its multiset of tokens and every chosen
  position receives another position's token.
* A shuffled position whose token equals the one it replaced (two "the" swapped) is labelled
  *original*: the label says what the input shows, not what the collator attempted.
* Random replacements are drawn from the non-special vocabulary and never equal the original token;
  binary labels are on every real, non-special token (their code also labels [CLS]/[SEP] as 0).

Labels (as in their code): Shuffle+Random 0 original / 1 shuffled / 2 random; Token Type 0 content /
1 stop word / 2 digit / 3 punctuation; First Char 0–25 a–z / 26 punctuation / 27 digit / 28 other.
Shuffle and Random use one logit with a binary cross-entropy, as theirs do.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import torch
from torch import nn
from torch.nn import functional as F

from ..pretraining.objectives import IGNORE, Objective, TokenBatch, register_objective

# Objective keys in the order of the paper's tables, with the paper's labels.
LABELS = {
    "mlm": "MLM",
    "shuffle": "Shuffle",
    "random": "Random",
    "shuffle_random": "Shuffle+Random",
    "token_type": "Token Type",
    "first_char": "First Char",
}
TOKEN_TYPES = ("content", "stop word", "digit", "punctuation")
FIRST_CHAR_CLASSES = tuple("abcdefghijklmnopqrstuvwxyz") + ("punctuation", "digit", "other")
PUNCT, DIGIT, OTHER = 26, 27, 28



def _check_rate(name: str, value: float) -> None:
    if not 0 < value < 1:
        raise ValueError(f"{name}={value!r} must be a fraction strictly between 0 and 1 (the paper uses 0.15 or 0.10).")


# --------------------------------------------------------------------------- token classes

def _piece(token: str) -> str:
    """The characters of a WordPiece token ("##ing" → "ing")."""
    return token[2:] if token.startswith("##") and len(token) > 2 else token


def _is_punctuation(text: str) -> bool:
    # Unicode punctuation and symbols ($, +, §): the pieces BERT's pre-tokenizer splits off alone.
    return bool(text) and all(unicodedata.category(c)[0] in "PS" for c in text)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop-word list (the authors used NLTK's; spaCy is in our environment)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def token_type(token: str) -> int:
    """0 content, 1 stop word, 2 digit, 3 punctuation (later checks win, as in the authors' code).

    Stop words are whole words only: the continuation piece "##as" is not the word "as".
    """
    text = _piece(token)
    label = 0
    if not token.startswith("##") and text.lower() in stop_words():
        label = 1
    if text.isdigit():
        label = 2
    if _is_punctuation(text):
        label = 3
    return label


def first_char_class(token: str) -> int:
    """0–25 for a first letter a–z (accents stripped, any case), 26 punctuation, 27 digit, 28 other."""
    text = _piece(token)
    if _is_punctuation(text):
        return PUNCT
    if text.isdigit():
        return DIGIT
    first = unicodedata.normalize("NFKD", text[:1].lower())[:1]
    return ord(first) - ord("a") if "a" <= first <= "z" else OTHER


def _vocabulary(tokenizer) -> list[str]:
    return tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))


def class_table(tokenizer, classify) -> torch.Tensor:
    """``classify(token)`` for every id of the vocabulary, as a LongTensor lookup table [V].
    Special tokens get -100: they are never labelled."""
    table = torch.tensor([classify(t) for t in _vocabulary(tokenizer)], dtype=torch.long)
    table[sorted(tokenizer.all_special_ids)] = IGNORE
    return table


# --------------------------------------------------------------------------- manipulations

def _real(input_ids: torch.Tensor, special_mask: torch.Tensor) -> torch.Tensor:
    if input_ids.shape != special_mask.shape:
        raise ValueError(f"input_ids {tuple(input_ids.shape)} and special_mask {tuple(special_mask.shape)} differ in shape")
    return ~special_mask


def choose(shape, rate: float, allowed: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Each allowed position independently with probability ``rate`` (a Bernoulli mask)."""
    return (torch.rand(shape, generator=generator) < rate) & allowed


def shuffle_among(input_ids: torch.Tensor, chosen: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Move the tokens at the ``chosen`` positions of each row along one random cycle among themselves.

    Every chosen position receives the token of another chosen position of the same row (a row with
    a single chosen position keeps it); all other positions are untouched; each row keeps its
    multiset. Vectorised: sort the chosen positions into a random order, then rotate by one.
    """
    B, T = input_ids.shape
    position = torch.arange(T).expand(B, T)
    # Chosen positions first, in random order; the rest after, in position order.
    keys = torch.where(chosen, torch.rand((B, T), generator=generator), 1.0 + position / T)
    order = keys.argsort(dim=1)
    n = chosen.sum(dim=1, keepdim=True)
    k = torch.arange(T).expand(B, T)
    source_rank = torch.where(k < n - 1, k + 1, torch.where(k == n - 1, torch.zeros_like(k), k))
    source = order.gather(1, source_rank)
    out = input_ids.clone()
    out.scatter_(1, order, input_ids.gather(1, source))
    return out


def random_tokens(input_ids: torch.Tensor, n_special: int, vocab_size: int,
                  generator: torch.Generator) -> torch.Tensor:
    """A random non-special id at every position, never equal to the token already there."""
    if vocab_size - n_special < 2:
        raise ValueError("random replacement needs at least two non-special tokens in the vocabulary")
    r = torch.randint(n_special, vocab_size - 1, input_ids.shape, generator=generator)
    # Skip over the original id: uniform over the other non-special ids.
    return r + (r >= input_ids).long() * (input_ids >= n_special).long()


# --------------------------------------------------------------------------- objectives

class _Binary(Objective):
    """One logit per token and a binary cross-entropy over every labelled token (the authors' heads)."""

    predicted_fraction = 1.0

    def __init__(self, rate: float = 0.15):
        _check_rate("rate", rate)
        super().__init__(rate=rate)
        self.rate = rate

    def num_classes(self, tokenizer) -> int:
        return 1

    def loss(self, head: nn.Module, hidden: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        where = labels != IGNORE
        logits = head(hidden[where]).squeeze(-1)
        return F.binary_cross_entropy_with_logits(logits.float(), labels[where].float())


class Shuffle(_Binary):
    """``rate`` of the real tokens are shuffled among themselves; every real token is labelled
    1 (its token changed) or 0."""

    name = "shuffle"

    def make_batch(self, input_ids, special_mask, tokenizer, generator):
        real = _real(input_ids, special_mask)
        out = shuffle_among(input_ids, choose(input_ids.shape, self.rate, real, generator), generator)
        labels = torch.where(real, (out != input_ids).long(), IGNORE)
        return TokenBatch(out, labels, (input_ids != tokenizer.pad_token_id).long())


class Random(_Binary):
    """``rate`` of the real tokens are replaced by a different random token; labels 1 replaced / 0."""

    name = "random"

    def make_batch(self, input_ids, special_mask, tokenizer, generator):
        real = _real(input_ids, special_mask)
        replaced = choose(input_ids.shape, self.rate, real, generator)
        rand = random_tokens(input_ids, len(tokenizer.all_special_ids), len(tokenizer), generator)
        out = torch.where(replaced, rand, input_ids)
        labels = torch.where(real, replaced.long(), IGNORE)
        return TokenBatch(out, labels, (input_ids != tokenizer.pad_token_id).long())


class ShuffleRandom(Objective):
    """``rate`` of the real tokens shuffled, then ``rate`` of the rest replaced at random;
    three classes on every real token: 0 original, 1 shuffled, 2 random."""

    name = "shuffle_random"
    predicted_fraction = 1.0

    def __init__(self, rate: float = 0.10):
        _check_rate("rate", rate)
        super().__init__(rate=rate)
        self.rate = rate

    def num_classes(self, tokenizer) -> int:
        return 3

    def make_batch(self, input_ids, special_mask, tokenizer, generator):
        real = _real(input_ids, special_mask)
        shuffled = choose(input_ids.shape, self.rate, real, generator)
        out = shuffle_among(input_ids, shuffled, generator)
        replaced = choose(input_ids.shape, self.rate, real & ~shuffled, generator)
        rand = random_tokens(input_ids, len(tokenizer.all_special_ids), len(tokenizer), generator)
        out = torch.where(replaced, rand, out)
        labels = torch.where(replaced, 2, (out != input_ids).long())
        labels = torch.where(real, labels, IGNORE)
        return TokenBatch(out, labels, (input_ids != tokenizer.pad_token_id).long())


class _MaskedClass(Objective):
    """``rate`` of the real tokens always become [MASK]; the head predicts a class of the hidden token."""

    classify = staticmethod(token_type)
    classes: tuple[str, ...] = ()

    def __init__(self, rate: float = 0.15):
        _check_rate("rate", rate)
        super().__init__(rate=rate)
        self.rate = rate
        self.predicted_fraction = rate
        self._tables: dict[tuple[int, int], torch.Tensor] = {}

    def num_classes(self, tokenizer) -> int:
        return len(self.classes)

    def table(self, tokenizer) -> torch.Tensor:
        key = (id(tokenizer), len(tokenizer))  # built once per tokenizer: one pass over the vocabulary
        if key not in self._tables:
            self._tables[key] = class_table(tokenizer, self.classify)
        return self._tables[key]

    def make_batch(self, input_ids, special_mask, tokenizer, generator):
        masked = choose(input_ids.shape, self.rate, _real(input_ids, special_mask), generator)
        labels = torch.where(masked, self.table(tokenizer)[input_ids], IGNORE)
        out = torch.where(masked, tokenizer.mask_token_id, input_ids)
        return TokenBatch(out, labels, (input_ids != tokenizer.pad_token_id).long())


class TokenType(_MaskedClass):
    name = "token_type"
    classify = staticmethod(token_type)
    classes = TOKEN_TYPES


class FirstChar(_MaskedClass):
    name = "first_char"
    classify = staticmethod(first_char_class)
    classes = FIRST_CHAR_CLASSES


OBJECTIVES = {cls.name: cls for cls in (Shuffle, Random, ShuffleRandom, TokenType, FirstChar)}
for _name, _cls in OBJECTIVES.items():
    register_objective(_name, _cls)
