"""The claims of the conference and practice chapters, from their sourced tables.

Every number here is a count or a time in a sourced table (``data/``): it has no sampling noise, so
each estimate is :meth:`~emnlp21.core.evidence.Estimate.exact` and the verdict is whether it lies in a
region stated below, before anything is computed (:mod:`emnlp21.core.evidence`).

Kinds: what the talk *concludes* about the conference (growth levelling off, a stable acceptance rate,
which tracks were popular, a night-time conference for Japan) is a *finding*; a number the talk quotes
and our sourced tables reproduce (the yearly increases, the sessions' lengths) is a *check* of our data
against the talk, not evidence for anything the talk argues.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.evidence import Estimate, above, below
from .data import evening_hours, hhmm

# --- conference ------------------------------------------------------------------------------------------

TALK_SOURCE = {"increases": ("talk, slide on submissions", "講演，投稿数のスライド"),
               "acceptance": ("talk, slide on acceptance rate", "講演，採択率のスライド"),
               "tracks": ("talk, slide on tracks", "講演，トラックのスライド")}
TALK_INCREASES = (813, 645, 483, 241)  # the talk's slide on submissions: 2018, 2019, 2020, 2021 over the year before
TALK_PERCENTS = (57, 29, 17, 7)  # the same slide, whole percent
# A quoted number matches when it is within half a unit of its last digit (whole papers, whole percent).
LAST_DIGIT = below(0.5, unit="units of the last digit", unit_ja="最終桁の単位",
                   source="the talk gives whole papers and whole percent", source_ja="講演は本数と百分率を整数で示す")
TALK_BAND = (0.22, 0.25)  # the talk's slide on acceptance rate: "22–25 %"
BAND_YEARS = (2015, 2021)  # the years the chapter's claim covers: the seven years up to the talk
TRACK_NAMES = {"Machine Translation and Multilinguality": ("MT", "機械翻訳"), "Information Extraction": ("IE", "情報抽出"),
               "Dialogue and Interactive Systems": ("dialogue", "対話"), "Question Answering": ("QA", "質問応答"),
               "NLP Applications": ("applications", "NLP 応用"), "Machine Learning for NLP": ("ML", "NLP のための機械学習")}


def quote_deviation(growth: pd.DataFrame) -> float:
    """The largest deviation of our yearly increases (papers) and their percentages (points) from the
    talk's, each in units of the talk's last digit (one paper, one percent)."""
    if len(growth) != len(TALK_INCREASES):
        raise ValueError(f"the talk quotes {len(TALK_INCREASES)} increases, got {len(growth)}")
    counts = np.abs(growth["increase"].to_numpy() - np.array(TALK_INCREASES)).max()
    pct = np.abs(growth["increase_pct"].to_numpy() - np.array(TALK_PERCENTS)).max()
    return float(max(counts, pct))


def slowdown(growth: pd.DataFrame) -> float:
    """The least of the yearly growth rates and of their yearly declines, in percentage points:
    positive exactly when submissions grew every year, each year by a smaller fraction."""
    pct = growth["increase_pct"].to_numpy()
    return float(min(pct.min(), (pct[:-1] - pct[1:]).min()))


def band_excess(band: pd.DataFrame, low: float = TALK_BAND[0], high: float = TALK_BAND[1],
                years: tuple[int, int] = BAND_YEARS) -> float:
    """The farthest any year of ``years`` lies outside [low, high], in percentage points; negative (the
    smallest margin to an edge) when every year lies inside."""
    rates = band.set_index("year").loc[years[0]:years[1], "acceptance_rate"]
    if len(rates) != years[1] - years[0] + 1:
        raise ValueError(f"acceptance rates missing in {years}")
    return float(100 * np.maximum(rates - high, low - rates).max())


def add_conference_claims(claims, *, growth: pd.DataFrame, band: pd.DataFrame, run: tuple[int, int],
                          named: pd.DataFrame, slots: pd.Series) -> None:
    """The conference chapter's four claims. ``growth``: :func:`~.data.growth` 2017–2021; ``band``:
    :func:`~.data.years_in_band` with :data:`TALK_BAND`; ``run``: its longest run of years in the band;
    ``named``: :func:`~.data.tracks` indexed by track; ``slots``: :func:`~.data.oral_sessions_per_track`."""
    # check: the talk quotes these numbers; our sourced counts reproduce them (the data against the talk)
    claims.add(
        "conference.increases",
        en="Submissions grew by +813 (+57%), +645 (+29%), +483 (+17%), +241 (+7%) from 2017 to 2021.",
        ja="2017〜2021 年の投稿数の増加は +813（+57%），+645（+29%），+483（+17%），+241（+7%）。",
        paper="+813, +645, +483, +241", source=TALK_SOURCE["increases"],
        ours=(", ".join(f"+{i} (+{p:.0f}%)" for i, p in zip(growth.increase, growth.increase_pct)),
              "，".join(f"+{i}（+{p:.0f}%）" for i, p in zip(growth.increase, growth.increase_pct))),
        estimate=Estimate.exact(quote_deviation(growth)), region=LAST_DIGIT, kind="check",
        numbers=dict(zip(growth.year.astype(str), growth.increase)),
    )
    # finding: "still increasing but converging" is the talk's reading of the series
    claims.add(
        "conference.growth_slowing",
        en="Submissions grew every year from 2017 to 2021, each year by a smaller fraction.",
        ja="2017〜2021 年，投稿数は毎年増え，増加率は年々小さくなった。",
        paper=("still increasing but converging", "まだ増えているが，収束しつつある"), source=TALK_SOURCE["increases"],
        ours=" > ".join(f"{p:.1f}%" for p in growth.increase_pct),
        estimate=Estimate.exact(slowdown(growth)),
        region=above(0, unit="percentage points", unit_ja="ポイント",
                     source="least yearly growth rate and least yearly decline of it: both positive",
                     source_ja="年ごとの増加率とその年ごとの低下の最小値：どちらも正"),
        kind="finding", numbers={"slowdown": slowdown(growth)},
    )
    # finding: "kept at 22–25 %" is the talk's summary of seven years
    first, last = run
    outside = band[~band.in_band]
    run_rates = 100 * band.set_index("year").loc[first:last].acceptance_rate
    low, high = TALK_BAND
    claims.add(
        "conference.acceptance_band",
        en=f"The acceptance rate stayed within 22–25 % ({BAND_YEARS[0]}–{BAND_YEARS[1]}).",
        ja=f"採択率は 22〜25 % に保たれていた（{BAND_YEARS[0]}〜{BAND_YEARS[1]} 年）。",
        paper="22–25 %", source=TALK_SOURCE["acceptance"],
        ours=(f"in the band {first}–{last} ({run_rates.min():.1f}–{run_rates.max():.1f} %); outside: "
              + ", ".join(f"{y} {100 * r:.1f} %" for y, r in zip(outside.year, outside.acceptance_rate)),
              f"{first}〜{last} 年は帯の中（{run_rates.min():.1f}〜{run_rates.max():.1f} %）。帯の外："
              + "，".join(f"{y} 年 {100 * r:.1f} %" for y, r in zip(outside.year, outside.acceptance_rate))),
        estimate=Estimate.exact(band_excess(band, low, high)),
        region=below(0, unit="percentage points", unit_ja="ポイント",
                     source=f"the farthest any year lies outside the band; < 0: every year of {BAND_YEARS[0]}–"
                            f"{BAND_YEARS[1]} inside the talk's {100 * low:.0f}–{100 * high:.0f} %",
                     source_ja=f"帯の外への最大の距離。負なら {BAND_YEARS[0]}〜{BAND_YEARS[1]} 年のどの年も講演の "
                               f"{100 * low:.0f}〜{100 * high:.0f} % の中"),
        kind="finding", numbers={"first": first, "last": last},
    )
    # finding: which tracks were popular is the talk's statement; the only published account of
    # submissions per track is the program chairs' preface, so the talk's four must all be among theirs
    talk_tracks = set(named.index[named.named_in_talk == "yes"])
    pc_tracks = set(named.index[named.named_by_program_chairs == "yes"])
    shared = [t for t in named.index if t in talk_tracks & pc_tracks]  # named by both sources, in the table's order
    claims.add(
        "conference.popular_tracks",
        en="The most popular tracks were machine translation, information extraction, dialogue and question answering.",
        ja="人気のトラックは機械翻訳・情報抽出・対話・質問応答だった。",
        paper=("MT, IE, dialogue, QA", "機械翻訳，情報抽出，対話，質問応答"), source=TALK_SOURCE["tracks"],
        ours=(f"{len(talk_tracks & pc_tracks)} of the talk's {len(talk_tracks)} are among the program chairs' "
              f"{len(pc_tracks)} ({', '.join(TRACK_NAMES.get(t, (t, t))[0] for t in shared)}); oral slots: "
              + ", ".join(f"{t.split(' ')[0]} {slots[t]}" for t in sorted(talk_tracks)),
              f"講演の {len(talk_tracks)} つのうち {len(talk_tracks & pc_tracks)} つがプログラム委員長の {len(pc_tracks)} つと"
              f"重なる（{'，'.join(TRACK_NAMES.get(t, (t, t))[1] for t in shared)}）。オーラル枠："
              + "，".join(f"{TRACK_NAMES.get(t, (t, t))[1]} {slots[t]}" for t in sorted(talk_tracks))),
        estimate=Estimate.exact(len(talk_tracks - pc_tracks)),
        region=below(0.5, unit="tracks", unit_ja="トラック",
                     source="the talk's tracks that the program chairs' preface, the only published account of "
                            "submissions per track, does not name",
                     source_ja="講演のトラックのうち，トラック別投稿数を述べた唯一の公開文書であるプログラム委員長の序文が挙げないもの"),
        kind="finding", numbers={"overlap": len(talk_tracks & pc_tracks)},
    )


# --- practice ----------------------------------------------------------------------------------------------

TALK_WINDOW = (22.0, 34.0)  # the talk's slide on the schedule: 22:00 to 10:00 JST, as evening hours (data.evening_hours)
NIGHT_SHARE = 0.9  # "the events fell between 22:00 and 10:00": at least nine tenths of the programme's time
TALK_MINUTES = {"oral": 90.0, "virtual poster": 120.0}  # the talk's slide on presentations: 90 min, 2 h


def minutes(programme: pd.DataFrame) -> pd.Series:
    """Each event's length in minutes."""
    return (programme.end - programme.start).dt.total_seconds() / 60


