"""The figures and tables of the conference and practice chapters; each takes the page's language."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ..core.lang import tr
from .data import evening_hours

STATUS = {"organiser": ("organiser document", "主催者の文書"), "tracker": ("community tracker only", "集計サイトのみ")}
KIND_COLORS = {"plenary": "#8172B2", "oral": "#4C72B0", "virtual poster": "#DD8452"}
KIND_NAMES = {"plenary": ("plenary", "全体"), "oral": ("oral sessions (Zoom + room)", "オーラル（Zoom + 会場）"),
              "virtual poster": ("virtual posters (Gather.town)", "バーチャルポスター（Gather.town）")}


def draw_submissions(stats: pd.DataFrame, growth: pd.DataFrame, lang: str, last_talk_year: int = 2021):
    """Reviewed submissions per year, the talk's years annotated with their increase (``growth``)."""
    fig, ax = plt.subplots(figsize=(7.5, 4))
    sub = stats[stats.year.between(2014, 2023)]
    colors = ["#4C72B0" if y <= last_talk_year else "#A0A0A0" for y in sub.year]
    ax.bar(sub.year, sub.submissions, color=colors)
    for _, row in growth.iterrows():
        ax.annotate(f"+{row.increase:,} (+{row.increase_pct:.0f}%)", (row.year, row.submissions),
                    ha="center", va="bottom", fontsize=9, xytext=(0, 3), textcoords="offset points")
    ax.set_xticks(sub.year)
    ax.set_xlabel(tr(lang, "year", "年"))
    ax.set_ylabel(tr(lang, "reviewed submissions", "査読された投稿数"))
    ax.set_title(tr(lang, "EMNLP submissions (grey: after the talk)", "EMNLP の投稿数（灰色は講演より後）"))
    return fig


def draw_acceptance(band: pd.DataFrame, low: float, high: float, run: tuple[int, int], lang: str):
    """Acceptance rate per year (:func:`~.data.years_in_band`'s ``band``) against the talk's band
    [low, high], the longest run of years inside it (``run``) shaded."""
    first, last = run
    fig, ax = plt.subplots(figsize=(7.5, 4))
    ax.axhspan(100 * low, 100 * high, color="#55A868", alpha=0.15,
               label=tr(lang, f"the talk's {100 * low:.0f}–{100 * high:.0f} %", f"講演の {100 * low:.0f}〜{100 * high:.0f} %"))
    for status, marker in (("organiser", "o"), ("tracker", "s")):
        part = band[band.status == status]
        ax.plot(part.year, 100 * part.acceptance_rate, marker, ms=8, ls="none", label=tr(lang, *STATUS[status]))
    ax.plot(band.year, 100 * band.acceptance_rate, color="grey", lw=1, zorder=0)
    ax.axvspan(first - 0.4, last + 0.4, color="grey", alpha=0.08)
    ax.set_xticks(band.year)
    ax.set_ylabel(tr(lang, "acceptance rate (%)", "採択率（%）"))
    ax.set_xlabel(tr(lang, "year", "年"))
    ax.set_title(tr(lang, f"EMNLP acceptance rate: in the band {first}–{last}",
                    f"EMNLP の採択率：{first}〜{last} 年は帯の中"))
    ax.legend(loc="upper right", fontsize=9)
    return fig


