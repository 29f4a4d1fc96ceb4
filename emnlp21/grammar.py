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

from .pretraining import PretrainConfig
from .pretraining.tasks import Task, changed, locally_shuffle

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
class GrammarConfig:
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

    def __init__(self, rng: random.Random, settings: GrammarConfig, field: str, part: int | None = None):
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
    schedule = {"steps": params["grammar_steps"], "seq_len": params["grammar_seq_len"],
                "batch_size": params["grammar_batch_size"], "lr": params["grammar_lr"],
                "dropout": params["grammar_dropout"]}
    return PretrainConfig.from_profile("grammar", sentences, tokenizer, params, **{**schedule, **overrides})


def generate_corpus(n_sentences: int, seed: int = 0, settings: GrammarConfig = GrammarConfig()) -> list[str]:
    """``n_sentences`` sentences, each about a field drawn uniformly, from the whole lexicon."""
    if n_sentences < 1:
        raise ValueError(f"n_sentences must be positive, got {n_sentences}.")
    rng = random.Random(seed)
    gens = {f: _Generator(rng, settings, f) for f in FIELDS}
    return [" ".join(gens[rng.choice(FIELDS)].sentence().words) for _ in range(n_sentences)]


def _topic_items(n: int, part: int, rng: random.Random, settings: GrammarConfig) -> pd.DataFrame:
    gens = {f: _Generator(rng, settings, f, part) for f in FIELDS}
    rows = []
    for _ in range(n):
        label = rng.randrange(len(FIELDS))
        rows.append({"text": " ".join(gens[FIELDS[label]].sentence().words), "label": label})
    return pd.DataFrame(rows)


