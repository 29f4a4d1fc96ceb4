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
# # Frequency effects on subject–verb agreement (Wei+ 2021)
#
# Wei, Garrette, Linzen and Pavlick (EMNLP 2021) pre-trained BERT from scratch on corpora in which they
# controlled how often target verbs occur, then asked it to fill a masked verb: does it prefer the form
# that agrees in number with the subject? The paper reports an error of **3.2 %** on natural sentences
# and **16.8 %** on *nonce* sentences (subject and verb replaced so that meaning gives no help, §5.1);
# errors on subject–verb pairs never seen in pre-training are a little higher than on seen pairs (natural
# 3.3 → 8.8 %, nonce 15.6 → 17.6 %) but far below an item-memorising learner (argmax P(SV): 22.9–50 %;
# Table 2); error falls as the target verb gets more frequent (*Reduce Error*, Fig. 1) and rises when the
# competing form is much more frequent than the target (*Cause Error*, Fig. 2). This page recomputes each
# claim in miniature: a small MLM trained on our real corpus after we removed and re-added real sentences
# so that chosen verbs occur exactly as often as we ask, and stimuli mined from held-out text.
# :::
#
# :::{lang} ja
# # 主語と動詞の数の一致に対する頻度の効果 (Wei+ 2021)
#
# Wei, Garrette, Linzen, Pavlick (EMNLP 2021) は，対象動詞の出現回数を制御したコーパスで BERT を一から
# 事前学習し，マスクした動詞を埋めさせました。主語と数が一致する形を選べるか，という問いです。論文の誤り率は
# 自然文で **3.2 %**，意味の手がかりを消した *nonce* 文（主語と動詞を別の語に置き換えた文）で **16.8 %**
# （§5.1）。事前学習で一度も見ていない主語–動詞ペアでは誤りが少し増えます（自然文 3.3 → 8.8 %，nonce 15.6 →
# 17.6 %）が，事例を暗記する学習者（argmax P(SV): 22.9〜50 %）よりはるかに低い（表 2）。動詞が高頻度ほど誤りは
# 減り（*Reduce Error*，図 1），競合する形が目標の形よりずっと高頻度だと誤りが増えます（*Cause Error*，図 2）。
# このページは各主張を小さな規模で計算し直します。実コーパスから実在の文を取り除き・足し戻して，選んだ動詞が
# 指定どおりの回数だけ現れるようにしたうえで小さな MLM を学習し，刺激文は学習に使わない文から採掘します。
# :::

# %% tags=["parameters"]
profile = "quick"

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from emnlp21 import book

# Parameters first: the import of emnlp21.wei below would hide an injected `wei` section.
P, device = book.setup("wei", globals())

from emnlp21 import corpora, wei  # noqa: E402
from emnlp21 import pretraining as pt  # noqa: E402

started = time.perf_counter()
P

# %% [markdown]
# :::{lang} en
# ## Data: the corpus, the stimuli, and the verbs we control
# The pre-training text is the project corpus (two Bibles, Shakespeare, movie reviews). Its held-out
# documents are parsed with spaCy's small English model: every noun subject with a finite verb after it
# in the present (or *was/were*) becomes a *frame*; the label is the subject's number in the original,
# grammatical text. The WordPiece tokenizer is trained on the uncontrolled text and shared by every
# model, so both forms of each verb are single tokens however rare we make them.
# :::
#
# :::{lang} ja
# ## データ：コーパス，刺激文，制御する動詞
# 事前学習のテキストはプロジェクト共通のコーパス（聖書 2 版，シェイクスピア，映画レビュー）です。学習に
# 使わない文書を spaCy の英語小モデルで構文解析し，名詞の主語とその後ろにある現在形（または *was/were*）の
# 定形動詞の組をすべて *フレーム* とします。正解ラベルは元の（文法的な）文での主語の数です。WordPiece
# トークナイザは制御前のテキストで学習し全モデルで共有するので，どれほど稀にしても各動詞の両形は 1 トークンです。
# :::

