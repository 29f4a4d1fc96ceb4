# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# :::{lang} en
# # The conference in practice
#
# EMNLP 2021 was the conference's first hybrid edition: about 500 people met in Punta Cana and more
# than 3,000 joined online (the talk's figures; no organiser document with attendance was found).
# The programme ran on the venue's clock, so for a participant in Japan the conference happened at
# night: the talk puts its events between 22:00 and 10:00 Japan time. Oral sessions were 90-minute
# Zoom sessions linked to the rooms on site; virtual poster sessions were two-hour Gather.town
# sessions, where, the talk reports, many presenters did not show up (half or more, by rumour).
# Participants met in the Whova app: research discussion and chat, job hunting, activities and
# photos from the venue.
# This page recomputes the clock from the published programme with `zoneinfo`.
# :::
#
# :::{lang} ja
# # 会議の様子
#
# EMNLP 2021 はこの会議で初めてのハイブリッド開催でした。プンタカナの現地に約 500 人，オンラインに
# 3,000 人以上が参加しました（講演の数字です。参加者数を記した主催者の文書は見つかりませんでした）。
# プログラムは現地時間で組まれたため，日本からの参加者にとって会議は夜のものでした。講演によれば
# イベントは日本時間の 22:00〜10:00 に集中しました。オーラルセッションは現地会場とつながった 90 分の
# Zoom セッション，バーチャルポスターセッションは 2 時間の Gather.town セッションで，講演によれば
# 発表者が現れない「no show」が続出しました（半数以上という噂も）。参加者どうしの交流には Whova
# アプリが使われ，研究の議論や雑談，就職活動，現地のアクティビティの募集，現地で撮った写真の共有が
# 行われました。このページでは，公開されたプログラムから `zoneinfo` で時刻を計算し直します。
# :::

# %% tags=["parameters"]
profile = "quick"

# %%
from emnlp21 import book, conference
import matplotlib.pyplot as plt
import pandas as pd

P = book.parameters("practice", globals())
book.use_theme()
claims = book.Claims("practice", P.profile)
programme = conference.schedule(P.timezone_local, P.timezone_reader)
P

# %%
KIND_COLORS = {"plenary": "#8172B2", "oral": "#4C72B0", "virtual poster": "#DD8452"}
KIND_NAMES = {"plenary": ("plenary", "全体"), "oral": ("oral sessions (Zoom + room)", "オーラル (Zoom + 会場)"),
              "virtual poster": ("virtual posters (Gather.town)", "バーチャルポスター (Gather.town)")}
TALK_WINDOW = (22.0, 34.0)  # 22:00 to 10:00 the next morning, as hours from the evening's midnight
OFFSET = (programme.start_reader.iloc[0].utcoffset() - programme.start.iloc[0].utcoffset()).total_seconds() / 3600


def evening_hours(t):
    h = conference.hours_since_midnight(t)
    return h if h >= 12 else h + 24


