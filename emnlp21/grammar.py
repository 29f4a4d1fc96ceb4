"""A small probabilistic grammar of English: a controlled corpus, two fine-tuning tasks and a probe.

Real text at CPU scale teaches a tiny model little beyond word frequencies in a few hundred steps,
so questions about word order stay inconclusive there. This grammar is a second, controlled
setting where a 2-layer model learns within a minute, and where we know exactly what information
each task needs:

* The corpus: simple English sentences about one of two *fields* (a farm or an office), with
  number agreement between subject and verb (``the dog chases`` / ``the dogs chase``),
  prepositional phrases and relative clauses that put an *attractor* noun between a subject and
  its verb (``the dog near the cats runs``), and passives (``the cats are fed by the farmer``).
  Each sentence draws its content words from one field, so a word's field is learnable from its
  co-occurrences alone — the distributional signal that survives shuffling.
* ``topic`` (order-free): which field a sentence is about. Training sentences use only half of
  each field's content words, dev and test sentences only the other half, so the classifier must
  rely on what pre-training taught about the unseen words' neighbours: a model without
  pre-training, or pre-trained on unigram samples (no co-occurrence), is at chance by design.
* ``word_order`` (order-sensitive): a sentence as generated, or with its words shuffled in windows
  of three (the toolkit's construction): both classes share their bags of words.
* ``agreement`` (order-sensitive, zero-shot; :func:`agreement_probe`): sentences with the agreeing
  verb masked; the MLM must prefer the verb form that agrees with the subject. With an attractor of
  the other number inside the subject, head and attractor are two nouns of opposite number in the
  same bag of words, so a model blind to order is at chance by construction. No fine-tuning: this asks what pre-training itself
  learned, as the targeted syntactic evaluations of Linzen+ 2016 and Goldberg 2019 do.

Everything is drawn from a seeded ``random.Random``: the same seed gives the same sentences.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

import pandas as pd

# Per field: nouns (singular, plural), transitive verbs (3sg, plural, participle), intransitive
# verbs (3sg, plural), adjectives. Function words are shared by both fields.
LEXICON = {
    "farm": {
        "nouns": [("dog", "dogs"), ("cat", "cats"), ("horse", "horses"), ("cow", "cows"), ("goat", "goats"),
                  ("pig", "pigs"), ("duck", "ducks"), ("hen", "hens"), ("farmer", "farmers"), ("lamb", "lambs"),
                  ("fox", "foxes"), ("rabbit", "rabbits")],
        "vt": [("chases", "chase", "chased"), ("feeds", "feed", "fed"), ("follows", "follow", "followed"),
               ("watches", "watch", "watched"), ("kicks", "kick", "kicked"), ("bites", "bite", "bitten"),
               ("herds", "herd", "herded"), ("scares", "scare", "scared")],
        "vi": [("barks", "bark"), ("grazes", "graze"), ("sleeps", "sleep"), ("runs", "run"),
               ("jumps", "jump"), ("wanders", "wander")],
        "adj": ["hungry", "muddy", "brown", "wild", "fat", "tame"],
    },
    "office": {
        "nouns": [("doctor", "doctors"), ("lawyer", "lawyers"), ("teacher", "teachers"), ("driver", "drivers"),
                  ("banker", "bankers"), ("pilot", "pilots"), ("clerk", "clerks"), ("nurse", "nurses"),
                  ("officer", "officers"), ("student", "students"), ("manager", "managers"), ("judge", "judges")],
        "vt": [("hires", "hire", "hired"), ("pays", "pay", "paid"), ("calls", "call", "called"),
               ("meets", "meet", "met"), ("helps", "help", "helped"), ("thanks", "thank", "thanked"),
               ("visits", "visit", "visited"), ("emails", "email", "emailed")],
        "vi": [("works", "work"), ("waits", "wait"), ("writes", "write"), ("travels", "travel"),
               ("speaks", "speak"), ("resigns", "resign")],
        "adj": ["busy", "rich", "young", "tired", "famous", "polite"],
    },
}
FIELDS = tuple(LEXICON)
_NOUN_NUMBER = {form: number for lex in LEXICON.values() for pair in lex["nouns"] for number, form in enumerate(pair)}
PREPOSITIONS = ("near", "behind", "beside", "with")


@dataclass(frozen=True)
class GrammarSettings:
    """Probabilities of the optional constructions (each decision is one draw)."""

    adjective: float = 0.3  # an adjective before a noun
    modifier: float = 0.5  # a PP or a relative clause after the subject
    object_modifier: float = 0.15  # a PP after an object
    transitive: float = 0.45  # else intransitive or passive (half each)
    plural: float = 0.5


def _half(words: list, part: int | None) -> list:
    """All words (``part=None``) or one of two fixed halves (even / odd positions)."""
    return words if part is None else words[part::2]


class _Generator:
    """Draws sentences of one field; ``part`` restricts content words to one half of the lexicon."""

    def __init__(self, rng: random.Random, settings: GrammarSettings, field: str, part: int | None = None):
        lex = LEXICON[field]
        self.rng, self.s = rng, settings
        self.nouns, self.vt = _half(lex["nouns"], part), _half(lex["vt"], part)
        self.vi, self.adj = _half(lex["vi"], part), _half(lex["adj"], part)

    def number(self) -> int:  # 0 singular, 1 plural
        return int(self.rng.random() < self.s.plural)

    def noun_phrase(self, num: int) -> tuple[list[str], int]:
        """``the [adj] noun``; returns the words and the position of the head noun."""
        words = ["the"] + ([self.rng.choice(self.adj)] if self.rng.random() < self.s.adjective else [])
        words.append(self.rng.choice(self.nouns)[num])
        return words, len(words) - 1

    def modifier(self, head_num: int) -> tuple[list[str], int]:
        """A PP or relative clause with an attractor noun of the *other* number; returns the words
        and the attractor's position in them."""
        other = 1 - head_num
        kind = self.rng.randrange(3)
        if kind == 0:  # near the cats
            np_, k = self.noun_phrase(other)
            return [self.rng.choice(PREPOSITIONS)] + np_, 1 + k
        verb = self.rng.choice(self.vt)
        np_, k = self.noun_phrase(other)
        if kind == 1:  # that chases the cats (subject relative: the verb agrees with the head)
            return ["that", verb[head_num]] + np_, 2 + k
        return ["that"] + np_ + [verb[other]], 1 + k  # that the cats chase (object relative)

    def verb_phrase(self, num: int) -> tuple[list[str], tuple[str, str]]:
        """The predicate of a subject of number ``num``; its first word agrees (returned as the
        (singular, plural) pair of that word)."""
        r = self.rng.random()
        if r < self.s.transitive:
            obj, _ = self.noun_phrase(self.number())
            if self.rng.random() < self.s.object_modifier:  # the goats near the fox
                obj += [self.rng.choice(PREPOSITIONS)] + self.noun_phrase(self.number())[0]
            verb = self.rng.choice(self.vt)
            return [verb[num]] + obj, verb[:2]
        if r < self.s.transitive + (1 - self.s.transitive) / 2:
            verb = self.rng.choice(self.vi)
            return [verb[num]], verb
        agent, _ = self.noun_phrase(self.number())
        return [("is", "are")[num], self.rng.choice(self.vt)[2], "by"] + agent, ("is", "are")

    def sentence(self, force_attractor: bool = False) -> "Parse":
        num = self.number()
        words, head = self.noun_phrase(num)
        attractor = None
        if force_attractor or self.rng.random() < self.s.modifier:
            mod, k = self.modifier(num)
            attractor = len(words) + k
            words += mod
        predicate, forms = self.verb_phrase(num)
        return Parse(words + predicate + ["."], num, head, attractor, len(words), forms)


