"""Tables and figures of the toolkit page (notebooks/04_small_models.py), in either language."""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import torch
from torch.nn import functional as F

from ..core import evidence
from ..core.lang import tr
from ..core.evidence import Estimate
from ..core.paths import data_dir
from .baselines import MAJORITY, POSITIONAL, positional_items
from .config import Pretrained
from .data import tokenize_corpus
from .evaluate import heldout_batches, unigram_log_probs
from .modeling import flops_per_step
from .objectives import IGNORE
from .tasks import Task


def throughput(model: Pretrained) -> dict[str, float]:
    """Tokens per second and achieved FLOP/s of a training run, from its own log (head included)."""
    log = model.log
    objective = model.model.objective
    flops = flops_per_step(model.config, objective.num_classes(model.tokenizer), objective.predicted_fraction)
    seconds = float(log["seconds"].iloc[-1])
    steps = int(log["step"].iloc[-1])
    return {"seconds": seconds, "tokens": float(log["tokens"].iloc[-1]),
            "tokens_per_s": float(log["tokens"].iloc[-1]) / seconds,
            "flops_per_s": flops * steps / seconds, "flops_per_step": flops}


def draw_loss_curve(logs: dict[str, pd.DataFrame], lang: str, *, unigram: float | None = None,
                    heldout: dict[str, float] | None = None):
    """Training loss against tokens seen; the held-out unigram cross-entropy as a floor line (what a
    model that learned only word frequencies scores) and each model's held-out loss as a marker."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for name, log in logs.items():
        (line,) = ax.plot(log["tokens"] / 1e6, log["loss"], label=tr(lang, f"{name} (train)", f"{name}（学習）"))
        if heldout and name in heldout:
            ax.plot(log["tokens"].iloc[-1] / 1e6, heldout[name], "D", color=line.get_color(),
                    label=tr(lang, f"{name} (held-out)", f"{name}（取り分け）"))
    if unigram is not None:
        ax.axhline(unigram, color="grey", ls="--", lw=1.2,
                   label=tr(lang, f"unigram floor (held-out) {unigram:.2f}", f"ユニグラムの水準（取り分け）{unigram:.2f}"))
    ax.set_xlabel(tr(lang, "training tokens (millions)", "学習トークン数（百万）"))
    ax.set_ylabel(tr(lang, "MLM loss (cross-entropy, nats)", "MLM 損失（交差エントロピー, nat）"))
    ax.legend(fontsize=8)
    return fig


def downstream_table(summary: pd.DataFrame, tasks: dict[str, Task], lang: str, names: dict[str, tuple[str, str]],
                     metric: str = "accuracy"):
    """Mean ± std over seeds per (task, model), models in the order of ``names`` (id → (en, ja));
    single-run rows (the majority class, TF-IDF) without a spread."""
    df = summary[(summary["metric"] == metric) & summary["model"].isin(names)]
    cells = df.assign(cell=[f"{m:.3f} ± {s:.3f}" if s == s else f"{m:.3f}" for m, s in zip(df["mean"], df["std"])])
    table = cells.pivot(index="task", columns="model", values="cell")
    table = table[[n for n in names if n in table.columns]].rename(columns={k: tr(lang, *v) for k, v in names.items()})
    table[tr(lang, "train / dev / test", "訓練 / 開発 / 評価")] = [
        " / ".join(str(v) for v in tasks[t].sizes().values()) for t in table.index]
    table.index.name = tr(lang, f"task ({metric}, test)", f"タスク（{metric}，評価データ）")
    return table


def draw_benchmark(table: pd.DataFrame, lang: str):
    """Tokens/s and MFU of our loop beside ``transformers.Trainer`` (a :func:`~.benchmark.compare_with_trainer` table)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.2))
    colors = ["#4C72B0", "#999999"]
    for ax, column, label in ((axes[0], "tokens_per_s", tr(lang, "training tokens per second", "学習トークン毎秒")),
                              (axes[1], "mfu", tr(lang, "model FLOPs utilisation", "モデル FLOPs 利用率（MFU）"))):
        values = table[column] * (100 if column == "mfu" else 1)
        names = [tr(lang, "ours", "本書のループ") if n == "ours" else n for n in table.index]
        ax.barh(names, values, color=colors[:len(table)])
        for y, v in enumerate(values):
            ax.text(v, y, f" {v:,.0f}{' %' if column == 'mfu' else ''}", va="center", fontsize=9)
        ax.set_xlabel(label + (" (%)" if column == "mfu" else ""))
        ax.set_xlim(0, values.max() * 1.3)
        ax.invert_yaxis()
    axes[1].set_yticks([])
    fig.suptitle(tr(lang, f"Same model, data and steps on {table.attrs.get('device', '?')} "
                          f"({table.attrs.get('threads', '?')} threads)",
                    f"同じモデル・データ・ステップ数，{table.attrs.get('device', '?')}"
                    f"（{table.attrs.get('threads', '?')} スレッド）"), fontsize=10)
    fig.tight_layout()
    return fig