# %%
corpus = corpora.load_corpus(max_words=P.corpus_words)
tok = pt.train_tokenizer(corpus.train, vocab_size=P.vocab_size)
frames, nouns, verb_lemmas = wei.mined_stimuli(corpus.heldout, max_sentences=P.heldout_sentences)
original_counts = wei.WordCounts(corpus.train)
candidates = wei.candidate_verbs(wei.verb_pairs_from_lemmas(verb_lemmas["lemma"]), tok, original_counts,
                                 max_count=P.max_verb_count)
controlled = wei.design_corpus(corpus.train, candidates, levels=P.levels, verbs_per_cell=P.verbs_per_cell,
                               seed=P.seed)
counts = wei.WordCounts(controlled.sentences)
nonce_pairs = sorted(set(wei.verb_pairs_from_lemmas(verb_lemmas["lemma"])) | set(wei.verb_pairs_of(frames)))
stimuli = wei.build_stimuli(frames, nouns, tok, nonce_pairs, nouns_used=P.nouns_used,
                            nonce_per_frame=P.nonce_per_frame, max_tokens=P.seq_len * 2, seed=P.seed)
print(corpus)
print(f"parsed {frames.attrs['parsed']:,} held-out sentences → {len(frames):,} agreement frames; "
      f"{len(stimuli.natural):,} natural items (both forms single tokens), {len(stimuli.nonce):,} nonce sentences "
      f"× {len(stimuli.pairs)} verb pairs; {len(stimuli.nouns)} nonce nouns")
print(f"controlled verbs: {len(controlled.design)}; sentences removed {controlled.removed:,}, "
      f"corpus now {len(controlled.sentences):,} sentences (was {len(corpus.train):,})")

# %% [markdown]
# :::{lang} en
# The controlled verbs and their counts in the training text, counted again after the control (every
# row must equal its request; `distinct` < requested would mean a sentence was repeated):
# :::
#
# :::{lang} ja
# 制御した動詞と，制御後の学習テキストで数え直した出現回数（各行が要求どおりであること。`distinct` が要求
# より小さければ文を繰り返して使ったことを意味します）：
# :::

# %%
design = controlled.design.assign(count_sg=counts.counts(controlled.design["singular"]),
                                  count_pl=counts.counts(controlled.design["plural"]))
assert (design["count_sg"] == design["requested_sg"]).all() and (design["count_pl"] == design["requested_pl"]).all()
design[["singular", "plural", "requested_sg", "count_sg", "distinct_sg", "requested_pl", "count_pl", "distinct_pl"]]

# %% [markdown]
# :::{lang} en
# ## The models and the scores at the masked verb
# One MLM per seed on the same controlled corpus (configuration hashed into the toolkit's checkpoint
# cache). At the `[MASK]` of each item we compare the logits of the two forms: an error is the wrong
# form scoring at least as high as the correct one. A nonce sentence is scored against every verb pair at
# once, since the verb slot is masked. Each item also carries its training counts: of the two forms
# (for argmax P(V)) and of sentences holding the subject with each form (for argmax P(SV), and *seen* =
# the subject–verb pair occurred in at least one training sentence, as in the paper).
# :::
#
# :::{lang} ja
# ## モデルとマスクした動詞位置でのスコア
# シードごとに同じ制御済みコーパスで MLM を 1 つ学習します（設定はツールキットのチェックポイントキャッシュの
# ハッシュに入ります）。各事例の `[MASK]` で 2 つの形のロジットを比べ，誤った形のスコアが正しい形以上なら誤り
# とします。nonce 文は動詞位置がマスクされているので，1 回の順伝播で全動詞ペアを評価できます。各事例には学習
# テキストでの出現回数も付けます：2 つの形それぞれの回数（argmax P(V) 用）と，主語とその形を同じ文に含む文の数
# （argmax P(SV) 用。論文どおり，1 文以上あれば *seen*）。
# :::

