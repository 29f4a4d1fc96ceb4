"""The controlled grammar: determinism, vocabulary, and the two tasks' designed properties."""

from collections import Counter

import numpy as np
import pytest

from emnlp21 import grammar as g


def _noun_numbers() -> dict[str, int]:
    out = {}
    for lex in g.LEXICON.values():
        for sg, pl in lex["nouns"]:
            out[sg], out[pl] = 0, 1
    return out


NOUN_NUMBER = _noun_numbers()
FIELD_OF = {w: f for f, lex in g.LEXICON.items()
            for key in ("nouns", "vt", "vi") for forms in lex[key] for w in forms} | {
    w: f for f, lex in g.LEXICON.items() for w in lex["adj"]}
FUNCTION_WORDS = {"the", "that", "is", "are", "by", "."} | set(g.PREPOSITIONS)


def test_corpus_is_deterministic_and_uses_only_the_lexicon():
    a, b = g.generate_corpus(500, seed=3), g.generate_corpus(500, seed=3)
    assert a == b and a != g.generate_corpus(500, seed=4)
    words = Counter(w for s in a for w in s.split())
    assert set(words) <= set(FIELD_OF) | FUNCTION_WORDS
    assert all(s.endswith(" .") and s.startswith("the ") for s in a)


def test_each_sentence_stays_in_one_field():
    for s in g.generate_corpus(300, seed=0):
        fields = {FIELD_OF[w] for w in s.split() if w in FIELD_OF}
        assert len(fields) == 1, s


def test_agreement_items_mask_the_agreeing_verb_of_the_head():
    items = g.agreement_probe(300, seed=0)
    assert set(items.construction) == {"pp", "subject_relative", "object_relative"}
    for masked, correct, wrong, number in zip(items.masked, items.correct, items.wrong, items.number):
        words = masked.split()
        assert words.count("[MASK]") == 1 and correct != wrong
        head = next(w for w in words[1:3] if w in NOUN_NUMBER)  # the [adj] noun after "the"
        assert NOUN_NUMBER[head] == ("sg", "pl").index(number)
        others = [w for w in words[words.index(head) + 1:words.index("[MASK]")] if w in NOUN_NUMBER]
        assert [NOUN_NUMBER[w] for w in others] == [1 - NOUN_NUMBER[head]]  # exactly one attractor, other number
        # the bag of words cannot tell: head and attractor have opposite numbers in every item
    assert g.agreement_probe(50, seed=1).equals(g.agreement_probe(50, seed=1))


def test_items_without_an_attractor_record_their_objects_number():
    items = g.agreement_probe(400, seed=0, attractors=False)
    assert set(items.construction) == {"none"}
    for masked, number, obj in zip(items.masked, items.number, items.object_number):
        before, after = masked.split("[MASK]")
        assert [w for w in before.split() if w in NOUN_NUMBER] and obj  # one subject, and an object after the verb
        first = next(w for w in after.split() if w in NOUN_NUMBER)
        assert obj == ("sg", "pl")[NOUN_NUMBER[first]]
    same = (items.object_number == items.number).mean()
    assert 0.3 < same < 0.7, same  # the object's number is drawn independently of the subject's


def test_a_bag_of_words_is_at_chance_on_agreement():
    """Swapping head and attractor keeps the words and flips the answer: a bag of words cannot see it."""
    items = g.agreement_probe(1600, seed=0)
    y = (items.number == "pl").astype(int).to_numpy()  # the plural form is the right answer
    acc = _bag_of_words_accuracy(items.masked[:1200], y[:1200], items.masked[1200:], y[1200:])
    assert abs(acc - 0.5) < 3 * np.sqrt(0.25 / 400), acc


@pytest.fixture(scope="module")
def tasks():
    return g.build_grammar_tasks(n_train=600, n_eval=300, seed=0)


def test_topic_splits_use_disjoint_content_words(tasks):
    t = tasks["topic"]
    content = lambda df: {w for s in df.text for w in s.split() if w in FIELD_OF}  # noqa: E731
    assert content(t.train).isdisjoint(content(t.test))
    assert content(t.train).isdisjoint(content(t.dev))
    for text, label in zip(t.test.text, t.test.label):  # the label is the field of every content word
        assert {FIELD_OF[w] for w in text.split() if w in FIELD_OF} == {g.FIELDS[label]}


def test_topic_is_solvable_from_words_seen_in_training(tasks):
    """Sanity of the labels: on the training half of the lexicon a bag of words solves topic."""
    t = tasks["topic"]
    assert _bag_of_words_accuracy(t.train.text[:400], t.train.label[:400], t.train.text[400:], t.train.label[400:]) > 0.95


def test_an_empty_corpus_is_a_clear_error():
    with pytest.raises(ValueError, match="positive"):
        g.generate_corpus(0)


def _bag_of_words_accuracy(train_texts, train_y, test_texts, test_y) -> float:
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = CountVectorizer(token_pattern=r"\S+")
    clf = LogisticRegression(max_iter=2000).fit(vec.fit_transform(train_texts), train_y)
    return float((clf.predict(vec.transform(test_texts)) == np.asarray(test_y)).mean())


def test_word_order_is_at_chance_for_a_bag_of_words(tasks):
    t = tasks["word_order"]
    assert t.order_sensitive and abs(t.train.label.mean() - 0.5) < 0.06
    natural = t.train.text[t.train.label == 1]
    assert natural.str.match(r"^the .* \.$").all()  # as generated
    acc = _bag_of_words_accuracy(t.train.text, t.train.label, t.test.text, t.test.label)
    assert abs(acc - 0.5) < 3 * np.sqrt(0.25 / len(t.test)), acc


# --- Wei+ 2021's design (additive: the functions above must not change) ---------------------------

def test_default_output_is_unchanged_by_the_wei_additions():
    """The Sinha/Yamaguchi models are cached by their corpus: hashes of today's default output."""
    import hashlib

    def h(lines):
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]

    tasks = g.build_grammar_tasks(n_train=50, n_eval=20, seed=0)
    assert h(g.generate_corpus(3000, seed=0)) == "8b89ef6f4b43cdb1"
    assert h(g.generate_corpus(500, seed=7)) == "c3752026d9f18d72"
    assert h(g.agreement_probe(200, seed=0, attractors=True)["masked"]) == "9682320f15282f31"
    assert h(g.agreement_probe(200, seed=1, attractors=False)["masked"]) == "13f21048bebbfb4c"
    assert h(tasks["topic"].train["text"]) == "4c0926f58a3b64ca" and h(tasks["word_order"].test["text"]) == "81e29f5454dde458"


def test_wei_corpus_keeps_the_base_corpus_in_order():
    design = g.frequency_design((0, 2), seed=0)
    out = g.wei_corpus(400, design, seed=1)
    forms = set(design.singular) | set(design.plural)
    assert [s for s in out.sentences if not forms & set(s.split())] == g.generate_corpus(400, seed=1)
    assert len(out.sentences) == 400 + int(design.n_sg.sum() + design.n_pl.sum())


def test_word_tags_are_unambiguous_and_cover_wei_verbs():
    tags = g.word_tags()
    assert tags["crawls"] == ("vi_sg", "farm") and tags["crawl"] == ("vi_pl", "farm") and tags["the"][1] == ""
    assert g.template("the dog near the cats [MASK] .") == ("the", "noun_sg", "near", "the", "noun_pl", "[MASK]", ".")
    with pytest.raises(ValueError, match="levels"):
        g.frequency_design((1, 1))
    with pytest.raises(ValueError, match="verbs per field"):
        g.frequency_design(range(6))
