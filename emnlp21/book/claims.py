"""The claims scoreboard: each notebook records the claims it tests, the front page renders them all."""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .paths import claims_dir


@dataclass
class Claim:
    id: str  # "<chapter>.<short-name>", stable across runs
    en: str  # the claim, one sentence, English
    ja: str  # the same claim, Japanese
    paper: str  # the paper's (or talk's) value, as they state it
    source: str  # where that value is stated (paper section/table, talk slide, document)
    ours: str  # our measured value, formatted from the computed numbers
    holds: bool  # did our measurement support the claim?
    chapter: str = ""
    profile: str = ""
    numbers: dict[str, float] = field(default_factory=dict)  # the raw values behind `ours`, for tests


class Claims:
    """Collects a notebook's claims and writes them atomically to ``<claims_dir>/<chapter>.json``."""

    def __init__(self, chapter: str, profile: str):
        self.chapter, self.profile = chapter, profile
        self.items: list[Claim] = []

    def add(self, id: str, *, en: str, ja: str, paper: str, source: str, ours: str, holds: bool,
            numbers: dict[str, Any] | None = None) -> Claim:
        if not id.startswith(self.chapter + "."):
            raise ValueError(f"claim id {id!r} must start with {self.chapter + '.'!r}")
        if any(c.id == id for c in self.items):
            raise ValueError(f"claim {id!r} recorded twice")
        clean = {k: float(v) for k, v in (numbers or {}).items()}
        if any(math.isnan(v) for v in clean.values()):
            raise ValueError(f"claim {id!r} has a NaN number: {clean}")
        claim = Claim(id=id, en=en, ja=ja, paper=paper, source=source, ours=ours, holds=bool(holds),
                      chapter=self.chapter, profile=self.profile, numbers=clean)
        self.items.append(claim)
        return claim

    def save(self) -> Path:
        path = claims_dir() / f"{self.chapter}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps([asdict(c) for c in self.items], ensure_ascii=False, indent=1)
        write_atomic(path, payload.encode("utf-8"))
        return path

    def table(self):
        import pandas as pd

        return pd.DataFrame([{"claim": c.id, "paper": c.paper, "ours": c.ours, "holds": c.holds}
                             for c in self.items])


def load_all(folder: Path | None = None) -> list[Claim]:
    folder = folder or claims_dir()
    claims = []
    for path in sorted(Path(folder).glob("*.json")):
        claims += [Claim(**c) for c in json.loads(path.read_text(encoding="utf-8"))]
    return claims


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it over: readers never see half a file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