# %%
models, scored = [], []
for s in P.seeds:
    cfg = pt.PretrainConfig.from_profile("wei-controlled", controlled.sentences, tok, P, seed=s)
    model = pt.pretrain(cfg, controlled.sentences, tok, device=str(device), progress=False)  # one line per model, not a bar per step
    models.append(model)
    scored.append(wei.evaluate(model, stimuli, counts, device=device, seed=s))
items = pd.concat(scored, ignore_index=True)
pd.DataFrame([{"seed": m.config.seed, "steps": m.config.steps, "final loss": round(float(m.log["loss"].iloc[-1]), 3),
               "train s": round(m.train_seconds, 1), "from cache": m.from_cache} for m in models])

# %% [markdown]
# :::{lang} en
# ## Table 2: error by condition and by whether the pair was seen
# :::
#
# :::{lang} ja
# ## 表 2：条件別・ペアを見たかどうか別の誤り率
# :::

# %%
ours = wei.error_table(items)
paper = wei.PAPER_TABLE2


def table2(lang):
    t = pd.concat({book.tr(lang, "ours", "本研究"): ours.round(1),
                   book.tr(lang, "paper (Wei+ 2021, Table 2)", "論文 (Wei+ 2021, 表 2)"): paper.rename(index={"BERT": "BERT (paper)"})})
    t.columns = pd.MultiIndex.from_tuples([(book.tr(lang, c, {"natural": "自然文", "nonce": "nonce 文"}[c]),
                                            book.tr(lang, s, {"seen": "既出", "unseen": "未出"}[s])) for c, s in t.columns])
    return t.fillna("")


book.show_table(table2)
overall = wei.overall_error(items)
book.show_text(
    en=f"Overall error (ours): natural **{overall.get('natural', np.nan):.1f} %**, nonce **{overall.get('nonce', np.nan):.1f} %** "
       f"(paper: {wei.PAPER_OVERALL['natural']} % and {wei.PAPER_OVERALL['nonce']} %, §5.1).",
    ja=f"全体の誤り率（本研究）：自然文 **{overall.get('natural', np.nan):.1f} %**，nonce 文 **{overall.get('nonce', np.nan):.1f} %**"
       f"（論文：{wei.PAPER_OVERALL['natural']} % と {wei.PAPER_OVERALL['nonce']} %，§5.1）。")
# How much of the model's choice a subject-blind frequency learner already explains.
agree = 100 * (items["error"] == items["argmax_v"]).mean()
book.show_text(
    en=f"The model makes the same choice as the argmax P(V) learner (always the verb form that was more frequent "
       f"in training, whatever the subject) on **{agree:.0f} %** of the items. Where that share is high, claims "
       f"that hold below are explained by word frequency alone, not by a learned agreement rule.",
    ja=f"モデルの選択は，argmax P(V) 学習器（主語に関係なく，学習時により頻繁だった動詞形を常に選ぶ）と "
       f"**{agree:.0f} %** の事例で一致します。この割合が高いとき，以下で成り立つ主張は学習された一致規則ではなく，"
       f"単語の頻度だけで説明がつきます。")

# %% [markdown]
# :::{lang} en
# ## Reduce Error and Cause Error
# Each point is one target form (the form that agrees) in one condition, averaged over its items and
# seeds. Left: error against the form's training count. Right: against the log ratio of its count to the
# competing form's. The controlled verbs are drawn filled; the others keep their natural counts.
# :::
#
# :::{lang} ja
# ## Reduce Error と Cause Error
# 各点は 1 つの目標形（一致する形）の，ある条件での誤り率（事例とシードの平均）です。左：その形の学習
# テキストでの回数に対して。右：競合する形の回数との比（対数）に対して。制御した動詞は塗りつぶし，それ以外は
# 自然な回数のままです。
# :::

# %%
verbs = wei.per_verb(items)
controlled_forms = set(design["singular"]) | set(design["plural"])
verbs["controlled"] = verbs["correct"].isin(controlled_forms)
trends = {(cond, x): wei.trend(d[x], d["error"]) for cond, d in verbs.groupby("condition") for x in ("log_count", "log_ratio")}


