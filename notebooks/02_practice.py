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
# EMNLP 2021 was the conference's first hybrid edition, in Punta Cana and online (the talk's attendance
# figures are shown below; no organiser document with attendance was found).
# The programme ran on the venue's clock, so for a participant in Japan the conference happened at
# night: the talk says its events were concentrated between 22:00 and 10:00 Japan time. Oral sessions were 90-minute
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
# EMNLP 2021 はこの会議で初めてのハイブリッド開催で，プンタカナの現地とオンラインで開かれました
# （講演が示した参加者数は下に示します。参加者数を記した主催者の文書は見つかりませんでした）。
# プログラムは現地時間で組まれたため，日本からの参加者にとって会議は夜のものでした。講演によれば
# イベントは日本時間の 22:00〜10:00 に集中しました。オーラルセッションは現地会場とつながった 90 分の
# Zoom セッション，バーチャルポスターセッションは 2 時間の Gather.town セッションで，講演によれば
# 発表者が現れない「no show」が続出しました（半数以上という噂も）。参加者どうしの交流には Whova
# アプリが使われ，研究の議論や雑談，就職活動，現地のアクティビティの募集，現地で撮った写真の共有が
# 行われました。このページでは，公開されたプログラムから `zoneinfo` で時刻を計算し直します。
# :::

# %% tags=["parameters"]
profile = "quick"

# %% tags=["hide-cell"]
from emnlp21 import book, conference
from emnlp21.conference import verdicts

P = book.parameters("practice", globals())
book.use_theme()
claims = book.Claims("practice", P.profile)
programme = conference.schedule(P.timezone_local, P.timezone_reader)
P

# %%
TALK_WINDOW = verdicts.TALK_WINDOW  # 22:00 to 10:00 the next morning, as hours from the evening's midnight
book.show_figure(lambda lang: conference.draw_clock(programme, TALK_WINDOW, (P.timezone_local, P.timezone_reader), lang),
                 "practice-clock")

# %% [markdown]
# :::{lang} en
# The top axis is the venue's clock, the bottom one Japan's; each event is converted with `zoneinfo`,
# and the top axis uses the venue's fixed offset (Punta Cana keeps Atlantic Standard Time, UTC−4, all
# year; Japan is UTC+9).
# :::
#
# :::{lang} ja
# 上の軸が現地の時計，下の軸が日本の時計です。各イベントは `zoneinfo` で変換し，上の軸は現地の固定の
# 時差を使います（プンタカナは通年で大西洋標準時 UTC−4，日本は UTC+9）。
# :::

# %%
first, last = conference.reader_window(programme)
share = verdicts.share_inside(programme, TALK_WINDOW)
out = verdicts.outside(programme, TALK_WINDOW)
out_at = [f"{e.event}, {e.start_local}" for e in out.itertuples()]
book.show_text(
    en=f"From the programme: the first event starts at {conference.hhmm(first)} and the last ends at "
       f"{conference.hhmm(last)} Japan time; {100 * share:.0f} % of the scheduled time lies inside the talk's "
       f"22:00–10:00 (outside it, at least in part: {'; '.join(out_at) or 'nothing'}, venue time).",
    ja=f"プログラムから計算すると，最初のイベントは日本時間 {conference.hhmm(first)} に始まり，最後は "
       f"{conference.hhmm(last)} に終わります。予定時間の {100 * share:.0f} % が講演の言う 22:00〜10:00 に入ります"
       f"（少なくとも一部がはみ出すのは {'，'.join(out_at) or 'なし'}。時刻は現地）。",
)

# %%
book.show_table(lambda lang: conference.programme_table(programme, lang))

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
attendance = conference.attendance()
book.show_figure(lambda lang: conference.draw_attendance(attendance, lang), "practice-attendance")
people = attendance.set_index("mode").participants
on_site, online = people.filter(like="on site").iloc[0], people["online"]
book.show_text(
    en=f"The talk: about {on_site:,} on site and more than {online:,} online; by these figures about "
       f"{100 * online / (on_site + online):.0f} % of participants (or more) attended online.",
    ja=f"講演によれば現地に約 {on_site:,} 人，オンラインに {online:,} 人以上。この数字では参加者の約 "
       f"{100 * online / (on_site + online):.0f} %（またはそれ以上）がオンラインでした。",
)

# %% [markdown]
# :::{lang} en
# ## Verdict
# :::
#
# :::{lang} ja
# ## 判定
# :::

# %%
verdicts.add_practice_claims(claims, programme=programme, window=(first, last))
claims.save()
book.show_table(lambda lang: claims.table(lang))
claims.show_summary()
