"""Normalisation and sentence splitting, the same for every source."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00b6": " ",  # pilcrow: the KJV's paragraph mark, not text
    "\u00a0": " ",
})
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def normalise(text: str) -> str:
    """Unicode NFC, straight quotes, single spaces. Case is kept: the tokenizer decides."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    return " ".join(text.split())


def count_words(text: str) -> int:
    """Words as runs of letters/digits, apostrophes inside a word allowed; punctuation is not counted,
    so pre-tokenised text (the reviews: ``good .``) is not inflated (only split clitics: ``it 's``)."""
    return len(_WORD.findall(text))


# Tokens after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset("""
mr mrs ms messrs dr prof st sr jr rev hon gen col capt lt sgt gov sen rep pres mt ft ave
vs etc cf al approx ca no nos vol vols v vv pp ed eds fig figs op ch chap sec dept co corp inc ltd
jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e viz
""".split())

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then space.
_BOUNDARY = re.compile(r"""([.!?]+)(["')\]]*)\s+""")
_NEXT_STARTS_SENTENCE = re.compile(r"""["'(\[]*[A-Z0-9]""")


def _ends_with_abbreviation(before: str) -> bool:
    token = before.rsplit(None, 1)[-1] if before.strip() else ""
    token = token.lstrip("\"'([").lower()
    if token in ABBREVIATIONS:
        return True
    return len(token) == 1 and token.isalpha()  # an initial: "J. R. R. Tolkien"


def split_sentences(text: str, *, cased: bool = True) -> list[str]:
    """Split running text into normalised sentences with a rule-based splitter.

    A boundary is ``.``, ``!`` or ``?`` (plus closing quotes/brackets) followed by space, unless the
    word before a full stop is an abbreviation (Mr., St., e.g., v. for verse) or an initial, and,
    for ``cased`` text, unless the next word starts in lower case (``"Hark!" quoth he``).
    ``cased=False`` is for lower-cased text such as the movie reviews.
    """
    text = normalise(text)
    sentences, start = [], 0
    for m in _BOUNDARY.finditer(text):
        end = m.end(2)
        if m.group(1) == "." and _ends_with_abbreviation(text[start:m.start(1)]):
            continue
        if cased and not _NEXT_STARTS_SENTENCE.match(text, m.end()):
            continue
        sentences.append(text[start:end])
        start = m.end()
    if tail := text[start:].strip():
        sentences.append(tail)
    return [s for s in sentences if count_words(s)]