def draw_long_short(stats: pd.DataFrame, lang: str):
    """Long against short acceptance rates, and main-conference against Findings acceptances."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    ls = stats.dropna(subset=["acceptance_rate_long", "acceptance_rate_short"])
    axes[0].plot(ls.year, 100 * ls.acceptance_rate_long, "o-", label=tr(lang, "long", "ロング"))
    axes[0].plot(ls.year, 100 * ls.acceptance_rate_short, "s-", label=tr(lang, "short", "ショート"))
    axes[0].set_ylabel(tr(lang, "acceptance rate (%)", "採択率（%）"))
    axes[0].set_title(tr(lang, "long vs short", "ロング対ショート"))
    axes[0].legend()
    fi = stats.dropna(subset=["findings_accepted"])
    axes[1].bar(fi.year, fi.accepted_total, label=tr(lang, "main conference", "本会議"))
    axes[1].bar(fi.year, fi.findings_accepted, bottom=fi.accepted_total, label="Findings")
    axes[1].set_xticks(fi.year)
    axes[1].set_ylabel(tr(lang, "accepted papers", "採択論文数"))
    axes[1].set_title(tr(lang, "main conference and Findings", "本会議と Findings"))
    axes[1].legend()
    for ax in axes:
        ax.set_xlabel(tr(lang, "year", "年"))
    fig.tight_layout()
    return fig


def draw_tracks(slots: pd.Series, named: pd.DataFrame, lang: str):
    """Oral slots per track (``slots``), the tracks that the program chairs or the talk called popular
    (``named``: :func:`~.data.tracks` indexed by track) highlighted and labelled."""
    fig, ax = plt.subplots(figsize=(8, 6))
    order = slots.sort_values(ascending=True)
    ax.barh(order.index, order.values, color="#C0C0C0")
    for i, track in enumerate(order.index):
        marks = []
        if track in named.index and named.loc[track, "named_by_program_chairs"] == "yes":
            marks.append(tr(lang, "PC chairs", "PC 委員長"))
        if track in named.index and named.loc[track, "named_in_talk"] == "yes":
            marks.append(tr(lang, "talk", "講演"))
        if marks:
            ax.barh(track, order[track], color="#4C72B0")
            ax.text(order[track] + 0.1, i, " + ".join(marks), va="center", fontsize=9)
    ax.set_xlabel(tr(lang, "90-minute oral slots in the main programme", "本会議プログラムの 90 分オーラル枠数"))
    ax.set_title(tr(lang, "EMNLP 2021 tracks: oral slots and who called them popular",
                    "EMNLP 2021 のトラック：オーラル枠数と「人気」と述べた出典"))
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    return fig


def draw_clock(programme: pd.DataFrame, window: tuple[float, float], zones: tuple[str, str], lang: str):
    """Every event of :func:`~.data.schedule` on the reader's clock (bottom axis) and the venue's
    (top), one row per day; the talk's ``window`` (in :func:`~.data.evening_hours`) shaded green.
    ``zones`` names the venue's and the reader's time zones."""
    local, reader = zones
    offset = (programme.start_reader.iloc[0].utcoffset() - programme.start.iloc[0].utcoffset()).total_seconds() / 3600
    fig, ax = plt.subplots(figsize=(10.5, 3.6))
    days = sorted(programme.date.unique())
    for row, day in enumerate(days):
        for _, ev in programme[programme.date == day].iterrows():
            start, end = evening_hours(ev.start_reader), evening_hours(ev.end_reader)
            ax.barh(row, end - start, left=start, color=KIND_COLORS[ev.kind], edgecolor="white", height=0.6)
    ax.axvspan(*window, color="#55A868", alpha=0.12)
    ax.set_yticks(range(len(days)))
    ax.set_yticklabels([tr(lang, f"Nov {d[-2:]} (venue)", f"11月{int(d[-2:])}日（現地）") for d in days])
    ax.invert_yaxis()
    ticks = list(range(18, 37, 2))
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{t % 24:02d}:00" for t in ticks])
    ax.set_xlim(18, 36)
    ax.set_xlabel(tr(lang, f"time in {reader} (green: the talk's 22:00–10:00)", f"{reader} の時刻（緑：講演の 22:00〜10:00）"))
    top = ax.secondary_xaxis("top", functions=(lambda x: x - offset, lambda x: x + offset))
    top.set_xticks([t - offset for t in ticks])
    top.set_xticklabels([f"{int(t - offset) % 24:02d}:00" for t in ticks])
    top.set_xlabel(tr(lang, f"time at the venue ({local})", f"現地時刻（{local}）"))
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in KIND_COLORS.values()]
    ax.legend(handles, [tr(lang, *KIND_NAMES[k]) for k in KIND_COLORS], loc="upper left", bbox_to_anchor=(1.01, 1),
              fontsize=8)
    fig.tight_layout()
    return fig


def programme_table(programme: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Each event with its kind and its times at the venue and in Japan."""
    cols = {"event": ("event", "イベント"), "kind": ("kind", "種類"), "venue": ("venue", "現地"), "japan": ("Japan", "日本")}
    df = pd.DataFrame({
        "event": programme.event,
        "kind": [tr(lang, *KIND_NAMES[k]) for k in programme.kind],
        "venue": [f"{s:%m-%d %H:%M}–{e:%H:%M}" for s, e in zip(programme.start, programme.end)],
        "japan": [f"{s:%m-%d %H:%M}–{e:%H:%M}" for s, e in zip(programme.start_reader, programme.end_reader)],
    })
    return df.rename(columns={k: tr(lang, *v) for k, v in cols.items()})


def draw_attendance(attendance: pd.DataFrame, lang: str):
    """The talk's attendance figures (:func:`~.data.attendance`): ~ approximate, + a lower bound."""
    fig, ax = plt.subplots(figsize=(6, 2.2))
    labels = [tr(lang, "on site (Punta Cana)", "現地（プンタカナ）"), tr(lang, "online", "オンライン")]
    ax.barh(labels, attendance.participants, color=["#55A868", "#4C72B0"])
    for i, (n, approx) in enumerate(zip(attendance.participants, attendance.approximate)):
        ax.text(n, i, f" ~{n:,}" if approx == "yes" else f" {n:,}+", va="center")
    ax.set_xlim(0, attendance.participants.max() * 1.25)
    ax.set_xlabel(tr(lang, "participants (the talk's figures)", "参加者数（講演の数字）"))
    fig.tight_layout()
    return fig
