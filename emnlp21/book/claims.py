"""The claims scoreboard: each notebook records the claims it tests, the front page renders them all."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..core.cache import write_atomic
from ..core.evidence import KINDS, Control, Estimate, Region, decide
from ..core.paths import claims_dir
from .params import is_dry_run

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
    kind: str = "finding"  # finding | check | construction (emnlp21.core.evidence)
    verdict: str = ""  # holds | fails | inconclusive
    controls: list[dict[str, Any]] = field(default_factory=list)  # {"en", "ja", "passed"} per positive control
    paper_ja: str = ""  # the Japanese page's paper / source / ours (equal to the English where no words differ)
    source_ja: str = ""
    ours_ja: str = ""
    dry_run: bool = False  # measured by a dry run (emnlp21.book.params): not a result
    estimate: dict[str, Any] = field(default_factory=dict)  # evidence.Estimate: value, interval, test, seeds, items
    region: dict[str, Any] = field(default_factory=dict)  # evidence.Region: where the claim holds, and its source
    procedure: bool = False  # about a pre-training procedure: needs evidence.MIN_SEEDS runs per arm
    reasons: list[dict[str, str]] = field(default_factory=list)  # {"en", "ja"}: what made a finding inconclusive

    def __post_init__(self):
        if not self.verdict:  # a file written before verdicts existed
            self.verdict = "holds" if self.holds else "fails"

    @property
    def interval(self) -> Estimate | None:
        return Estimate(**self.estimate) if self.estimate else None

    @property
    def decision_region(self) -> Region | None:
        return Region(**self.region) if self.region else None

    def estimate_text(self, lang: str) -> str:
        """``+2.3 [−0.4, +5.1] points (99 % interval, …)``: the estimate and what it rests on."""
        e, r = self.interval, self.decision_region
        if e is None:
            return ""
        unit = ((r.unit_ja or r.unit) if lang == "ja" else r.unit) if r else ""
        unit = f" {unit}" if unit else ""
        return f"{e.text(lang, self.digits)}{unit}（{e.basis(lang)}）" if lang == "ja" else \
            f"{e.text(lang, self.digits)}{unit} ({e.basis(lang)})"

    def needs_text(self, lang: str) -> str:
        """The decision region in words, with its source: ``needs: > 0 points (…)``."""
        r = self.decision_region
        if r is None:
            return ""
        src = (r.source_ja or r.source) if lang == "ja" else r.source
        return r.words(lang) + (f"（{src}）" if lang == "ja" and src else f" ({src})" if src else "")

    @property
    def digits(self) -> int:
        e = self.interval
        scale = max(abs(e.value), abs(e.low), abs(e.high)) if e else 0.0
        return 1 if scale >= 10 else 2 if scale >= 1 else 3

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

    def add(self, id: str, *, en: str, ja: str, paper: Text, source: Text, ours: Text, estimate: Estimate,
            region: Region, kind: str = "finding", controls: tuple[Control, ...] | list[Control] = (),
            procedure: bool = False, numbers: dict[str, Any] | None = None) -> Claim:
        """Record a claim: its ``estimate`` (value and interval, :mod:`~.evidence`) judged against the
        ``region`` stated in advance by :func:`~.evidence.decide`, the one rule for every verdict.
        ``kind`` and the positive ``controls`` gate it (a finding whose control failed is inconclusive);
        ``procedure``: the claim is about a pre-training procedure (it needs several runs per arm).
        ``paper``, ``source`` and ``ours`` take ``(English, Japanese)`` where they differ."""
        if kind not in KINDS:
            raise ValueError(f"claim {id!r}: kind {kind!r} is not one of {KINDS}")
        if not id.startswith(self.chapter + "."):
            raise ValueError(f"claim id {id!r} must start with {self.chapter + '.'!r}")
        if any(c.id == id for c in self.items):
            raise ValueError(f"claim {id!r} recorded twice")
        if not isinstance(estimate, Estimate) or not isinstance(region, Region):
            raise TypeError(f"claim {id!r}: a verdict needs an evidence.Estimate and an evidence.Region")
        clean = {k: float(v) for k, v in (numbers or {}).items()}
        if any(math.isnan(v) for v in clean.values()):
            raise ValueError(f"claim {id!r} has a NaN number: {clean}")
        (paper, paper_ja), (source, source_ja), (ours, ours_ja) = _both(paper), _both(source), _both(ours)
        d = decide(kind, estimate, region, controls, procedure=procedure)
        claim = Claim(id=id, en=en, ja=ja, paper=paper, source=source, ours=ours, holds=d.verdict == "holds",
                      chapter=self.chapter, profile=self.profile, numbers=clean, kind=kind, verdict=d.verdict,
                      controls=[{"en": c.en, "ja": c.ja, "passed": bool(c.passed)} for c in controls],
                      paper_ja=paper_ja, source_ja=source_ja, ours_ja=ours_ja, dry_run=is_dry_run(),
                      estimate=asdict(estimate), region=asdict(region), procedure=procedure,
                      reasons=[{"en": en_, "ja": ja_} for en_, ja_ in d.reasons])
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
                              c.estimate_text(lang), c.needs_text(lang), VERDICT_WORDS[lang][c.verdict],
                              sep.join(r[lang] for r in c.reasons))
                             for c in self.items], columns=TABLE_HEADS[lang])

    def counts(self) -> dict[str, int]:
        """Findings held / failed / inconclusive, then checks and constructions (for a chapter's summary)."""
        return counts(self.items)

    def summary(self, lang: str) -> str:
        """The chapter's findings paragraph: the counts by verdict, then which failed and which were
        inconclusive and why (the one function every chapter's closing line comes from)."""
        sep = "；" if lang == "ja" else "; "
        out = count_line(self.items, lang) + ("。" if lang == "ja" else ".")
        failed = [c.id for c in self.items if c.kind == "finding" and c.verdict == "fails"]
        unsure = [c for c in self.items if c.kind == "finding" and c.verdict == "inconclusive"]
        if failed:
            out += (f" 不成立：{'，'.join(failed)}。" if lang == "ja" else f" Failed: {', '.join(failed)}.")
        if unsure:
            why = [f"{c.id}（{sep.join(r['ja'] for r in c.reasons) or '区間が境界をまたぐ'}）" if lang == "ja" else
                   f"{c.id} ({sep.join(r['en'] for r in c.reasons) or 'the interval straddles the edge'})"
                   for c in unsure]
            out += (f" 判定不能：{'，'.join(why)}。" if lang == "ja" else f" Inconclusive: {', '.join(why)}.")
        return out

    def show_summary(self) -> None:
        """Display :meth:`summary` in both languages (one output per language, as every computed text)."""
        from .display import show_text

        show_text(en=self.summary("en"), ja=self.summary("ja"))

    def verdict_line(self, prefix: str, lang: str) -> str:
        """The findings whose id starts with ``prefix`` and their verdicts, e.g. ``unseen-worse: held, ...``."""
        words = VERDICT_WORDS[lang]
        return ", ".join(f"{c.id.removeprefix(prefix)}: {words[c.verdict]}" for c in self.items
                         if c.id.startswith(prefix) and c.kind == "finding")


VERDICT_WORDS = {"en": {"holds": "held", "fails": "failed", "inconclusive": "inconclusive"},
                 "ja": {"holds": "成立", "fails": "不成立", "inconclusive": "判定不能"}}
KIND_WORDS = {"en": {"finding": "finding", "check": "check", "construction": "by construction"},
              "ja": {"finding": "知見", "check": "確認", "construction": "構成上成立"}}
TABLE_HEADS = {"en": ("claim", "kind", "paper", "ours", "estimate", "holds if", "verdict", "why inconclusive"),
               "ja": ("主張", "種類", "論文", "本書", "推定値", "成立の条件", "判定", "判定不能の理由")}


def count_line(claims: list[Claim], lang: str) -> str:
    """Findings held / failed / inconclusive, then the checks and constructions apart."""
    n = counts(claims)
    findings = n["finding_holds"] + n["finding_fails"] + n["finding_inconclusive"]
    if lang == "ja":
        return (f"知見 {findings} 件：成立 {n['finding_holds']}，不成立 {n['finding_fails']}，"
                f"判定不能 {n['finding_inconclusive']}（ほかに確認 {n['check']} 件，構成上成立 {n['construction']} 件）")
    return (f"{findings} findings: {n['finding_holds']} hold, {n['finding_fails']} fail, "
            f"{n['finding_inconclusive']} inconclusive (also {n['check']} checks, {n['construction']} by construction)")


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