# --- the recipe and the protocol ------------------------------------------------------------

LEARNED_NATS = 1.5  # how far below the unigram floor a miniature's held-out loss must be to judge a paper
RECIPE_SEARCH_FILE = "recipe_search.csv"  # written by benchmarks/recipe_search.py into data/


def beyond_unigram_control(gain: Estimate, who: tuple[str, str] = ("the MLM", "MLM"),
                           threshold: float = LEARNED_NATS) -> evidence.Gate:
    """The positive control of any finding on one of the book's MLMs: its held-out loss is at least
    ``threshold`` nats below its unigram floor, the whole 99 % interval of the :func:`heldout_gap`
    estimate ``gain`` above ``threshold``."""
    region = evidence.above(threshold, unit="nats", unit_ja="nat",
                            source="the book's bar for a model that learned beyond word frequency",
                            source_ja="単語頻度より先を学んだとみなす本書の基準")
    return evidence.gate(gain, region,
                         f"{who[0]}'s held-out loss at least {threshold:g} nats below its unigram floor "
                         f"(gap {gain.text('en', 2)} nats, 99 % interval)",
                         f"{who[1]} の取り分け損失がユニグラムの水準を {threshold:g} nat 以上下回る"
                         f"（差 {gain.text('ja', 2)} nat，99 % 区間）")


@torch.inference_mode()
def heldout_gap(pretrained: Pretrained, heldout, train, *, max_tokens: int = 65_536, device="cpu",
                seed: int = 0) -> Estimate:
    """The unigram floor minus the held-out MLM loss (nats per masked token), on the masked positions
    of :func:`~.evaluate.heldout_report` (the same rows, the same masking: the same value as its
    ``gain``), with the 99 % interval of a bootstrap of the held-out rows (tokens of one row share their
    context, so whole rows are resampled)."""
    if pretrained.config.objective != "mlm":
        raise ValueError(f"held-out MLM loss needs an MLM model, not objective {pretrained.config.objective!r}")
    tok = pretrained.tokenizer
    batches = heldout_batches(heldout, tok, pretrained.config.seq_len, max_tokens=max_tokens)
    log_probs = unigram_log_probs(tokenize_corpus(train, tok), len(tok))
    model = pretrained.model.to(device)
    was_training = model.encoder.training
    model.encoder.eval()
    rows, gaps = [], []
    for k in range(0, len(batches.input_ids), 128):
        ids, mask, labels = (t[k:k + 128].to(device) for t in (batches.input_ids, batches.attention_mask, batches.labels))
        hidden = model.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        where = labels != IGNORE
        loss = F.cross_entropy(model.head(hidden[where]).float(), labels[where], reduction="none").cpu()
        gold = labels[where].cpu()
        gaps.append((-log_probs[gold] - loss.double()).numpy())
        rows.append((where.nonzero()[:, 0].cpu() + k).numpy())
    model.encoder.train(was_training)
    gap, row = np.concatenate(gaps), np.concatenate(rows)
    frame = pd.DataFrame({"arm": "gap", "item": np.arange(len(gap)), "row": row, "score": gap})
    return evidence.multibootstrap(frame, lambda m: m["gap"].iloc[:, 0], clusters="row", seed=seed,
                                   test="bootstrap of held-out rows, unigram − MLM loss")


