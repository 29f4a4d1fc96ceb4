"""The chapter's claims on the fine-tuning averages, each difference counted beyond the noise of the
seeds and the test items, and gated by the objectives' own-task controls."""

from __future__ import annotations

from typing import Mapping, Sequence

import pandas as pd

from ..book.evidence import Control, counts_differ, difference_margin
from .paper import PAPER_SOURCE
from .tables import NO_PRETRAINING, average_by_seed, label


def seed_margin(scores: pd.DataFrame, a: str, b: str, n_items: int) -> float:
    """The least difference (points) of the task averages of models ``a`` and ``b`` that counts: twice
    its standard error from the spread over seeds and the binomial noise of ``n_items`` test items."""
    per_seed = scores.groupby(["model", "seed"]).score.mean() / 100
    return 100 * difference_margin(per_seed[a].to_numpy(), per_seed[b].to_numpy(), n_items)


def own_task_controls(own_task: pd.DataFrame, objectives: Sequence[str]) -> dict[str, Control]:
    """One positive control per objective (by name): its head beats always answering the most frequent
    label on held-out text (:func:`objective_accuracy` rows), by more than the binomial noise of the tokens."""
    out = {}
    for name in objectives:
        r = own_task.set_index("objective").loc[name]
        n = int(r["tokens"])
        better = r["accuracy"] > r["majority"] and counts_differ(round(r["accuracy"] * n), n, round(r["majority"] * n), n)[0]
        out[name] = Control(f"{label(name)} above its own-task majority on held-out text",
                            f"{label(name)} が取り分けたテキストで自身のタスクの多数派を上回る", bool(better))
    return out


def within_tolerance(diff: float, margin: float, tolerance: float) -> tuple[bool, bool]:
    """Is ``diff`` (S+R − MLM, points) at least ``-tolerance`` given its noise ``margin``? Returns
    (holds, decided): holds when even ``diff - margin`` is within the tolerance; decided unless the
    interval ``diff ± margin`` straddles ``-tolerance`` (then the noise is too large to tell)."""
    holds = diff - margin >= -tolerance
    return holds, holds or diff + margin < -tolerance


def _precision(decided: bool, margin_text: str, tolerance: float) -> Control:
    return Control(f"S+R − MLM known to within the {tolerance:g}-point tolerance ({margin_text})",
                   f"S+R − MLM が許容差 {tolerance:g} 点の範囲で決まる（{margin_text}）", decided)