def draw_clock(lang):
    fig, ax = plt.subplots(figsize=(10.5, 3.6))
    days = sorted(programme.date.unique())
    for row, day in enumerate(days):
        for _, ev in programme[programme.date == day].iterrows():
            start, end = evening_hours(ev.start_reader), evening_hours(ev.end_reader)
            ax.barh(row, end - start, left=start, color=KIND_COLORS[ev.kind], edgecolor="white", height=0.6)
    ax.axvspan(*TALK_WINDOW, color="#55A868", alpha=0.12)
    ax.set_yticks(range(len(days)))
    ax.set_yticklabels([book.tr(lang, f"Nov {d[-2:]} (venue)", f"11月{int(d[-2:])}日 (現地)") for d in days])
    ax.invert_yaxis()
    ticks = list(range(18, 37, 2))
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{t % 24:02d}:00" for t in ticks])
    ax.set_xlim(18, 36)
    ax.set_xlabel(book.tr(lang, f"time in {P.timezone_reader} (green: the talk's 22:00–10:00)",
                          f"{P.timezone_reader} の時刻（緑：講演の 22:00〜10:00）"))
    top = ax.secondary_xaxis("top", functions=(lambda x: x - OFFSET, lambda x: x + OFFSET))
    top.set_xticks([t - OFFSET for t in ticks])
    top.set_xticklabels([f"{int(t - OFFSET) % 24:02d}:00" for t in ticks])
    top.set_xlabel(book.tr(lang, f"time at the venue ({P.timezone_local})", f"現地時刻 ({P.timezone_local})"))
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in KIND_COLORS.values()]
    ax.legend(handles, [book.tr(lang, *KIND_NAMES[k]) for k in KIND_COLORS], loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    fig.tight_layout()
    return fig


book.show_figure(draw_clock, "practice-clock")

# %% [markdown]
# :::{lang} en
# The top axis is the venue's clock, the bottom one Japan's; the offset is computed by `zoneinfo` for
# each event (Punta Cana keeps Atlantic Standard Time, UTC−4, all year; Japan is UTC+9).
# :::
#
# :::{lang} ja
# 上の軸が現地の時計，下の軸が日本の時計です。時差は各イベントについて `zoneinfo` で計算しています
# （プンタカナは通年で大西洋標準時 UTC−4，日本は UTC+9）。
# :::

# %%
first, last = conference.reader_window(programme)
minutes = (programme.end - programme.start).dt.total_seconds() / 60
inside = [max(0.0, min(evening_hours(e), TALK_WINDOW[1]) - max(evening_hours(s), TALK_WINDOW[0])) * 60
          for s, e in zip(programme.start_reader, programme.end_reader)]
share = sum(inside) / minutes.sum()


def hhmm(hours):
    return f"{int(hours) % 24:02d}:{round(hours % 1 * 60):02d}"


claims.add(
    "practice.night_in_japan",
    en="For participants in Japan, the events fell between 22:00 and 10:00.",
    ja="日本からの参加者にとって，イベントは 22:00〜10:00 に集中した。",
    paper=("22:00–10:00 JST", "日本時間 22:00〜10:00"), source=("talk, slide on the schedule", "講演，日程のスライド"),
    ours=(f"{hhmm(first)}–{hhmm(last)} JST; {100 * share:.0f} % of programme time inside 22:00–10:00",
          f"日本時間 {hhmm(first)}〜{hhmm(last)}。予定時間の {100 * share:.0f} % が 22:00〜10:00 に入る"),
    holds=share >= 0.9 and last <= TALK_WINDOW[1], numbers={"first": first, "last": last, "share": share},
)
by_kind = programme.assign(minutes=minutes).groupby("kind").minutes.agg(["min", "max", "count"])
claims.add(
    "practice.session_lengths",
    en="Oral sessions lasted 90 minutes; virtual poster sessions two hours.",
    ja="オーラルセッションは 90 分，バーチャルポスターセッションは 2 時間だった。",
    paper=("90 min / 2 h", "90 分 / 2 時間"), source=("talk, slide on presentations", "講演，発表形式のスライド"),
    ours=(f"oral {by_kind.loc['oral', 'min']:.0f}–{by_kind.loc['oral', 'max']:.0f} min "
          f"({by_kind.loc['oral', 'count']} sessions); posters {by_kind.loc['virtual poster', 'min']:.0f}–"
          f"{by_kind.loc['virtual poster', 'max']:.0f} min ({by_kind.loc['virtual poster', 'count']} sessions)",
          f"オーラル {by_kind.loc['oral', 'min']:.0f}〜{by_kind.loc['oral', 'max']:.0f} 分"
          f"（{by_kind.loc['oral', 'count']} セッション），バーチャルポスター {by_kind.loc['virtual poster', 'min']:.0f}〜"
          f"{by_kind.loc['virtual poster', 'max']:.0f} 分（{by_kind.loc['virtual poster', 'count']} セッション）"),
    holds=set(minutes[programme.kind == "oral"]) == {90.0} and set(minutes[programme.kind == "virtual poster"]) == {120.0},
)
book.show_text(
    en=f"From the programme: the first event starts at {hhmm(first)} and the last ends at {hhmm(last)} Japan time; "
       f"{100 * share:.0f} % of the scheduled time lies inside the talk's 22:00–10:00 (the early exception is "
       f"the third virtual poster session, 08:30 at the venue).",
    ja=f"プログラムから計算すると，最初のイベントは日本時間 {hhmm(first)} に始まり，最後は {hhmm(last)} に終わります。"
       f"予定時間の {100 * share:.0f} % が講演の言う 22:00〜10:00 に入ります（はみ出すのは現地 08:30 開始の"
       f"第 3 バーチャルポスターセッション）。",
)

# %%
def table(lang):
    cols = {"event": ("event", "イベント"), "kind": ("kind", "種類"), "venue": ("venue", "現地"), "japan": ("Japan", "日本")}
    df = pd.DataFrame({
        "event": programme.event,
        "kind": [book.tr(lang, *KIND_NAMES[k]) for k in programme.kind],
        "venue": [f"{s:%m-%d %H:%M}–{e:%H:%M}" for s, e in zip(programme.start, programme.end)],
        "japan": [f"{s:%m-%d %H:%M}–{e:%H:%M}" for s, e in zip(programme.start_reader, programme.end_reader)],
    })
    return df.rename(columns={k: book.tr(lang, *v) for k, v in cols.items()})


book.show_table(table)

# %% [markdown]
# :::{lang} en
# ## Who was where
# The talk's attendance figures, as the talk states them (approximate; the online figure is a lower bound):
# :::
#
# :::{lang} ja
# ## 誰がどこにいたか
# 講演が示した参加者数です（概数。オンラインは下限）：
# :::

# %%
attendance = pd.read_csv(book.data_dir() / "attendance.csv")


def draw_attendance(lang):
    fig, ax = plt.subplots(figsize=(6, 2.2))
    labels = [book.tr(lang, "on site (Punta Cana)", "現地（プンタカナ）"), book.tr(lang, "online", "オンライン")]
    ax.barh(labels, attendance.participants, color=["#55A868", "#4C72B0"])
    for i, (n, approx) in enumerate(zip(attendance.participants, attendance.approximate)):
        ax.text(n, i, f" ~{n:,}" if approx == "yes" else f" {n:,}+", va="center")
    ax.set_xlim(0, attendance.participants.max() * 1.25)
    ax.set_xlabel(book.tr(lang, "participants (the talk's figures)", "参加者数（講演の数字）"))
    fig.tight_layout()
    return fig


book.show_figure(draw_attendance, "practice-attendance")
online_share = attendance.participants.iloc[1] / attendance.participants.sum()
book.show_text(
    en=f"By these figures at least {100 * online_share:.0f} % of participants attended online.",
    ja=f"この数字によれば，参加者の少なくとも {100 * online_share:.0f} % がオンラインでした。",
)

# %%
claims.save()
claims.table()
