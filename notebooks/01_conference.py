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
# # EMNLP 2021 in numbers
#
# EMNLP (Empirical Methods in Natural Language Processing) is, with ACL and NAACL, one of the
# top-tier venues of the field. The 2021 edition, held in Punta Cana (Dominican Republic) and online
# from 7 to 11 November, was its first hybrid one. The talk made four statements about its numbers:
# a record number of submissions, still growing but perhaps levelling off ("converging?", the talk
# asks; +813, +645, +483, +241 papers a year since 2017); an acceptance rate kept at 22–25 %; and popular tracks. This page recomputes each
# of them from sourced counts in `data/`, and marks where the statement stops holding.
# :::
#
# :::{lang} ja
# # 数字で見る EMNLP 2021
#
# EMNLP (Empirical Methods in Natural Language Processing) は ACL・NAACL と並ぶ自然言語処理分野の
# トップ会議のひとつです。2021 年はドミニカ共和国のプンタカナとオンラインで 11 月 7〜11 日に開かれ，
# 初のハイブリッド開催となりました。講演は数字について四つのことを述べています：投稿数は過去最多で，
# まだ増えているが収束しつつあるのでは（講演は疑問形。2017 年から毎年 +813, +645, +483, +241 本）；採択率は 22〜25 % を
# 保っている；人気のトラックがある。このページは `data/` の出典付きの数から一つずつ計算し直し，
# どこでその主張が成り立たなくなるかも示します。
# :::

# %% tags=["parameters"]
profile = "quick"

# %%
from emnlp21 import book

# Parameters first: the import of emnlp21.conference below would hide an injected `conference` section.
P = book.parameters("conference", globals())

from emnlp21 import conference  # noqa: E402
from emnlp21.conference import verdicts  # noqa: E402

book.use_theme()
claims = book.Claims("conference", P.profile)
stats = conference.statistics("EMNLP")
stats[["year", "submissions", "accepted_long", "accepted_short", "accepted_total", "findings_accepted", "status"]]

# %% [markdown]
# :::{lang} en
# ## Submissions: growing, more slowly
# Each count is the series the talk used: *reviewed* submissions (after withdrawals and desk
# rejections) where the organisers give them. The 2017 and 2018 counts come from a community tracker
# (for 2017 it is below the general chair's reviewed count: see the `notes` column); 2019–2021 from the
# program chairs' own texts (the `source` column of `data/emnlp_statistics.csv`).
# :::
#
# :::{lang} ja
# ## 投稿数：増加は続くが，伸びは鈍化
# 数は講演と同じ系列で，主催者が示している年は取り下げ・デスクリジェクトを除いた *査読された* 投稿数です。
# 2017・2018 年はコミュニティの集計サイトの数で（2017 年は総合委員長の序文の査読数より少なくなっています。
# `notes` 列を参照），2019〜2021 年はプログラム委員長自身の文章によります（`data/emnlp_statistics.csv` の
# `source` 列）。
# :::

# %%
growth = conference.growth(stats, 2017, 2021)
book.show_figure(lambda lang: conference.draw_submissions(stats, growth, lang), "conference-submissions")
growth

# %%
after = conference.growth(stats, 2021, 2023)
book.show_text(
    en=f"After the talk the growth picked up again: +{after.increase.iloc[0]:,} in 2022 "
       f"(+{after.increase_pct.iloc[0]:.0f}%) and +{after.increase.iloc[1]:,} in 2023 "
       f"(+{after.increase_pct.iloc[1]:.0f}%), from the tracker's counts. \"Converging\" described 2021, not the trend.",
    ja=f"講演の後，伸びは再び大きくなりました：2022 年は +{after.increase.iloc[0]:,}"
       f"（+{after.increase_pct.iloc[0]:.0f}%），2023 年は +{after.increase.iloc[1]:,}"
       f"（+{after.increase_pct.iloc[1]:.0f}%）（集計サイトの数）。「収束しつつある」は 2021 年の姿であって，傾向ではありませんでした。",
)

# %% [markdown]
# :::{lang} en
# ## Acceptance rate: the talk's 22–25 %
# The rate is computed here as accepted main-conference papers over reviewed submissions.
# :::
#
# :::{lang} ja
# ## 採択率：講演の言う 22〜25 %
# 採択率はここで，本会議の採択数を査読された投稿数で割って計算します。
# :::