def draw_frequency(lang):
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    for ax, x, label in zip(axes, ("log_count", "log_ratio"),
                            (book.tr(lang, "log10(count of target form + 1)", "log10(目標形の回数 + 1)"),
                             book.tr(lang, "log10(target / competitor count)", "log10(目標形 / 競合形 の回数比)"))):
        for cond, colour in (("natural", "C0"), ("nonce", "C1")):
            d = verbs[verbs["condition"] == cond]
            name = book.tr(lang, cond, {"natural": "自然文", "nonce": "nonce 文"}[cond])
            ax.scatter(d.loc[~d.controlled, x], d.loc[~d.controlled, "error"] * 100, s=10, facecolors="none",
                       edgecolors=colour, alpha=0.5)
            ax.scatter(d.loc[d.controlled, x], d.loc[d.controlled, "error"] * 100, s=22, color=colour,
                       label=f"{name} (ρ = {trends[(cond, x)][0]:+.2f})")
            if len(d) > 2:  # a least-squares line as a visual guide; the claim uses Spearman's ρ
                k, b = np.polyfit(d[x], d["error"] * 100, 1)
                xs = np.linspace(d[x].min(), d[x].max(), 2)
                ax.plot(xs, k * xs + b, color=colour, lw=1.5)
        ax.set_xlabel(label)
        ax.set_ylim(-5, 105)  # the fitted lines are guides; errors live in [0, 100]
        ax.legend(fontsize=8)
    axes[0].set_ylabel(book.tr(lang, "error (%)", "誤り率 (%)"))
    axes[0].set_title(book.tr(lang, "Reduce Error", "Reduce Error（目標形の頻度）"))
    axes[1].set_title(book.tr(lang, "Cause Error", "Cause Error（競合形との頻度比）"))
    return fig


book.show_figure(draw_frequency, name="wei-frequency")

# %% [markdown]
# :::{lang} en
# The controlled grid alone: error (%) on nonce sentences for each requested (target count, competitor
# count) cell, averaged over its verbs and seeds.
# :::
#
# :::{lang} ja
# 制御した格子だけを見ると：要求した（目標形の回数，競合形の回数）の各セルでの nonce 文の誤り率 (%)（その動詞と
# シードの平均）。
# :::

# %%
req = pd.concat([design.assign(correct=design["singular"], target=design["requested_sg"], competitor=design["requested_pl"]),
                 design.assign(correct=design["plural"], target=design["requested_pl"], competitor=design["requested_sg"])])
grid = items[items["condition"] == "nonce"].merge(req[["correct", "target", "competitor"]], on="correct")
grid_table = grid.pivot_table(index="target", columns="competitor", values="error", aggfunc="mean") * 100
book.show_table(lambda lang: grid_table.round(1).rename_axis(index=book.tr(lang, "target count", "目標形の回数"),
                                                             columns=book.tr(lang, "competitor count", "競合形の回数")))

# %% [markdown]
# :::{lang} en
# ## Attractors
# An attractor is a noun of the other number between the subject and the verb ("the **keys** to the
# *cabinet* **are**"). The paper's stimuli count intervening clauses; we count nouns, as Linzen+ (2016) do.
# :::
#
# :::{lang} ja
# ## アトラクタ
# アトラクタとは，主語と動詞の間にある数の異なる名詞です（"the **keys** to the *cabinet* **are**"）。論文の刺激文は
# 間に挟まる節の数を数えていますが，ここでは Linzen+ (2016) と同じく名詞を数えます。
# :::

# %%
att = items.assign(attractors=np.minimum(items["attractors"], 3))
by_att = wei.error_by(att, "attractors")