LOSS_DROP_NATS = 1.0  # "well below its starting value": the training loss falls by at least one nat
LOSS_WINDOW = 10  # the logged means at the end of training that stand for the final loss


def loss_drop(log: pd.DataFrame, window: int = LOSS_WINDOW, *, seed: int = 0) -> Estimate:
    """The first logged training loss minus the mean of the last ``window`` logged losses (nats), with
    the 99 % interval of a bootstrap of those last logged means (their step-to-step noise). A log of
    fewer than ``window + 1`` rows (a dry run) uses all rows after the first."""
    loss = log["loss"].to_numpy(dtype=float)
    if len(loss) < 2:
        raise ValueError(f"a loss log of {len(loss)} rows is too short: it needs a first and a last loss")
    window = min(window, len(loss) - 1)
    last = loss[-window:]
    reps = loss[0] - last[np.random.default_rng(seed).integers(0, window, size=(evidence.RESAMPLES, window))].mean(axis=1)
    return Estimate.from_replicates(float(loss[0] - last.mean()), reps, test="bootstrap of the last logged losses",
                                    items=window)


def describe_recipe(c) -> str:
    """A configuration's recipe in one line: size, rows × batch (and the long phase), steps, rate, dropout."""
    mlm = ""
    if c.objective == "mlm":
        mlm = f", mask {c.settings['rate']:.0%}" if "rate" in c.settings else ""
        mlm += ", zero output bias" if c.settings.get("prior_bias") is False else ", unigram output bias"
    return (f"{c.layers}×{c.hidden}, {c.batch_size} × {c.seq_len}, {c.steps} steps, lr {c.lr:g}, dropout {c.dropout:g}"
            f"{mlm}, seed {c.seed}")


def recipe_table(recipes: dict[str, tuple[Pretrained, dict]], lang: str) -> pd.DataFrame:
    """One row per (model, :func:`~.evaluate.heldout_report`): recipe, tokens, seconds, held-out loss, floor, gap."""
    rows = []
    for name, (m, rep) in recipes.items():
        rows.append({tr(lang, "recipe", "レシピ"): describe_recipe(m.config),
                     tr(lang, "tokens (M)", "トークン（百万）"): f"{float(m.log['tokens'].iloc[-1]) / 1e6:.1f}",
                     tr(lang, "seconds", "秒"): f"{m.train_seconds:.0f}",
                     tr(lang, "held-out loss", "取り分け損失"): f"{rep['heldout_loss']:.2f}",
                     tr(lang, "unigram floor", "ユニグラムの水準"): f"{rep['unigram_entropy']:.2f}",
                     tr(lang, "gap (nats)", "差（nat）"): f"{rep['gain']:.2f}"})
    return pd.DataFrame(rows, index=pd.Index([tr(lang, {"previous": "before", "profile": "now (profile)"}.get(n, n),
                                                  {"previous": "以前", "profile": "現在（プロファイル）"}.get(n, n))
                                               for n in recipes], name=""))


def recipe_search_table(lang: str) -> pd.DataFrame:
    """The search record of ``data/recipe_search.csv``, as the benchmark script wrote it."""
    df = pd.read_csv(data_dir() / RECIPE_SEARCH_FILE)
    out = pd.DataFrame({
        tr(lang, "recipe", "レシピ"): df["recipe"],
        tr(lang, "tokens (M)", "トークン（百万）"): (df["tokens"] / 1e6).map("{:.1f}".format),
        tr(lang, "seconds", "秒"): df["seconds"].map("{:.0f}".format),
        tr(lang, "held-out loss", "取り分け損失"): df["heldout_loss"].map("{:.2f}".format),
        tr(lang, "unigram floor", "ユニグラムの水準"): df["unigram_entropy"].map("{:.2f}".format),
        tr(lang, "gap (nats)", "差（nat）"): df["gain"].map("{:.2f}".format),
        tr(lang, "measured", "測定"): df["machine"] + ", " + df["date"],
    })
    out.index = range(1, len(out) + 1)
    return out