@dataclass(frozen=True)
class Parse:
    """A generated sentence and where its agreement lives: the subject's number (0 sg, 1 pl), its
    head noun, the attractor noun inside the subject (or None), and the agreeing verb with its
    (singular, plural) forms."""

    words: list[str]
    number: int
    head: int
    attractor: int | None
    verb: int
    verb_forms: tuple[str, str]


def pretrain_config(params, sentences, tokenizer, **overrides):
    """The grammar model's :class:`~emnlp21.pretraining.PretrainConfig`: the model fields of a
    profile section with its ``grammar_*`` schedule. Sinha's and Yamaguchi's sections give the same
    values (a test checks it), so their natural-order MLM is one cache entry."""
    from .pretraining import PretrainConfig

    schedule = {"steps": params["grammar_steps"], "seq_len": params["grammar_seq_len"],
                "batch_size": params["grammar_batch_size"], "lr": params["grammar_lr"],
                "dropout": params["grammar_dropout"]}
    return PretrainConfig.from_profile("grammar", sentences, tokenizer, params, **{**schedule, **overrides})


def generate_corpus(n_sentences: int, seed: int = 0, settings: GrammarSettings = GrammarSettings()) -> list[str]:
    """``n_sentences`` sentences, each about a field drawn uniformly, from the whole lexicon."""
    if n_sentences < 1:
        raise ValueError(f"n_sentences must be positive, got {n_sentences}.")
    rng = random.Random(seed)
    gens = {f: _Generator(rng, settings, f) for f in FIELDS}
    return [" ".join(gens[rng.choice(FIELDS)].sentence().words) for _ in range(n_sentences)]