# %%
LOW, HIGH = verdicts.TALK_BAND
band = conference.years_in_band(stats, LOW, HIGH)
first, last = conference.longest_run(band.year, band.in_band)
book.show_figure(lambda lang: conference.draw_acceptance(band, LOW, HIGH, (first, last), lang), "conference-acceptance")
book.show_text(en=f"The longest run inside the band: {last - first + 1} consecutive years ({first}–{last}).",
               ja=f"帯の中に続けて入った最長の期間：{first}〜{last} 年の {last - first + 1} 年連続。")

# %% [markdown]
# :::{lang} en
# ## Long and short papers, and Findings
# Short papers are accepted less often than long ones every year for which both counts are known,
# and since 2020 a second tier, *Findings of EMNLP*, publishes some of the papers that the main conference
# did not take.
# :::
#
# :::{lang} ja
# ## ロングペーパーとショートペーパー，そして Findings
# 両方の数がわかる年では，毎年ショートペーパーの方が採択率が低くなっています。2020 年からは
# 本会議に採られなかった論文の一部を *Findings of EMNLP* が出版しています。
# :::

# %%
book.show_figure(lambda lang: conference.draw_long_short(stats, lang), "conference-long-short-findings")
y21 = stats.set_index("year").loc[2021]
book.show_text(
    en=f"In 2021, {y21.accepted_long:.0f} long and {y21.accepted_short:.0f} short papers were accepted "
       f"({100 * y21.acceptance_rate_long:.1f} % and {100 * y21.acceptance_rate_short:.1f} %), and "
       f"{y21.findings_accepted:.0f} papers appeared in Findings ({100 * y21.findings_rate:.1f} % of reviewed submissions).",
    ja=f"2021 年の採択はロング {y21.accepted_long:.0f} 本・ショート {y21.accepted_short:.0f} 本"
       f"（{100 * y21.acceptance_rate_long:.1f} % と {100 * y21.acceptance_rate_short:.1f} %），"
       f"Findings に {y21.findings_accepted:.0f} 本（査読された投稿の {100 * y21.findings_rate:.1f} %）。",
)

# %% [markdown]
# :::{lang} en
# ## Which tracks were popular?
# No exact per-track submission counts for 2021 were found. Two sources name the popular tracks, and
# they disagree: the program chairs' preface names NLP Applications, Machine Learning for NLP, Machine
# Translation and Information Extraction ("around 300 submissions each"); the talk names machine
# translation, information extraction, dialogue and question answering. A third, indirect witness
# is the programme itself: how many 90-minute oral slots each track received.
# :::
#
# :::{lang} ja
# ## 人気のトラックは？
# 2021 年のトラック別の正確な投稿数は見つかっていません。人気トラックを挙げている出典は二つあり，食い違って
# います：プログラム委員長の序文は NLP Applications，Machine Learning for NLP，機械翻訳，情報抽出を
# 挙げ（「それぞれ約 300 件」），講演は機械翻訳・情報抽出・対話・質問応答を挙げています。三つ目の
# 間接的な証拠はプログラムそのもの，すなわち各トラックに割り当てられた 90 分のオーラル枠の数です。
# :::

# %%
named = conference.tracks().set_index("track")
programme = conference.schedule()
slots = conference.oral_sessions_per_track(programme)
book.show_figure(lambda lang: conference.draw_tracks(slots, named, lang), "conference-tracks")
book.show_text(
    en=f"MT and IE are popular by every witness. Dialogue ({slots['Dialogue and Interactive Systems']} oral slots) "
       f"had as many slots as MT, but question answering ({slots['Question Answering']}) had fewer than Machine Learning "
       f"for NLP ({slots['Machine Learning for NLP']}), which the program chairs named and the talk did not.",
    ja=f"機械翻訳と情報抽出はどの証拠でも人気です。対話（オーラル {slots['Dialogue and Interactive Systems']} 枠）は"
       f"機械翻訳と同じ枠数ですが，質問応答（{slots['Question Answering']} 枠）は，委員長が挙げ講演が挙げなかった "
       f"Machine Learning for NLP（{slots['Machine Learning for NLP']} 枠）より少ない枠でした。",
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
verdicts.add_conference_claims(claims, growth=growth, band=band, run=(first, last), named=named, slots=slots)
claims.save()
book.show_table(lambda lang: claims.table(lang))
claims.show_summary()