def draw_attractors(lang):
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    for cond, colour in (("natural", "C0"), ("nonce", "C1")):
        d = by_att[by_att["condition"] == cond]
        ax.errorbar(d["attractors"], d["error"], yerr=d["sd"].fillna(0), marker="o", color=colour, capsize=3,
                    label=book.tr(lang, cond, {"natural": "自然文", "nonce": "nonce 文"}[cond]))
        for a, e, n in zip(d["attractors"], d["error"], d["items"]):
            ax.annotate(f"n={n}", (a, e), textcoords="offset points", xytext=(4, 4), fontsize=7, color=colour)
    ax.set_xticks([0, 1, 2, 3], ["0", "1", "2", "3+"])
    ax.set_xlabel(book.tr(lang, "attractors between subject and verb", "主語と動詞の間のアトラクタ数"))
    ax.set_ylabel(book.tr(lang, "error (%)", "誤り率 (%)"))
    ax.legend()
    return fig


book.show_figure(draw_attractors, name="wei-attractors")

# %% [markdown]
# :::{lang} en
# ## Verdict
# :::
#
# :::{lang} ja
# ## 判定
# :::

# %%
claims = book.Claims("wei", P.profile)
nat, non = float(overall.get("natural", np.nan)), float(overall.get("nonce", np.nan))
COND_JA = {"natural": "自然文", "nonce": "nonce 文"}
claims.add("wei.natural_below_nonce", en="Agreement errors are fewer on natural sentences than on nonce sentences.",
           ja="数の一致の誤りは nonce 文より自然文で少ない。", paper=("3.2 % vs 16.8 %", "自然文 3.2 %，nonce 文 16.8 %"),
           source=(wei.PAPER_SOURCE, wei.PAPER_SOURCE_JA),
           ours=(f"{nat:.1f} % vs {non:.1f} %", f"自然文 {nat:.1f} %，nonce 文 {non:.1f} %"),
           holds=nat < non, numbers={"natural": nat, "nonce": non})


def cell(row, cond, seen):
    return float(ours.loc[row, (cond, seen)]) if (cond, seen) in ours.columns else float("nan")


gaps = {c: cell("MLM (ours)", c, "unseen") - cell("MLM (ours)", c, "seen") for c in ("natural", "nonce")}
margin_sv = {c: cell("argmax P(SV)", c, "unseen") - cell("MLM (ours)", c, "unseen") for c in ("natural", "nonce")}
claims.add("wei.unseen_pairs_worse", en="Unseen subject–verb pairs are harder than seen ones.",
           ja="未出の主語–動詞ペアは既出のペアより難しい。",
           paper=("natural 3.3 → 8.8 %, nonce 15.6 → 17.6 %", "既出 → 未出で，自然文 3.3 → 8.8 %，nonce 文 15.6 → 17.6 %"),
           source=("Wei+ 2021, Table 2", "Wei+ 2021 表 2"),
           ours=(", ".join(f"{c} {cell('MLM (ours)', c, 'seen'):.1f} → {cell('MLM (ours)', c, 'unseen'):.1f} %" for c in gaps),
                 "既出 → 未出で，" + "，".join(f"{COND_JA[c]} {cell('MLM (ours)', c, 'seen'):.1f} → "
                                          f"{cell('MLM (ours)', c, 'unseen'):.1f} %" for c in gaps)),
           holds=all(g > 0 for g in gaps.values()), numbers={f"gap_{c}": g for c, g in gaps.items()})
claims.add("wei.unseen_beat_item_learner", en="On unseen pairs the MLM stays far below the item-memorising argmax P(SV).",
           ja="未出ペアでも MLM の誤り率は事例暗記型の argmax P(SV) よりずっと低い。",
           paper=("8.8 vs 50.0 % (natural), 17.6 vs 50.0 % (nonce)", "自然文 8.8 % 対 50.0 %，nonce 文 17.6 % 対 50.0 %"),
           source=("Wei+ 2021, Table 2", "Wei+ 2021 表 2"),
           ours=(", ".join(f"{c} {cell('MLM (ours)', c, 'unseen'):.1f} vs {cell('argmax P(SV)', c, 'unseen'):.1f} %" for c in margin_sv),
                 "，".join(f"{COND_JA[c]} {cell('MLM (ours)', c, 'unseen'):.1f} % 対 {cell('argmax P(SV)', c, 'unseen'):.1f} %"
                          for c in margin_sv)),
           holds=all(m > 10 for m in margin_sv.values()), numbers={f"margin_{c}": m for c, m in margin_sv.items()})