def add_downstream_claims(claims, scores: pd.DataFrame, objectives: Sequence[str], *, near_points: float,
                          n_items: int, controls: Mapping[str, Control], shared_controls: Sequence[Control] = (),
                          curve: pd.DataFrame | None = None, prefix: str = "yamaguchi",
                          setting: tuple[str, str] = ("", "")) -> None:
    """The fine-tuning claims, judged on one setting's :func:`tidy_scores` (``scores``; the final models,
    checkpoints ``name@step`` and :data:`NO_PRETRAINING`): Shuffle+Random near MLM, every objective
    above no pre-training and, given a compute ``curve`` with intermediate checkpoints, Shuffle+Random
    within the tolerance of MLM at every checkpoint. Differences count beyond :func:`seed_margin`.

    Each claim is gated by the controls of the objectives it is about: ``controls`` maps an objective to
    its positive control (:func:`own_task_controls`), ``shared_controls`` gate every claim (e.g. the
    MLM past the unigram floor). "Within ``near_points``" is an equivalence judgement: it holds when the
    difference minus its noise margin is still within the tolerance, fails when even the difference plus
    the margin is below it, and is inconclusive (the noise is too large to tell) in between."""
    pair = [*shared_controls, controls["mlm"], controls["shuffle_random"]]
    avg = average_by_seed(scores).set_index("model")["mean"]
    mlm, sr, floor = avg["mlm"], avg["shuffle_random"], avg[NO_PRETRAINING]
    en_tail, ja_tail = (f" {setting[0]}" if setting[0] else ""), setting[1]
    mlm_margin = seed_margin(scores, "mlm", NO_PRETRAINING, n_items)
    sr_margin = seed_margin(scores, "shuffle_random", "mlm", n_items)
    near_holds, near_decided = within_tolerance(sr - mlm, sr_margin, near_points)
    claims.add(
        f"{prefix}.shuffle-random-near-mlm",
        en=f"Shuffle+Random reaches MLM's fine-tuning average within {near_points:g} points (or beats it), "
           f"where MLM itself beats no pre-training beyond the noise{en_tail}.",
        ja=f"Shuffle+Random の fine-tuning 平均は MLM との差が {near_points:g} 点以内（または上回る）。"
           f"ただし MLM 自体が事前学習なしをノイズ以上に上回ること{ja_tail}。",
        paper=("comparable or better than MLM on GLUE (BERT-base)", "GLUE で MLM と同等以上（BERT-base）"),
        source=PAPER_SOURCE,
        # "Near MLM" says nothing when MLM is itself at the no-pre-training floor: both would be at chance.
        ours=(f"S+R {sr:.1f} vs MLM {mlm:.1f} (Δ {sr - mlm:+.1f} ± {sr_margin:.1f}); MLM − no pre-training "
              f"{mlm - floor:+.1f} (margin {mlm_margin:.1f})",
              f"S+R {sr:.1f}，MLM {mlm:.1f}（差 {sr - mlm:+.1f} ± {sr_margin:.1f}），MLM − 事前学習なし {mlm - floor:+.1f}"
              f"（必要な差 {mlm_margin:.1f}）"),
        holds=near_holds, kind="finding",
        controls=[*pair, Control(f"MLM above no pre-training by {mlm_margin:.1f} points",
                                 f"MLM が事前学習なしを {mlm_margin:.1f} 点上回る", bool(mlm - floor > mlm_margin)),
                  _precision(near_decided, f"± {sr_margin:.1f}", near_points)],
        numbers={"shuffle_random": sr, "mlm": mlm, "no_pretraining": floor, "mlm_margin": mlm_margin})
    margins = {n: seed_margin(scores, n, NO_PRETRAINING, n_items) for n in objectives}
    claims.add(
        f"{prefix}.all-beat-no-pretraining",
        en=f"Every pre-training objective beats the randomly initialised encoder on the fine-tuning average, "
           f"beyond the noise{en_tail}.",
        ja=f"どの事前学習目的関数も，fine-tuning 平均でランダム初期化のエンコーダをノイズ以上に上回る{ja_tail}。",
        paper=("all objectives outperform no pre-training (GLUE tables)", "どの目的関数も事前学習なしを上回る（GLUE の表）"),
        source=PAPER_SOURCE,
        ours=(", ".join(f"{label(n)} {avg[n] - floor:+.1f} (±{margins[n]:.1f})" for n in objectives) + f" over {floor:.1f}",
              f"{floor:.1f} に対し " + "，".join(f"{label(n)} {avg[n] - floor:+.1f}（±{margins[n]:.1f}）" for n in objectives)),
        holds=bool(all(avg[n] - floor > margins[n] for n in objectives)),
        controls=[*shared_controls, *(controls[n] for n in objectives)],
        numbers={**{n: avg[n] - floor for n in objectives}, **{f"margin_{n}": m for n, m in margins.items()}})
    if curve is None:
        return
    inner = curve[(curve.step > 0) & (curve.step < curve.step.max())]
    if inner.empty:
        return
    at = inner.pivot(index="step", columns="model", values="mean")
    ahead = at["shuffle_random"] - at["mlm"]
    step_margin = {s: seed_margin(scores, f"shuffle_random@{s}", f"mlm@{s}", n_items) for s in ahead.index}
    judged = {s: within_tolerance(d, step_margin[s], near_points) for s, d in ahead.items()}
    # one checkpoint clearly below the tolerance decides against; holding needs every checkpoint
    decided = all(h for h, _ in judged.values()) or any(d and not h for h, d in judged.values())
    claims.add(
        f"{prefix}.shuffle-random-more-efficient",
        en=f"At every intermediate checkpoint (same data seen), Shuffle+Random's fine-tuning average is within "
           f"{near_points:g} points of MLM's or above it, beyond the noise{en_tail}.",
        ja=f"どの途中チェックポイントでも（同じデータ量で），Shuffle+Random の fine-tuning 平均は MLM との差が"
           f" {near_points:g} 点以内か上回る（ノイズを考慮して）{ja_tail}。",
        paper=("Shuffle+Random is more data- and compute-efficient than MLM", "Shuffle+Random は MLM よりデータ・計算効率が高い"),
        source=PAPER_SOURCE,
        ours=(", ".join(f"step {s}: {d:+.1f} (±{step_margin[s]:.1f})" for s, d in ahead.items()) + " (S+R − MLM)",
              "，".join(f"{s} ステップ：{d:+.1f}（±{step_margin[s]:.1f}）" for s, d in ahead.items()) + "（S+R − MLM）"),
        holds=all(h for h, _ in judged.values()),
        controls=[*pair, _precision(decided, ", ".join(f"step {s}: ± {m:.1f}" for s, m in step_margin.items()),
                                    near_points)],
        numbers={**{f"step_{s}": d for s, d in ahead.items()}, **{f"margin_{s}": m for s, m in step_margin.items()}})
