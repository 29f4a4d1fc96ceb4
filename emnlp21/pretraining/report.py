"""Tables and figures of the toolkit page (notebooks/04_small_models.py), in either language."""

from __future__ import annotations

import pandas as pd

from ..book.display import tr
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


def draw_loss_curve(logs: dict[str, pd.DataFrame], lang: str):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for name, log in logs.items():
        ax.plot(log["tokens"] / 1e6, log["loss"], label=name)
    ax.set_xlabel(tr(lang, "training tokens (millions)", "学習トークン数（百万）"))
    ax.set_ylabel(tr(lang, "MLM loss (cross-entropy, nats)", "MLM 損失（交差エントロピー, nat）"))
    ax.legend()
    return fig


def baseline_table(summary: pd.DataFrame, tasks: dict[str, Task], lang: str, metric: str = "accuracy"):
    """Mean ± std over seeds per (task, model), beside the majority-class accuracy."""
    df = summary[summary["metric"] == metric]
    cells = df.assign(cell=[f"{m:.3f} ± {s:.3f}" if s == s else f"{m:.3f}" for m, s in zip(df["mean"], df["std"])])
    table = cells.pivot(index="task", columns="model", values="cell")
    table[tr(lang, "majority class", "多数派クラス")] = [f"{tasks[t].majority_accuracy():.3f}" for t in table.index]
    table[tr(lang, "train / dev / test", "訓練 / 開発 / 評価")] = [
        " / ".join(str(v) for v in tasks[t].sizes().values()) for t in table.index]
    table.index.name = tr(lang, f"task ({metric}, test)", f"タスク（{metric}, 評価データ）")
    return table


def draw_benchmark(table: pd.DataFrame, lang: str):
    """Tokens/s and MFU of our loop beside ``transformers.Trainer`` (a :func:`~.benchmark.compare_with_trainer` table)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.2))
    colors = ["#4C72B0", "#999999"]
    for ax, column, label in ((axes[0], "tokens_per_s", tr(lang, "training tokens per second", "学習トークン毎秒")),
                              (axes[1], "mfu", tr(lang, "model FLOPs utilisation", "モデル FLOPs 利用率 (MFU)"))):
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
