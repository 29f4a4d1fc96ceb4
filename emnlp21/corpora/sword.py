"""A reader for SWORD ``zText`` Bible modules (as shipped by Debian's ``sword-text-*``), standard library only.

Format, per testament (``ot``/``nt``):
- ``.bzs``: one 12-byte record per compressed block: offset, compressed size, uncompressed size (uint32 LE);
- ``.bzz``: the zlib-compressed blocks, back to back;
- ``.bzv``: one 10-byte record per verse slot: block number, offset in the inflated block (uint32 LE),
  size (uint16 LE). Slots follow the module's versification: module and testament headings, then per
  book a book heading, per chapter a chapter heading, then its verses.

Rather than embed versification tables, we read the structure from the text: the module writer puts
``<chapter osisID="Gen.1" .../>`` in every chapter-heading slot and a ``type="book"`` div in every
book-heading slot, so the verse number of a slot is its distance from the last chapter heading.
"""

from __future__ import annotations

import html
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

# Start tags only: a book's or chapter's end tag (eID=...) sits inside its last verse.
_CHAPTER = re.compile(r'<chapter\b(?![^>]*\beID=)[^>]*\bosisID="([^".]+)\.(\d+)"')
_BOOK = re.compile(r'<div\b(?![^>]*\beID=)[^>]*\btype="(?:book|front|back|bookGroup)"')
# Elements whose content is not the reading text: footnotes, editorial headings, cross references.
_BOOK_END = re.compile(r'<div\b(?=[^>]*\beID=)[^>]*\btype="book"')  # back matter (a glossary) may follow
_DROP = re.compile(r"<(note|title|reference)\b[^>]*?(?<!/)>.*?</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Verse:
    book: str  # OSIS book id, e.g. "Gen", "John"
    chapter: int
    verse: int
    text: str  # plain text, markup stripped

    @property
    def ref(self) -> str:
        return f"{self.book}.{self.chapter}.{self.verse}"


def osis_to_text(markup: str) -> str:
    """Plain reading text of an OSIS fragment: notes and headings dropped, other tags unwrapped."""
    text = _DROP.sub(" ", markup)
    text = _TAG.sub("", text)
    return " ".join(html.unescape(text).split())


def _records(path: Path, fmt: str) -> list[tuple[int, ...]]:
    data = path.read_bytes()
    size = struct.calcsize(fmt)
    if len(data) % size:
        raise ValueError(f"{path} is truncated ({len(data)} bytes is not a multiple of {size}); delete the "
                         "unpacked module from the cache so that it is unpacked again.")
    return list(struct.iter_unpack(fmt, data))


def _raw_slots(module_dir: Path, testament: str) -> list[str]:
    """The markup of every verse slot of one testament, in index order."""
    blocks = _records(module_dir / f"{testament}.bzs", "<III")
    slots = _records(module_dir / f"{testament}.bzv", "<IIH")
    compressed = (module_dir / f"{testament}.bzz").read_bytes()
    inflated: dict[int, bytes] = {}
    out = []
    for block, offset, size in slots:
        if size == 0:
            out.append("")
            continue
        if block not in inflated:
            start, length, _ = blocks[block]
            inflated[block] = zlib.decompress(compressed[start:start + length])
        out.append(inflated[block][offset:offset + size].decode("utf-8", errors="replace"))
    return out


def read_ztext(module_dir: str | Path) -> list[Verse]:
    """Every non-empty verse of a zText module folder (the one holding ``ot.bzv``, ``nt.bzv``...)."""
    module_dir = Path(module_dir)
    testaments = [t for t in ("ot", "nt") if (module_dir / f"{t}.bzv").exists()]
    if not testaments:
        raise FileNotFoundError(f"{module_dir} holds no SWORD zText module (no ot.bzv/nt.bzv).")
    verses: list[Verse] = []
    for testament in testaments:
        book, chapter, number = None, 0, 0
        for markup in _raw_slots(module_dir, testament):
            if m := _CHAPTER.search(markup):
                book, chapter, number = m.group(1), int(m.group(2)), 0
                continue
            if _BOOK.search(markup):
                book = None  # a book heading: no verses until its first chapter
                continue
            if book is None:
                continue  # module/testament headings, or the slot of a book missing from the module
            number += 1
            if end := _BOOK_END.search(markup):
                markup = markup[:end.start()]
            if text := osis_to_text(markup):
                verses.append(Verse(book, chapter, number, text))
    return verses
