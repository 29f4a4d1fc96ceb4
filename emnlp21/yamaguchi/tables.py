"""The fine-tuning results as the paper's tables: scores per objective and task, averages over seeds,
and the downstream average against pre-training compute."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..pretraining import finetune_suite, item_results, load_checkpoint
from ..pretraining.report import evidence_frame
from .objectives import LABELS

NO_PRETRAINING = "none"
REFERENCES = ("tf-idf", "majority")  # the toolkit's reference rows (pretraining.reference_scores)
_OTHER_LABELS = {NO_PRETRAINING: ("No pre-training", "事前学習なし"),
                 "tf-idf": ("TF-IDF + logistic regression", "TF-IDF + ロジスティック回帰"),
                 "majority": ("Majority class", "多数派クラス")}


def label(name: str, lang: str = "en") -> str:
    if name in _OTHER_LABELS:
        return _OTHER_LABELS[name][lang == "ja"]
    return LABELS.get(name, name)


def example_view(example: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`~.measure.example_table` wide: per position the original token, then per objective what
    the encoder sees and the label it must predict."""
    view = example.copy()
    view["objective"] = [label(n, lang) for n in view.objective]
    wide = view.pivot(index="position", columns="objective", values=["input", "label"])
    wide.insert(0, ("original", ""), view.groupby("position").original.first())
    return wide


def tidy_scores(results: pd.DataFrame, *, split: str = "test", metric: str = "accuracy") -> pd.DataFrame:
    """The fine-tuning suite's tidy results as one row per model, task and seed with a ``score`` in
    points (0–100, as GLUE reports them)."""
    need = {"model", "task", "seed", "split", "metric", "value"}
    if not need <= set(results.columns):
        raise ValueError(f"fine-tuning results need columns {sorted(need)} (pretraining.finetune_suite's), "
                         f"got {list(results.columns)}")
    out = results[(results.split == split) & (results.metric == metric)]
    if out.empty:
        raise ValueError(f"no {metric!r} scores on split {split!r}; present: "
                         f"{sorted(set(zip(results.split, results.metric)))}")
    return out.assign(score=out.value * 100)[["model", "task", "seed", "score"]].reset_index(drop=True)


def average_by_seed(scores: pd.DataFrame, by=("model",)) -> pd.DataFrame:
    """The task average per model and seed (a seed's GLUE-style average), then its mean and std."""
    per_seed = scores.groupby([*by, "seed"]).score.mean().reset_index()
    return per_seed.groupby(list(by)).score.agg(["mean", "std", "count"]).reset_index()


def score_table(scores: pd.DataFrame, lang: str, order: Sequence[str]) -> pd.DataFrame:
    """Objective × task, mean ± std over seeds, and the average over tasks (per seed, then mean ± std)."""
    cell = scores.groupby(["model", "task"]).score.agg(["mean", "std"])
    fmt = lambda m, s: f"{m:.1f} ± {0 if np.isnan(s) else s:.1f}"  # noqa: E731
    table = cell.apply(lambda r: fmt(r["mean"], r["std"]), axis=1).unstack("task")
    avg = average_by_seed(scores).set_index("model")
    table["Avg" if lang == "en" else "平均"] = [fmt(avg.loc[m, "mean"], avg.loc[m, "std"]) for m in table.index]
    table = table.reindex([m for m in order if m in table.index])
    table.index = [label(m, lang) for m in table.index]
    table.index.name = "objective" if lang == "en" else "目的関数"
    return table


def _contenders(models: dict, untrained, checkpoint_steps: Sequence[int]) -> dict:
    contenders = {NO_PRETRAINING: untrained, **models}
    for step in checkpoint_steps:
        contenders.update({f"{n}@{step}": load_checkpoint(m, step) for n, m in models.items()})
    return contenders


def finetune_with_checkpoints(models: dict, untrained, tasks, checkpoint_steps: Sequence[int], *,
                              seeds: Sequence[int], config, device: str = "auto") -> pd.DataFrame:
    """Fine-tune ``models`` (objective name → the toolkit's Pretrained, kept with ``save_at``), their
    checkpoints at ``checkpoint_steps`` (named ``name@step``) and the ``untrained`` encoder
    (:data:`NO_PRETRAINING`) on ``tasks``; the :func:`tidy_scores` that :func:`compute_curve` reads."""
    contenders = _contenders(models, untrained, checkpoint_steps)
    return tidy_scores(finetune_suite(contenders, tasks, seeds=tuple(seeds), device=device, config=config))


def item_scores(models: dict, untrained, tasks, checkpoint_steps: Sequence[int], *, seeds: Sequence[int], config,
                device: str = "auto") -> pd.DataFrame:
    """The runs of :func:`finetune_with_checkpoints` (the same cache entries) item by item, as the
    evidence frame of :func:`~emnlp21.core.evidence.multibootstrap`: arm (model name, ``name@step``
    for a checkpoint), task, pretrain_seed (the seed of the pre-training run the arm comes from),
    finetune_seed, item and score (100 for a right prediction, 0 for a wrong one: means are in points)."""
    contenders = _contenders(models, untrained, checkpoint_steps)
    items = item_results(contenders, tasks, seeds=tuple(seeds), device=device, config=config)
    return evidence_frame(items, {name: m.config.seed for name, m in contenders.items()})


def compute_curve(averages: pd.DataFrame, flops: dict[str, float], steps: Sequence[int]) -> pd.DataFrame:
    """Points (model, step, pflops, mean, std) of the downstream average against pre-training compute.

    ``averages`` is :func:`average_by_seed` indexed by model name, where a checkpoint of objective
    ``name`` at ``step`` is named ``name@step``, the final model ``name`` (at ``max(steps)``) and the
    untrained encoder :data:`NO_PRETRAINING` (at step 0 for every objective); ``flops`` maps each
    objective to its FLOPs per step."""
    final = max(steps)
    points = []
    for name, per_step in flops.items():
        for step in [0, *sorted(steps)]:
            key = NO_PRETRAINING if step == 0 else (name if step == final else f"{name}@{step}")
            points.append({"model": name, "step": step, "pflops": step * per_step / 1e15,
                           "mean": averages.loc[key, "mean"], "std": averages.loc[key, "std"]})
    return pd.DataFrame(points)
