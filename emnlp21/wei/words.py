"""Words as the frequency counts see them, and the two agreeing forms of a verb."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Lower-cased runs of letters (apostrophes inside allowed): the unit every count in this chapter uses.
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")

# Forms that no suffix rule gives: (singular, plural) of the present (and "be" in the past).
IRREGULAR = {"be": ("is", "are"), "have": ("has", "have"), "do": ("does", "do"), "go": ("goes", "go")}
PAST_BE = ("was", "were")


def words(sentence: str) -> list[str]:
    """The lower-cased words of a sentence (punctuation dropped, ``man's`` kept whole)."""
    return _WORD.findall(sentence.lower())


def third_person(lemma: str) -> str:
    """The 3rd person singular present of a regular verb: ``rule``→``rules``, ``teach``→``teaches``,
    ``carry``→``carries``; the irregular ``be/have/do/go`` from :data:`IRREGULAR`."""
    lemma = lemma.lower()
    if lemma in IRREGULAR:
        return IRREGULAR[lemma][0]
    if lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        return lemma + "es"
    if len(lemma) > 1 and lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ies"
    return lemma + "s"


@dataclass(frozen=True, order=True)
class VerbPair:
    """The singular and plural form of one verb (``rules``/``rule``, ``is``/``are``, ``was``/``were``)."""

    singular: str
    plural: str

    def __post_init__(self):
        if self.singular == self.plural or not self.singular or not self.plural:
            raise ValueError(f"a verb pair needs two different forms, got {self.singular!r}/{self.plural!r}")

    @classmethod
    def from_lemma(cls, lemma: str) -> "VerbPair":
        lemma = lemma.lower()
        return cls(*IRREGULAR[lemma]) if lemma in IRREGULAR else cls(third_person(lemma), lemma)

    def form(self, number: str) -> str:
        """The form that agrees with a subject of ``number`` (``"sg"`` or ``"pl"``)."""
        if number not in ("sg", "pl"):
            raise ValueError(f"number must be 'sg' or 'pl', not {number!r}")
        return self.singular if number == "sg" else self.plural

    def other(self, number: str) -> str:
        return self.form("pl" if number == "sg" else "sg")