n_forms = int((verbs.condition == "nonce").sum())
for x, cid, en, ja, paper_text, src in (
        ("log_count", "wei.reduce_error", "Error falls as the target form gets more frequent in pre-training (Reduce Error).",
         "目標形が事前学習で高頻度なほど誤りは減る（Reduce Error）。",
         ("error decreases with verb frequency", "動詞の頻度が高いほど誤りは減る"),
         ("Wei+ 2021, §5.3, Fig. 1", "Wei+ 2021 §5.3，図 1")),
        ("log_ratio", "wei.cause_error", "Error rises when the competing form is more frequent than the target (Cause Error).",
         "競合形が目標形より高頻度だと誤りが増える（Cause Error）。",
         ("e.g. nonce 2.2 % when the target is much more frequent", "例：目標形の方がずっと高頻度なら nonce 文で 2.2 %"),
         ("Wei+ 2021, §5.4, Fig. 2", "Wei+ 2021 §5.4，図 2"))):
    rho, p = trends[("nonce", x)]
    claims.add(cid, en=en, ja=ja, paper=paper_text, source=src,
               ours=(f"nonce, per target form: Spearman ρ = {rho:+.2f} (p = {p:.2g}, {n_forms} forms)",
                     f"nonce 文，目標形ごと：Spearman ρ = {rho:+.2f}（p = {p:.2g}，動詞形 {n_forms} 個）"),
               holds=rho < 0 and p < 0.05, numbers={"rho": rho, "p": p})
claims.save()
book.show_table(lambda lang: claims.table())
elapsed = time.perf_counter() - started
book.show_text(en=f"This notebook ran in {elapsed:.0f} s (profile `{P.profile}`, device `{device}`).",
               ja=f"このノートブックの実行時間は {elapsed:.0f} 秒でした（プロファイル `{P.profile}`，デバイス `{device}`）。")

# %% [markdown]
# :::{lang} en
# ## What held, and what it would take
# The table above is the scoreboard entry. At the quick profile the model is tiny (2 layers, 128 wide,
# a few hundred steps on about a million words — the paper's BERT-base saw Wikipedia and Books for 1M
# steps), so natural-text errors are far above the paper's 3 %, and frequency trends are measured on a few
# hundred verb forms with few items each: a claim marked as not holding here is a statement about this
# scale, not a refutation. The full profile (`papermill -p profile full`, one GPU, untested in this
# build) trains a 6-layer model on the whole corpus for 30k steps with three seeds, five count levels
# from 1 to 100 and eight times more stimuli — the path towards the paper's scale. What stays true at any
# scale is the bookkeeping: every controlled count is exact and re-counted above, and the baselines follow
# their definitions from the same counts.
# :::
#
# :::{lang} ja
# ## 何が成り立ち，何が必要か
# 上の表がスコアボードへの記録です。quick プロファイルのモデルはとても小さく（2 層・幅 128，約 100 万語で数百
# ステップ。論文の BERT-base は Wikipedia と書籍で 100 万ステップ），自然文の誤り率は論文の 3 % よりずっと高く，
# 頻度の傾向も数百の動詞形・各少数の事例から測っています。ここで成り立たない主張は，この規模での結果であって
# 反証ではありません。full プロファイル（`papermill -p profile full`，GPU 1 枚，このビルドでは未検証）は 6 層の
# モデルをコーパス全体で 3 万ステップ，3 シード，1〜100 の 5 段階の回数，8 倍の刺激文で学習・評価し，論文の
# 規模に近づく道筋です。規模によらず成り立つのは記録の正しさです：制御した回数はすべて正確で上で数え直しており，
# ベースラインは同じ回数から定義どおりに計算しています。
# :::
