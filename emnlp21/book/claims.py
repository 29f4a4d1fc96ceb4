"""The claims scoreboard: each notebook records the claims it tests, the front page renders them all."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .cache import write_atomic
from .evidence import KINDS, Control, verdict
from .params import is_dry_run
from .paths import claims_dir

Text = str | tuple[str, str]  # one string for both languages, or (English, Japanese)


def _both(text: Text) -> tuple[str, str]:
    return (text, text) if isinstance(text, str) else (str(text[0]), str(text[1]))


@dataclass
class Claim:
    id: str  # "<chapter>.<short-name>", stable across runs
    en: str  # the claim, one sentence, English
    ja: str  # the same claim, Japanese
    paper: str  # the paper's (or talk's) value, as they state it
    source: str  # where that value is stated (paper section/table, talk slide, document)
    ours: str  # our measured value, formatted from the computed numbers
    holds: bool  # verdict == "holds"
    chapter: str = ""
    profile: str = ""
    numbers: dict[str, float] = field(default_factory=dict)  # the raw values behind `ours`, for tests
    kind: str = "finding"  # finding | check | construction (emnlp21.book.evidence)
    verdict: str = ""  # holds | fails | inconclusive
    controls: list[dict[str, Any]] = field(default_factory=list)  # {"en", "ja", "passed"} per positive control
    paper_ja: str = ""  # the Japanese page's paper / source / ours (equal to the English where no words differ)
    source_ja: str = ""
    ours_ja: str = ""
    dry_run: bool = False  # measured by a dry run (emnlp21.book.params): not a result

    def __post_init__(self):
        if not self.verdict:  # a file written before verdicts existed
            self.verdict = "holds" if self.holds else "fails"

    def text(self, field_name: str, lang: str) -> str:
        """``paper``, ``source``, ``ours`` or the claim itself (``claim``) in ``lang``."""
        if field_name == "claim":
            return self.ja if lang == "ja" else self.en
        return (getattr(self, f"{field_name}_ja") if lang == "ja" else "") or getattr(self, field_name)

    @property
    def failed_controls(self) -> list[dict[str, Any]]:
        return [c for c in self.controls if not c["passed"]]


class Claims:
    """Collects a notebook's claims and writes them atomically to ``<claims_dir>/<chapter>.json``."""

    def __init__(self, chapter: str, profile: str):
        self.chapter, self.profile = chapter, profile
        self.items: list[Claim] = []

    def add(self, id: str, *, en: str, ja: str, paper: Text, source: Text, ours: Text, holds: bool,
            kind: str = "finding", controls: tuple[Control, ...] | list[Control] = (),
            numbers: dict[str, Any] | None = None) -> Claim:
        """Record a claim. ``holds`` is our comparison's outcome; ``kind`` and the positive ``controls``
        (each an :class:`~.evidence.Control`) decide the verdict: a finding whose control failed is
        inconclusive. ``paper``, ``source`` and ``ours`` take ``(English, Japanese)`` where they differ."""
        if kind not in KINDS:
            raise ValueError(f"claim {id!r}: kind {kind!r} is not one of {KINDS}")
        if not id.startswith(self.chapter + "."):
            raise ValueError(f"claim id {id!r} must start with {self.chapter + '.'!r}")
        if any(c.id == id for c in self.items):
            raise ValueError(f"claim {id!r} recorded twice")
        clean = {k: float(v) for k, v in (numbers or {}).items()}
        if any(math.isnan(v) for v in clean.values()):
            raise ValueError(f"claim {id!r} has a NaN number: {clean}")
        (paper, paper_ja), (source, source_ja), (ours, ours_ja) = _both(paper), _both(source), _both(ours)
        v = verdict(kind, bool(holds), controls)
        claim = Claim(id=id, en=en, ja=ja, paper=paper, source=source, ours=ours, holds=v == "holds",
                      chapter=self.chapter, profile=self.profile, numbers=clean, kind=kind, verdict=v,
                      controls=[{"en": c.en, "ja": c.ja, "passed": bool(c.passed)} for c in controls],
                      paper_ja=paper_ja, source_ja=source_ja, ours_ja=ours_ja, dry_run=is_dry_run())
        self.items.append(claim)
        return claim

    def save(self) -> Path:
        path = claims_dir() / f"{self.chapter}.json"
        payload = json.dumps([asdict(c) for c in self.items], ensure_ascii=False, indent=1)
        write_atomic(path, payload.encode("utf-8"))
        return path

    def table(self, lang: str = "en"):
        """The chapter's claims for the page in ``lang``: its paper and our values, verdict, failed controls."""
        import pandas as pd

        sep = "；" if lang == "ja" else "; "
        return pd.DataFrame([(c.id, KIND_WORDS[lang][c.kind], c.text("paper", lang), c.text("ours", lang),
                              VERDICT_WORDS[lang][c.verdict], sep.join(f[lang] for f in c.failed_controls))
                             for c in self.items], columns=TABLE_HEADS[lang])

    def counts(self) -> dict[str, int]:
        """Findings held / failed / inconclusive, then checks and constructions (for a chapter's summary)."""
        return counts(self.items)

    def verdict_line(self, prefix: str, lang: str) -> str:
        """The findings whose id starts with ``prefix`` and their verdicts, e.g. ``unseen-worse: held, ...``."""
        words = VERDICT_WORDS[lang]
        return ", ".join(f"{c.id.removeprefix(prefix)}: {words[c.verdict]}" for c in self.items
                         if c.id.startswith(prefix) and c.kind == "finding")


VERDICT_WORDS = {"en": {"holds": "held", "fails": "failed", "inconclusive": "inconclusive"},
                 "ja": {"holds": "成立", "fails": "不成立", "inconclusive": "判定不能"}}
KIND_WORDS = {"en": {"finding": "finding", "check": "check", "construction": "by construction"},
              "ja": {"finding": "知見", "check": "確認", "construction": "構成上成立"}}
TABLE_HEADS = {"en": ("claim", "kind", "paper", "ours", "verdict", "failed control"),
               "ja": ("主張", "種類", "論文", "本書", "判定", "成り立たなかった対照")}


def counts(claims: list[Claim]) -> dict[str, int]:
    out = {f"finding_{v}": 0 for v in ("holds", "fails", "inconclusive")} | {"check": 0, "construction": 0}
    for c in claims:
        out[f"finding_{c.verdict}" if c.kind == "finding" else c.kind] += 1
    return out


def load_all(folder: Path | None = None) -> list[Claim]:
    folder = folder or claims_dir()
    claims = []
    for path in sorted(Path(folder).glob("*.json")):
        claims += [Claim(**c) for c in json.loads(path.read_text(encoding="utf-8"))]
    return claims
