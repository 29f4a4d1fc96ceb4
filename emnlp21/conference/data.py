"""Conference statistics, the EMNLP 2021 programme and the talk's attendance figures, read from the
sourced tables in ``data/``."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

from ..core.paths import data_dir

STATUSES = {"organiser", "tracker", "talk", "paper", "measured"}


def _read(name: str) -> pd.DataFrame:
    df = pd.read_csv(data_dir() / name)
    if "source" in df and df["source"].isna().any():
        raise ValueError(f"data/{name}: every row needs a source")
    if "status" in df and not set(df["status"]) <= STATUSES:
        raise ValueError(f"data/{name}: status must be one of {sorted(STATUSES)}")
    return df


def statistics(conference: str = "EMNLP") -> pd.DataFrame:
    """Submissions and acceptances by year, with acceptance rates computed from the counts."""
    df = _read("emnlp_statistics.csv")
    df = df[df["conference"] == conference].sort_values("year").reset_index(drop=True)
    df["acceptance_rate"] = df["accepted_total"] / df["submissions"]
    df["acceptance_rate_long"] = df["accepted_long"] / df["submissions_long"]
    df["acceptance_rate_short"] = df["accepted_short"] / df["submissions_short"]
    df["findings_rate"] = df["findings_accepted"] / df["submissions"]
    return df


def growth(stats: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """Year-on-year increase in submissions between consecutive years ``first``..``last``."""
    s = stats.set_index("year")["submissions"].loc[first:last]
    missing = set(range(first, last + 1)) - set(s.index)
    if missing:
        raise ValueError(f"no submission count for {sorted(missing)}")
    out = pd.DataFrame({"submissions": s, "increase": s.diff(), "increase_pct": 100 * s.pct_change()})
    return out.dropna().astype({"increase": int}).reset_index()


def years_in_band(stats: pd.DataFrame, low: float, high: float) -> pd.DataFrame:
    """Each year's acceptance rate and whether it lies in [low, high] (rates as fractions)."""
    out = stats[["year", "acceptance_rate", "status"]].copy()
    out["in_band"] = out["acceptance_rate"].between(low, high)
    return out


def longest_run(years, flags) -> tuple[int, int]:
    """First and last year of the longest run of consecutive years whose flag is true."""
    runs: list[list[int]] = []
    current: list[int] = []
    for year, flag in zip(years, flags):
        if flag and current and year == current[-1] + 1:
            current.append(year)
        elif flag:
            current = [year]
            runs.append(current)
        else:
            current = []
    if not runs:
        raise ValueError("no year has the flag set")
    best = max(runs, key=len)
    return best[0], best[-1]


def tracks() -> pd.DataFrame:
    return _read("emnlp2021_tracks.csv")


def schedule(tz_local: str = "America/Santo_Domingo", tz_reader: str = "Asia/Tokyo") -> pd.DataFrame:
    """The programme with start and end as aware datetimes in the venue's and the reader's zones."""
    df = _read("emnlp2021_schedule.csv")
    local, reader = ZoneInfo(tz_local), ZoneInfo(tz_reader)

    def at(date: str, hhmm: str) -> datetime:
        return datetime.fromisoformat(f"{date}T{hhmm}").replace(tzinfo=local)

    df["start"] = [at(d, t) for d, t in zip(df["date"], df["start_local"])]
    df["end"] = [at(d, t) for d, t in zip(df["date"], df["end_local"])]
    df["start_reader"] = [t.astimezone(reader) for t in df["start"]]
    df["end_reader"] = [t.astimezone(reader) for t in df["end"]]
    df["tracks"] = df["tracks"].fillna("").map(lambda s: [t for t in s.split("|") if t])
    return df


def oral_sessions_per_track(programme: pd.DataFrame) -> pd.Series:
    """How many 90-minute oral slots each track had in the main programme (posters excluded)."""
    oral = programme[programme["kind"] == "oral"].explode("tracks")
    oral = oral[oral["tracks"] != "In-person Poster"]
    return oral["tracks"].value_counts().rename("oral_sessions")


def hours_since_midnight(t: datetime) -> float:
    return t.hour + t.minute / 60


def evening_hours(t: datetime) -> float:
    """Hours since the evening's midnight: every event of a programme day falls in one evening-to-morning
    stretch for a reader in Japan, so times after noon count from the evening before (18:00 → 18) and
    those before noon from the day after (08:30 → 32.5)."""
    h = hours_since_midnight(t)
    return h if h >= 12 else h + 24


def hhmm(hours: float) -> str:
    """``evening_hours``-style hours as a clock time (32.5 → 08:30)."""
    return f"{int(hours) % 24:02d}:{round(hours % 1 * 60):02d}"


def reader_window(programme: pd.DataFrame) -> tuple[float, float]:
    """Earliest start and latest end on the reader's clock, in :func:`evening_hours` (an end past
    midnight is > 24)."""
    starts = programme["start_reader"].map(evening_hours)
    ends = programme["end_reader"].map(evening_hours)
    return float(starts.min()), float(ends.max())


def attendance() -> pd.DataFrame:
    """The talk's attendance figures (on site, online; approximate or a lower bound)."""
    return _read("attendance.csv")