def _topic_items(n: int, part: int, rng: random.Random, settings: GrammarSettings) -> pd.DataFrame:
    gens = {f: _Generator(rng, settings, f, part) for f in FIELDS}
    rows = []
    for _ in range(n):
        label = rng.randrange(len(FIELDS))
        rows.append({"text": " ".join(gens[FIELDS[label]].sentence().words), "label": label})
    return pd.DataFrame(rows)


def agreement_probe(n: int, seed: int = 0, settings: GrammarSettings = GrammarSettings(), *,
                    attractors: bool = True, mask_token: str = "[MASK]") -> pd.DataFrame:
    """Targeted agreement items (Linzen+ 2016; Goldberg 2019), scored zero-shot by an MLM.

    Each item is a fresh sentence with its agreeing verb masked: ``masked``, the ``correct`` and
    ``wrong`` verb forms, the subject's ``number``, the ``construction`` between subject and verb
    (``none``, or an attractor of the other number inside a ``pp``, ``subject_relative`` or
    ``object_relative``) and ``object_number``, the number of the first noun after the verb (its
    object or passive agent, of either number; "" if there is none). Without attractors the subject
    is the only noun before the verb, so reading from the left finds its number; every such item has
    an object after the verb. With an attractor, head and attractor are two nouns of opposite number
    before the verb, so a model blind to order cannot tell which one the verb agrees with.
    """
    rng = random.Random(f"agreement-{seed}-{attractors}")
    plain = dataclasses.replace(settings, modifier=0.0, transitive=1.0, object_modifier=0.0)
    gens = {f: _Generator(rng, settings if attractors else plain, f) for f in FIELDS}
    rows = []
    for _ in range(n):
        p = gens[rng.choice(FIELDS)].sentence(force_attractor=attractors)
        words = list(p.words)
        words[p.verb] = mask_token
        construction = ("none" if p.attractor is None else "pp" if words[p.head + 1] in PREPOSITIONS
                        else "object_relative" if words[p.head + 2] == "the" else "subject_relative")
        after = [_NOUN_NUMBER[w] for w in words[p.verb + 1:] if w in _NOUN_NUMBER]
        rows.append({"masked": " ".join(words), "correct": p.verb_forms[p.number],
                     "wrong": p.verb_forms[1 - p.number], "construction": construction,
                     "number": ("sg", "pl")[p.number], "object_number": ("sg", "pl")[after[0]] if after else ""})
    return pd.DataFrame(rows)


def _word_order_items(n: int, rng: random.Random, settings: GrammarSettings) -> pd.DataFrame:
    from .pretraining.tasks import changed, locally_shuffle

    gens = {f: _Generator(rng, settings, f) for f in FIELDS}
    rows = []
    for _ in range(n):
        text = " ".join(gens[rng.choice(FIELDS)].sentence().words)
        label = rng.randrange(2)  # 1 as generated, 0 shuffled in windows of three
        rows.append({"text": text if label else changed(locally_shuffle, text, rng), "label": label})
    return pd.DataFrame(rows)


def build_grammar_tasks(n_train: int = 1000, n_eval: int = 400, seed: int = 0,
                        settings: GrammarSettings = GrammarSettings()):
    """The fine-tuning tasks ``topic`` (order-free) and ``word_order`` (order-sensitive: a sentence
    as generated or with its words shuffled in windows of three, the toolkit's construction) as
    :class:`~emnlp21.pretraining.tasks.Task` objects, fixed by ``seed``."""
    from .pretraining.tasks import Task

    rng = random.Random(f"topic-{seed}")
    train = _topic_items(n_train, 0, rng, settings)
    dev, test = _topic_items(n_eval, 1, rng, settings), _topic_items(n_eval, 1, rng, settings)
    topic = Task("topic", train, dev, test, source="grammar: the field of the sentence; train and dev/test "
                 "use disjoint halves of the content words")
    rng = random.Random(f"word_order-{seed}")
    splits = [_word_order_items(n, rng, settings) for n in (n_train, n_eval, n_eval)]
    word_order = Task("word_order", *splits, order_sensitive=True,
                      source="grammar: a sentence as generated vs shuffled in windows of 3")
    return {"topic": topic, "word_order": word_order}