def protocol_table(steps: pd.DataFrame, config, lang: str, names: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """Optimiser steps run and the step whose weights were kept (mean over seeds), per task and model."""
    table = steps.reset_index()
    table["cell"] = [f"{b:.0f} / {s:.0f}" for b, s in zip(table["best_step"], table["steps"])]
    out = table.pivot(index="task", columns="model", values="cell")
    out = out[[n for n in names if n in out.columns]].rename(columns={k: tr(lang, *v) for k, v in names.items()})
    out.index.name = tr(lang, f"steps kept / run (≤ {config.max_epochs} epochs, patience {config.patience})",
                        f"採用 / 実行ステップ（最大 {config.max_epochs} エポック，忍耐 {config.patience}）")
    return out


def evidence_frame(items: pd.DataFrame, pretrain_seeds: dict[str, int]) -> pd.DataFrame:
    """:func:`~.finetune.item_results` (or :func:`~.baselines.reference_items`) rows — model, task, seed,
    item, correct — as the frame of :func:`~emnlp21.core.evidence.multibootstrap`, scores in points
    (100 right, 0 wrong); ``pretrain_seeds`` maps each model to its pre-training seed (the reference
    rows, which have none, get :data:`~emnlp21.core.evidence.NO_STAGE`)."""
    return pd.DataFrame({"arm": items["model"].to_numpy(), "task": items["task"].to_numpy(),
                         "pretrain_seed": items["model"].map(lambda m: pretrain_seeds.get(m, evidence.NO_STAGE))
                         .astype(int).to_numpy(),
                         "finetune_seed": items["seed"].to_numpy(), "item": items["item"].to_numpy(),
                         "score": 100.0 * items["correct"].to_numpy()})


POSITIONAL_POINTS = 5.0  # how far above the majority class the positional reference may score on an order task


def positional_control(task: Task) -> evidence.Gate:
    """An order-sensitive task tests order only if its surface positions do not give the label away: the
    positional reference (:func:`~.baselines.positional_items`, cross-validated over all the task's items)
    minus the majority class, paired over the items, within ±:data:`POSITIONAL_POINTS` points."""
    gap = evidence.difference(evidence_frame(positional_items(task), {}), POSITIONAL, MAJORITY,
                              test="paired bootstrap over items (5-fold cross-validation), positional − majority")
    region = evidence.within(POSITIONAL_POINTS, unit="points", unit_ja="ポイント",
                             source="this book's bar: a task decided by surface positions does not test order",
                             source_ja="本書の基準：表層の位置で決まるタスクは語順を試さない")
    return evidence.gate(
        gap, region,
        f"{task.name} cannot be read off positions: a logistic regression on the first and last words, length "
        f"and punctuation positions scores {gap.text('en')} points over the majority class "
        f"(99 % interval; needs within ±{POSITIONAL_POINTS:g})",
        f"{task.name} は位置から読めない：最初と最後の語，長さ，句読点の位置によるロジスティック回帰が多数派クラスより "
        f"{gap.text('ja')} ポイント（99 % 区間。±{POSITIONAL_POINTS:g} 以内が必要）")


LEAK_POINTS = 1.0  # the share of a task's test items the pre-training text may contain, in points


def seen_in_pretraining(task: Task, train: Sequence[str]) -> evidence.Estimate:
    """The share of ``task``'s test items (points) with a text (``text`` or ``text_b``) that occurs word
    for word in the pre-training sentences ``train``, with its interval over the items: a pre-trained
    model that has read a test item has an advantage no random initialisation shares."""
    pretraining = "\n".join(" ".join(s.split()) for s in train)
    columns = [c for c in ("text", "text_b") if c in task.test]
    seen = [any(" ".join(str(row[c]).split()) in pretraining for c in columns) for _, row in task.test.iterrows()]
    frame = pd.DataFrame({"arm": "seen", "item": range(len(seen)), "score": 100.0 * np.asarray(seen, float)})
    return evidence.mean_score(frame, "seen", test="bootstrap over test items, share seen in pre-training")


def pretraining_gains(scores: pd.DataFrame, model: str, baseline: str, reference: str = "tf-idf") -> dict:
    """How much ``model`` beats ``baseline`` and the ``reference`` row (TF-IDF) on the task average of
    test accuracy (points), each a paired multi-bootstrap :class:`~emnlp21.core.evidence.Estimate`
    (``scores``: :func:`evidence_frame`), and the per-task gains."""
    means = scores.groupby(["arm", "task"]).score.mean().unstack("task")
    out = {"baseline": evidence.difference(scores, model, baseline),
           "reference": evidence.difference(scores, model, reference)}

    out["numbers"] = ({"gain": out["baseline"].value, "gain_tfidf": out["reference"].value}
                      | {f"gain_{t}": float(means.loc[model, t] - means.loc[baseline, t]) for t in means.columns}
                      | {f"gain_tfidf_{t}": float(means.loc[model, t] - means.loc[reference, t]) for t in means.columns})
    return out


def add_claims(claims, *, log: pd.DataFrame, heldout: dict, gap: Estimate, gains: dict,
               order_tasks: Mapping[str, evidence.Gate] | None = None,
               leaks: Mapping[str, Estimate] | None = None) -> None:
    """The toolkit page's claims: the training loss falls and the held-out loss is past the unigram
    floor (checks), and pre-training helps (a finding, gated by the second check as its positive control);
    ``order_tasks``: :func:`positional_control` of each order-sensitive task by name, a check each;
    ``leaks``: :func:`seen_in_pretraining` of each task by name, a check each, and all of them passing is
    a control of "pre-training helps" (a model that has read the test items is not helped by pre-training).

    "Pre-training helps" compares a model pre-trained by a recipe with the same encoder left at its
    random initialisation: it is a claim about the pre-training procedure (``procedure=True``), so one
    pre-training run leaves it inconclusive however large the difference."""
    drop = loss_drop(log)
    first, last = float(log["loss"].iloc[0]), float(log["loss"].iloc[-drop.items:].mean())
    claims.add(
        "small_models.loss-falls", kind="check",
        en=f"Pre-training lowers the MLM training loss at least {LOSS_DROP_NATS:g} nat below its starting value.",
        ja=f"事前学習で MLM の学習損失は初期値から {LOSS_DROP_NATS:g} nat 以上下がる。",
        paper=("loss falls during training", "学習中に損失は下がる"),
        source=("standard behaviour (Devlin+ 2019)", "標準的な挙動（Devlin+ 2019）"),
        ours=(f"{first:.2f} → {last:.2f} nats (first logged loss → mean of the last {drop.items})",
              f"{first:.2f} → {last:.2f} nat（最初の記録 → 最後の {drop.items} 記録の平均）"),
        estimate=drop, region=evidence.above(LOSS_DROP_NATS, unit="nats", unit_ja="nat",
                                              source="this book's bar for \"well below\"",
                                              source_ja="本書の「大きく下がる」の基準"),
        numbers={"first": first, "last": last})
    claims.add(
        "small_models.learns-beyond-unigram", kind="check",
        en=f"The held-out MLM loss is at least {LEARNED_NATS:g} nats below the unigram floor: the model "
           f"learned from context, not only word frequencies.",
        ja=f"取り分けたテキストでの MLM 損失がユニグラムの水準を {LEARNED_NATS:g} nat 以上下回る："
           f"モデルは単語の頻度だけでなく文脈から学んだ。",
        paper=("a trained MLM is far below the unigram loss", "学習済みの MLM はユニグラム損失を大きく下回る"),
        source=("this book's control (issue: miniatures must learn)", "本書の対照"),
        ours=(f"held-out {heldout['heldout_loss']:.2f} vs unigram {heldout['unigram_entropy']:.2f} nats",
              f"取り分け {heldout['heldout_loss']:.2f}，ユニグラム {heldout['unigram_entropy']:.2f} nat"),
        estimate=gap, region=evidence.above(LEARNED_NATS, unit="nats", unit_ja="nat",
                                             source="this book's bar for a miniature (LEARNED_NATS)",
                                             source_ja="小さなモデルに本書が求める基準（LEARNED_NATS）"),
        numbers={k: heldout[k] for k in ("heldout_loss", "unigram_entropy", "gain")})
    unseen = {}
    for name, share in (leaks or {}).items():
        region = evidence.below(LEAK_POINTS, unit="points", unit_ja="ポイント",
                                source="this book's bar: test items unread in pre-training",
                                source_ja="本書の基準：テスト項目は事前学習で読まれていない")
        unseen[name] = evidence.gate(share, region,
                                     f"{name}: {share.text('en')} % of the test items occur in the pre-training text "
                                     f"(99 % interval; needs below {LEAK_POINTS:g})",
                                     f"{name}：テスト項目の {share.text('ja')} % が事前学習のテキストに現れる"
                                     f"（99 % 区間。{LEAK_POINTS:g} 未満が必要）")
        claims.add(
            f"small_models.test-items-unseen-{name}", kind="check",
            en=f"The test items of {name} do not occur in the pre-training text (under {LEAK_POINTS:g} %).",
            ja=f"{name} のテスト項目は事前学習のテキストに現れない（{LEAK_POINTS:g} % 未満）。",
            paper=("held-out test data (Devlin+ 2019 pre-train on BooksCorpus and Wikipedia, test on GLUE)",
                   "テストデータは事前学習に含まれない（Devlin+ 2019）"),
            source=("this book's check of its task suite", "本書のタスク群の点検"),
            ours=(unseen[name].en, unseen[name].ja), estimate=share, region=region)
    helps, tfidf = gains["baseline"], gains["reference"]
    claims.add(
        "small_models.pretraining-helps", procedure=True,
        en="The pre-trained model beats the same encoder left at random initialisation, on average over the tasks.",
        ja="事前学習済みモデルは，ランダム初期化のままの同じエンコーダをタスク平均で上回る。",
        paper=("pre-training improves downstream accuracy", "事前学習で下流タスクの正解率が上がる"),
        source=("Devlin+ 2019 (BERT), Table 1 and §5", "Devlin+ 2019（BERT），表 1 と §5"),
        ours=(f"{helps.value:+.1f} points of accuracy over random init; over TF-IDF {tfidf.text('en')} "
              f"(99 % interval)",
              f"ランダム初期化に対し正解率 {helps.value:+.1f} ポイント；TF-IDF に対し {tfidf.text('ja')}（99 % 区間）"),
        estimate=helps, region=evidence.above(0, unit="points", unit_ja="ポイント", source="the paper's direction",
                                              source_ja="論文の向き"),
        controls=[beyond_unigram_control(gap), *unseen.values()], numbers=gains["numbers"])
    for name, control in (order_tasks or {}).items():
        claims.add(
            f"small_models.order-task-not-positional-{name}", kind="check",
            en=f"The order task {name} cannot be solved from surface positions: a logistic regression on "
               f"the first and last words, length and punctuation positions stays within "
               f"{POSITIONAL_POINTS:g} points of the majority class.",
            ja=f"語順タスク {name} は表層の位置からは解けない：最初と最後の語，長さ，句読点の位置による"
               f"ロジスティック回帰は多数派クラスから {POSITIONAL_POINTS:g} ポイント以内にとどまる。",
            paper=("an order task must not be decidable from the bag of words (PAWS, Zhang+ 2019)",
                   "語順タスクは単語の袋から決まってはならない（PAWS，Zhang+ 2019）"),
            source=("this book's design of word_order", "本書の word_order の設計"),
            ours=(control.en, control.ja), estimate=control.estimate, region=control.region)