def share_inside(programme: pd.DataFrame, window: tuple[float, float] = TALK_WINDOW) -> float:
    """The share of the programme's scheduled minutes that fall inside ``window`` on the reader's clock
    (:func:`~.data.evening_hours`)."""
    inside = [max(0.0, min(evening_hours(e), window[1]) - max(evening_hours(s), window[0])) * 60
              for s, e in zip(programme.start_reader, programme.end_reader)]
    return float(sum(inside) / minutes(programme).sum())


def outside(programme: pd.DataFrame, window: tuple[float, float] = TALK_WINDOW) -> pd.DataFrame:
    """The events that start before ``window`` or end after it on the reader's clock."""
    start, end = programme.start_reader.map(evening_hours), programme.end_reader.map(evening_hours)
    return programme[(start < window[0]) | (end > window[1])]


def length_deviation(programme: pd.DataFrame) -> float:
    """The largest deviation, in minutes, of an oral or virtual poster session from the talk's length."""
    m = minutes(programme)
    return float(max((m[programme.kind == kind] - length).abs().max() for kind, length in TALK_MINUTES.items()))


def add_practice_claims(claims, *, programme: pd.DataFrame, window: tuple[float, float]) -> None:
    """The practice chapter's two claims from the programme (:func:`~.data.schedule`) and the reader's
    ``window`` (:func:`~.data.reader_window`: first start, last end)."""
    first, last = window
    share = share_inside(programme)
    # finding: the talk's summary of when the conference happened for Japan, tested on the programme
    claims.add(
        "practice.night_in_japan",
        en="For participants in Japan, the events were concentrated between 22:00 and 10:00.",
        ja="日本からの参加者にとって，イベントは 22:00〜10:00 に集中した。",
        paper=("22:00–10:00 JST", "日本時間 22:00〜10:00"), source=("talk, slide on the schedule", "講演，日程のスライド"),
        ours=(f"{hhmm(first)}–{hhmm(last)} JST; {100 * share:.0f} % of programme time inside 22:00–10:00",
              f"日本時間 {hhmm(first)}〜{hhmm(last)}。予定時間の {100 * share:.0f} % が 22:00〜10:00 に入る"),
        estimate=Estimate.exact(100 * share),
        region=above(100 * NIGHT_SHARE, unit="%", unit_ja="%",
                     source="share of the scheduled time inside 22:00–10:00 JST; the book's reading of \"concentrated\": "
                            "nine tenths of it",
                     source_ja="予定時間のうち日本時間 22:00〜10:00 に入る割合。本書の読み：「集中した」は 9 割以上"),
        kind="finding", numbers={"first": first, "last": last, "share": share},
    )
    by_kind = programme.assign(minutes=minutes(programme)).groupby("kind").minutes.agg(["min", "max", "count"])
    o, v = by_kind.loc["oral"], by_kind.loc["virtual poster"]
    # check: the talk describes the format; the published programme reproduces it (data against the talk)
    claims.add(
        "practice.session_lengths",
        en="Oral sessions lasted 90 minutes; virtual poster sessions two hours.",
        ja="オーラルセッションは 90 分，バーチャルポスターセッションは 2 時間だった。",
        paper=("90 min / 2 h", "90 分 / 2 時間"), source=("talk, slide on presentations", "講演，発表形式のスライド"),
        ours=(f"oral {o['min']:.0f}–{o['max']:.0f} min ({o['count']} sessions); posters {v['min']:.0f}–"
              f"{v['max']:.0f} min ({v['count']} sessions)",
              f"オーラル {o['min']:.0f}〜{o['max']:.0f} 分（{o['count']} セッション），バーチャルポスター {v['min']:.0f}〜"
              f"{v['max']:.0f} 分（{v['count']} セッション）"),
        estimate=Estimate.exact(length_deviation(programme)),
        region=below(1, unit="min", unit_ja="分", source="the programme's resolution: one minute",
                     source_ja="プログラムの時刻の単位：1 分"),
        kind="check", numbers={"oral_sessions": o["count"], "poster_sessions": v["count"]},
    )