def agreement_probe(n: int, seed: int = 0, settings: GrammarConfig = GrammarConfig(), *,
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


def _word_order_items(n: int, rng: random.Random, settings: GrammarConfig) -> pd.DataFrame:
    gens = {f: _Generator(rng, settings, f) for f in FIELDS}
    rows = []
    while len(rows) < n:
        text = " ".join(gens[rng.choice(FIELDS)].sentence().words)
        label = rng.randrange(2)  # 1 as generated, 0 shuffled in windows of three between the edges
        text = text if label else changed(locally_shuffle, text, rng)
        if text is not None:  # a sentence whose inner words cannot move is drawn again
            rows.append({"text": text, "label": label})
    return pd.DataFrame(rows)


def build_grammar_tasks(n_train: int = 1000, n_eval: int = 400, seed: int = 0,
                        settings: GrammarConfig = GrammarConfig()):
    """The fine-tuning tasks ``topic`` (order-free) and ``word_order`` (order-sensitive: a sentence
    as generated or with its words shuffled in windows of three between its first and last word, the
    toolkit's construction) as
    :class:`~emnlp21.pretraining.tasks.Task` objects, fixed by ``seed``."""
    rng = random.Random(f"topic-{seed}")
    train = _topic_items(n_train, 0, rng, settings)
    dev, test = _topic_items(n_eval, 1, rng, settings), _topic_items(n_eval, 1, rng, settings)
    topic = Task("topic", train, dev, test, source="grammar: the field of the sentence; train and dev/test "
                 "use disjoint halves of the content words")
    rng = random.Random(f"word_order-{seed}")
    splits = [_word_order_items(n, rng, settings) for n in (n_train, n_eval, n_eval)]
    word_order = Task("word_order", *splits, order_sensitive=True,
                      source="grammar: a sentence as generated vs shuffled in windows of 3 between its first and last word")
    return {"topic": topic, "word_order": word_order}


# --- Wei+ 2021's design: verbs whose form counts are set exactly ---------------------------------
#
# The chapter on Wei+ 2021 adds intransitive verbs that the base grammar never uses, one per cell of a
# (singular count × plural count) grid per field, and inserts exactly that many sentences with each
# form (one controlled form per sentence, as the agreeing verb). Each controlled verb's sentences draw
# their nouns from one fixed half of the nouns (alternating per verb), so the other half never shares
# a sentence with either of its forms: "unseen" subject–verb pairs by construction (Wei+ 2021, Table 2).
# Nothing above changes: the base text is :func:`generate_corpus`'s, sentence for sentence.

WEI_VERBS = {  # intransitive lemmas per field, none of them a word of LEXICON
    "farm": ["crawl", "dig", "hop", "swim", "rest", "roam", "hide", "climb", "drink", "howl", "growl", "purr",
             "sniff", "snort", "squeal", "nap", "trot", "gallop", "waddle", "nibble", "burrow", "prowl", "perch",
             "stray", "yelp"],
    "office": ["argue", "sit", "talk", "type", "smile", "laugh", "frown", "stand", "read", "vote", "relax", "shout",
               "listen", "nod", "yawn", "sigh", "sing", "dance", "complain", "agree", "retire", "lecture", "commute",
               "testify", "apologize"],
}
FUNCTION_WORDS = ("the", "that", "is", "are", "by", ".", *PREPOSITIONS)


def _third_person(lemma: str) -> str:
    if lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        return lemma + "es"
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ies"
    return lemma + "s"


def word_tags() -> dict[str, tuple[str, str]]:
    """Every word of the grammar (base lexicon and Wei's verbs) → (category, field); function words have
    field "". Categories: noun_sg, noun_pl, vt_sg, vt_pl, vt_part, vi_sg, vi_pl, adj, or the word itself."""
    tags: dict[str, tuple[str, str]] = {w: (w, "") for w in FUNCTION_WORDS}

    def put(word, tag):
        if tags.setdefault(word, tag) != tag:
            raise ValueError(f"the word {word!r} has two tags: {tags[word]} and {tag}")

    for field, lex in LEXICON.items():
        for sg, pl in lex["nouns"]:
            put(sg, ("noun_sg", field)), put(pl, ("noun_pl", field))
        for forms in lex["vt"]:
            for tag, w in zip(("vt_sg", "vt_pl", "vt_part"), forms):
                put(w, (tag, field))
        for sg, pl in lex["vi"]:
            put(sg, ("vi_sg", field)), put(pl, ("vi_pl", field))
        for a in lex["adj"]:
            put(a, ("adj", field))
    for field, lemmas in WEI_VERBS.items():
        for lemma in lemmas:
            put(_third_person(lemma), ("vi_sg", field)), put(lemma, ("vi_pl", field))
    return tags


def template(sentence: str) -> tuple[str, ...]:
    """The sentence's categories, word by word (a [MASK] stays [MASK]): two sentences with the same
    template are the same construction with other words."""
    tags = word_tags()
    return tuple(w if w == "[MASK]" else tags[w][0] for w in sentence.split())


def frequency_design(levels=(0, 1, 4, 16, 64), verbs_per_cell: int = 1, seed: int = 0) -> pd.DataFrame:
    """One row per controlled verb: field, lemma, singular, plural, the requested counts ``n_sg`` and
    ``n_pl`` (every cell of ``levels`` × ``levels``, ``verbs_per_cell`` verbs per cell in each field) and
    ``half`` (0/1: the half of the nouns its sentences use; the other half is its unseen one)."""
    levels = [int(x) for x in levels]
    if not levels or min(levels) < 0 or len(set(levels)) != len(levels):
        raise ValueError(f"levels must be distinct counts >= 0, got {levels}")
    cells = [(a, b) for a in levels for b in levels] * int(verbs_per_cell)
    if verbs_per_cell < 1 or len(cells) > min(map(len, WEI_VERBS.values())):
        raise ValueError(f"{len(cells)} controlled verbs per field are needed, WEI_VERBS has "
                         f"{min(map(len, WEI_VERBS.values()))}: use fewer levels or verbs_per_cell")
    rng = random.Random(f"wei-design-{seed}")
    rows = []
    for field in FIELDS:
        lemmas = rng.sample(WEI_VERBS[field], len(cells))
        for i, (lemma, (n_sg, n_pl)) in enumerate(zip(lemmas, cells)):
            rows.append({"field": field, "lemma": lemma, "singular": _third_person(lemma), "plural": lemma,
                         "n_sg": n_sg, "n_pl": n_pl, "half": i % 2})
    return pd.DataFrame(rows)


@dataclass
class WeiCorpus:
    """The base corpus with the controlled sentences inserted; ``design`` (see :func:`frequency_design`)
    and ``pairs``: how many sentences hold each (noun form, verb form) of a controlled verb, as generated."""

    sentences: list[str]
    design: pd.DataFrame
    pairs: pd.DataFrame  # noun, form, sentences
    n_base: int


def _noun_half(field: str, half: int) -> list[tuple[str, str]]:
    return LEXICON[field]["nouns"][half::2]


def _other(field: str) -> str:
    return FIELDS[1 - FIELDS.index(field)]


def _controlled_sentence(gen: _Generator, num: int, forms: tuple[str, str], attractor: bool | None = None) -> Parse:
    """``the [adj] noun [modifier] VERB .`` with the controlled intransitive verb; ``attractor`` forces
    (True), forbids (False) or draws (None) the modifier with its attractor of the other number."""
    words, head = gen.noun_phrase(num)
    att = None
    if attractor or (attractor is None and gen.rng.random() < gen.s.modifier):
        mod, k = gen.modifier(num)
        att = len(words) + k
        words += mod
    return Parse(words + [forms[num], "."], num, head, att, len(words), forms)


def wei_corpus(n_sentences: int, design: pd.DataFrame, seed: int = 0, settings: GrammarConfig = GrammarConfig(),
               cross_field: float = 0.0) -> WeiCorpus:
    """:func:`generate_corpus` (``n_sentences``, ``seed``) plus, for each controlled verb, exactly ``n_sg``
    sentences with its singular form and ``n_pl`` with its plural, at seeded random places. A controlled
    sentence's nouns come from the verb's ``half`` of its own field's nouns, or with probability
    ``cross_field`` of the other field's (its words then all from that field): the source of *seen*
    nonce pairs."""
    if not 0 <= cross_field <= 1:
        raise ValueError(f"cross_field must be in [0, 1], got {cross_field}")
    base = generate_corpus(n_sentences, seed, settings)
    rng = random.Random(f"wei-corpus-{seed}")
    added, pairs = [], {}
    for v in design.itertuples(index=False):
        forms = (v.singular, v.plural)
        for num, n in ((0, v.n_sg), (1, v.n_pl)):
            for _ in range(int(n)):
                field = _other(v.field) if rng.random() < cross_field else v.field
                gen = _Generator(rng, settings, field)
                gen.nouns = _noun_half(field, v.half)
                p = _controlled_sentence(gen, num, forms)
                for w in set(p.words) & set(_NOUN_NUMBER):
                    pairs[(w, forms[num])] = pairs.get((w, forms[num]), 0) + 1
                added.append(" ".join(p.words))
    # insert at seeded random places; base sentences keep their order
    keys = [i + 0.5 for i in range(len(base))] + [rng.uniform(0, len(base) + 1) for _ in added]
    text = base + added
    order = sorted(range(len(text)), key=keys.__getitem__)
    pair_frame = pd.DataFrame([{"noun": n, "form": f, "sentences": c} for (n, f), c in sorted(pairs.items())],
                              columns=["noun", "form", "sentences"])
    return WeiCorpus([text[i] for i in order], design.reset_index(drop=True), pair_frame, len(base))


def wei_items(design: pd.DataFrame, seed: int = 0, settings: GrammarConfig = GrammarConfig(), *,
              mask_token: str = "[MASK]") -> pd.DataFrame:
    """Agreement items for every controlled verb: each noun of the verb's field as subject, in both numbers,
    without and with an attractor (*natural*); and each item's *nonce* twin, the same template with every
    content word taken from the other field (the subject: the other field's noun at the same index), so the
    sentence is grammatical and semantically anomalous. Columns: condition, field (of the verb), lemma,
    subject, noun_index, number, correct, wrong, attractor (bool), construction, masked, twin (pair id)."""
    rng = random.Random(f"wei-items-{seed}")
    tags = word_tags()
    by_tag = {}
    for w, (tag, field) in tags.items():
        by_tag.setdefault((tag, field), []).append(w)
    rows = []
    for v in design.itertuples(index=False):
        forms, other = (v.singular, v.plural), _other(v.field)
        for j, noun in enumerate(LEXICON[v.field]["nouns"]):
            for num in (0, 1):
                for with_attractor in (False, True):
                    gen = _Generator(rng, settings, v.field)
                    gen.nouns = [noun]  # fixes the subject; attractors come from the same noun list...
                    p = _controlled_sentence(gen, num, forms, attractor=with_attractor)
                    words = list(p.words)
                    if p.attractor is not None:  # ...then get a noun of their own (another one of the field)
                        att = rng.choice([n for n in LEXICON[v.field]["nouns"] if n != noun])
                        words[p.attractor] = att[1 - num]
                    words[p.verb] = mask_token
                    construction = ("none" if p.attractor is None else "pp" if words[p.head + 1] in PREPOSITIONS
                                    else "object_relative" if words[p.head + 2] == "the" else "subject_relative")
                    nonce = [w if i in (p.verb,) or tags[w][1] == "" else
                             LEXICON[other]["nouns"][j][num] if i == p.head else
                             rng.choice(by_tag[(tags[w][0], other)]) for i, w in enumerate(words)]
                    twin = len(rows) // 2
                    for cond, ws, subj in (("natural", words, noun[num]), ("nonce", nonce, LEXICON[other]["nouns"][j][num])):
                        rows.append({"condition": cond, "field": v.field, "lemma": v.lemma, "subject": subj,
                                     "noun_index": j, "number": ("sg", "pl")[num], "correct": forms[num],
                                     "wrong": forms[1 - num], "attractor": p.attractor is not None,
                                     "construction": construction, "masked": " ".join(ws), "twin": twin})
    return pd.DataFrame(rows)
