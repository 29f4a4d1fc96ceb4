"""Tables and figures of the toolkit page (notebooks/04_small_models.py), in either language."""

from __future__ import annotations

import pandas as pd

from ..book.display import tr
from ..book.evidence import Control, difference_margin
from ..book.paths import data_dir
from .config import Pretrained
from .modeling import flops_per_step
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


def beyond_unigram_control(gain: float, who: tuple[str, str] = ("the MLM", "MLM"),
                           threshold: float = LEARNED_NATS):
    """The positive control of any finding on one of the book's MLMs: its held-out loss is at least
    ``threshold`` nats below its unigram floor (``gain`` from :func:`~.evaluate.heldout_report`)."""
    return Control(f"{who[0]}'s held-out loss at least {threshold:g} nats below its unigram floor (gap {gain:.2f})",
                   f"{who[1]} の取り分け損失がユニグラムの水準を {threshold:g} nat 以上下回る（差 {gain:.2f}）",
                   bool(gain >= threshold))


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


def pretraining_gains(results: pd.DataFrame, summary: pd.DataFrame, tasks: dict[str, Task], model: str,
                      baseline: str, reference: str = "tf-idf") -> dict[str, float]:
    """How much ``model`` beats ``baseline`` (test accuracy averaged over tasks, per seed), the margin
    that difference must exceed (:func:`~emnlp21.book.evidence.difference_margin`), per-task gains,
    and the average gain over the ``reference`` row (TF-IDF)."""
    acc = results[(results["split"] == "test") & (results["metric"] == "accuracy")]
    per_seed = acc.groupby(["model", "seed"])["value"].mean()
    a, b = per_seed[model].to_numpy(), per_seed[baseline].to_numpy()
    n_items = sum(len(t.test) for t in tasks.values())
    means = summary[summary["metric"] == "accuracy"].pivot(index="task", columns="model", values="mean")
    out = {"gain": float(a.mean() - b.mean()), "margin": difference_margin(a, b, n_items),
           "gain_tfidf": float((means[model] - means[reference]).mean())}
    out |= {f"gain_{t}": float(means.loc[t, model] - means.loc[t, baseline]) for t in means.index}
    out |= {f"gain_tfidf_{t}": float(means.loc[t, model] - means.loc[t, reference]) for t in means.index}
    return out
