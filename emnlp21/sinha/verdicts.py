"""The chapter's claims, judged the same way on our table and on the paper's, with their positive
controls (MN must beat the never pre-trained MRI by more than the noise)."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..book.evidence import Control, difference_margin
from .tables import monotone_share

# Tolerances (accuracy points, 0–100) for "within a few points", "≫" and "near chance".
CLOSE_POINTS = 5.0
FAR_POINTS = 5.0
TREND_TOLERANCE = 1.0  # a step up of less than this along MN, M4 … M1 still counts as a decline
TREND_MIN_SHARE = 0.75
ORDER_GAP_MARGIN = 1.0  # the order-sensitive gap must exceed the order-free one by this much


def claim_numbers(means, order_free: Sequence[str], order_sensitive: Sequence[str]) -> dict[str, dict]:
    """The numbers and verdicts of the chapter's claims, from mean accuracies in points
    (rows: variants, columns: tasks). The same function judges our table and the paper's, so the
    paper's Table 1 is a check that the claims are stated as the paper states them.

    Returns ``{claim: {"holds": bool, **numbers}}`` for: ``m1_close`` (MN − M1 on order-free tasks
    ≤ CLOSE_POINTS, and MN ≥ MRI + FAR_POINTS there, so that "close" is not two models at chance), ``ngram_trend`` (MN, M4, M3, M2, M1 mostly non-increasing on the mean of all
    tasks, and MN ahead of M1 by at least twice TREND_TOLERANCE), ``m1_beats_mnp`` (M1 − MNP ≥ FAR_POINTS), ``baselines_bottom`` (best of MUG/MNP/MRI below
    the worst of MN, M1–M4) and ``order_gap`` (MN − M1 larger, by ORDER_GAP_MARGIN, on the
    order-sensitive tasks than on the order-free ones).
    """
    free, sens = list(order_free), list(order_sensitive)
    overall = means[free + sens].mean(axis=1)
    free_mean, sens_mean = means[free].mean(axis=1), means[sens].mean(axis=1)
    out: dict[str, dict] = {}
    gap_free = float(free_mean["MN"] - free_mean["M1"])
    # "M1 is close to MN" says nothing when pre-training itself did not help: require MN ≫ MRI too.
    gain = float(free_mean["MN"] - free_mean["MRI"]) if "MRI" in means.index else float("inf")
    out["m1_close"] = {"holds": gap_free <= CLOSE_POINTS and gain >= FAR_POINTS, "gap": gap_free,
                       **({"pretraining_gain": gain} if np.isfinite(gain) else {})}
    chain = [v for v in ("MN", "M4", "M3", "M2", "M1") if v in means.index]
    if len(chain) >= 3:
        share = monotone_share(overall[chain].to_numpy(), TREND_TOLERANCE)
        # An ordering within the tolerance is noise, not a trend: MN must also lead M1 by twice the tolerance.
        spread = float(overall[chain[0]] - overall[chain[-1]])
        out["ngram_trend"] = {"holds": share >= TREND_MIN_SHARE and spread >= 2 * TREND_TOLERANCE,
                              "share": share, "spread": spread,
                              **{f"mean_{v}": float(overall[v]) for v in chain}}
    if "MNP" in means.index:
        diff = float(overall["M1"] - overall["MNP"])
        out["m1_beats_mnp"] = {"holds": diff >= FAR_POINTS, "diff": diff}
    base = [v for v in ("MUG", "MNP", "MRI") if v in means.index]
    if base:
        best_base, worst_main = float(overall[base].max()), float(overall[chain].min())
        out["baselines_bottom"] = {"holds": best_base < worst_main, "best_baseline": best_base,
                                   "worst_shuffled": worst_main}
    gap_sens = float(sens_mean["MN"] - sens_mean["M1"])
    out["order_gap"] = {"holds": gap_sens - gap_free >= ORDER_GAP_MARGIN, "gap_order": gap_sens, "gap_free": gap_free}
    return out


def learned_control(acc, n_items: dict[str, int], tasks: Sequence[str], *, what: tuple[str, str]):
    """The positive control of a real-text or grammar claim: MN beats MRI (the same encoder, never
    pre-trained) on the mean of ``tasks`` by more than twice the standard error of the difference
    (seed spread and test-set noise). ``acc`` is :func:`test_accuracy`'s tidy rows (scores as fractions),
    ``n_items`` the test items per task, ``what`` the tasks' description (English, Japanese)."""
    tasks = list(tasks)
    rows = acc[acc["task"].isin(tasks)]
    per_seed = rows.groupby(["variant", "seed"])["score"].mean()
    en, ja = f"MN above MRI on {what[0]}", f"{what[1]}で MN が MRI を上回る"
    if not {"MN", "MRI"} <= set(per_seed.index.get_level_values("variant")):
        return Control(en + " (MN or MRI not run)", ja + "（MN か MRI が未実行）", False)
    a, b = per_seed["MN"].to_numpy(), per_seed["MRI"].to_numpy()
    margin = difference_margin(a, b, sum(n_items[t] for t in tasks))
    diff = float(a.mean() - b.mean())
    return Control(f"{en} by more than {100 * margin:.1f} points (got {100 * diff:+.1f})",
                   f"{ja}（差 {100 * diff:+.1f}，必要 {100 * margin:.1f} ポイント超）", diff > margin)


def near_chance(accuracy: float, n: int, chance: float = 0.5, z: float = 3.0) -> bool:
    """Is an accuracy (fraction) within ``z`` binomial standard errors of ``chance`` on ``n`` items?"""
    return abs(accuracy - chance) <= z * float(np.sqrt(chance * (1 - chance) / n))


def add_claims(claims, ours: dict[str, dict], paper: dict[str, dict], *, order_free: Sequence[str],
               order_sensitive: Sequence[str], controls: dict[str, list], prefix: str = "sinha",
               setting: tuple[str, str] = ("", "")) -> None:
    """Add the chapter's comparative claims, judged by :func:`claim_numbers` on our table (``ours``)
    and quoted from the paper's (``paper``), to a :class:`~emnlp21.book.Claims` board.

    ``controls`` holds the positive controls (:class:`~emnlp21.book.Control`) under ``free`` (claims on
    the order-free tasks), ``sensitive`` (on the order-sensitive task) and ``all`` (on every task); a
    claim whose control failed is inconclusive.

    ``prefix`` names a setting's claims (``sinha`` for real text, ``sinha.grammar`` for the grammar);
    ``setting`` is appended to the English and Japanese statements (e.g. ``(grammar)``).
    """
    src = ("Sinha+ 2021, Table 1 and §4.1 (paper's values recomputed from Table 1)",
           "Sinha+ 2021，表 1 と §4.1（論文の値は表 1 から再計算）")
    free, sens = ", ".join(order_free), ", ".join(order_sensitive)
    en_tail, ja_tail = (f" {setting[0]}" if setting[0] else ""), setting[1]

    def numbers(c):
        return {k: v for k, v in c.items() if k != "holds"}

    c = ours["m1_close"]
    claims.add(f"{prefix}.m1-close-to-mn",
               en=f"M1 (words shuffled) is within {CLOSE_POINTS:g} points of MN on the order-free tasks "
                  f"(while pre-training gains at least {FAR_POINTS:g} points over MRI there){en_tail}.",
               ja=f"M1（単語をシャッフル）は語順不要のタスクで MN との差が {CLOSE_POINTS:g} ポイント以内"
                  f"（かつ事前学習が MRI より {FAR_POINTS:g} ポイント以上の効果を持つ）{ja_tail}。",
               paper=(f"MN − M1 = {paper['m1_close']['gap']:.1f} points (SST-2, MRPC, QQP, QNLI); 3.3 over all accuracy tasks",
                      f"MN − M1 = {paper['m1_close']['gap']:.1f} ポイント（SST-2，MRPC，QQP，QNLI），正解率のタスク全体で 3.3"),
               source=src, holds=c["holds"], numbers=numbers(c), controls=controls["free"],
               ours=(f"MN − M1 = {c['gap']:.1f} points ({free}); MN − MRI = {c.get('pretraining_gain', float('nan')):.1f}",
                     f"MN − M1 = {c['gap']:.1f} ポイント（{free}），MN − MRI = {c.get('pretraining_gain', float('nan')):.1f}"))
    if "ngram_trend" in ours:
        c = ours["ngram_trend"]
        chain = [v for v in ("MN", "M4", "M3", "M2", "M1") if f"mean_{v}" in c]
        claims.add(f"{prefix}.ngram-trend",
                   en=f"More local order helps smoothly: mean accuracy MN ≥ M4 ≥ M3 ≥ M2 ≥ M1 ({TREND_TOLERANCE:g}-point "
                      f"tolerance), with MN at least {2 * TREND_TOLERANCE:g} points ahead of M1{en_tail}.",
                   ja=f"局所的な語順を残すほど性能が上がる: 平均精度 MN ≥ M4 ≥ M3 ≥ M2 ≥ M1（許容差 {TREND_TOLERANCE:g} ポイント），"
                      f"かつ MN が M1 を {2 * TREND_TOLERANCE:g} ポイント以上上回る{ja_tail}。",
                   paper=" > ".join(f"{v} {paper['ngram_trend'][f'mean_{v}']:.1f}" for v in ("MN", "M4", "M3", "M2", "M1")),
                   source=src, holds=c["holds"], numbers=numbers(c), controls=controls["all"],
                   ours=(" / ".join(f"{v} {c[f'mean_{v}']:.1f}" for v in chain)
                         + f" (ordered steps: {c['share']:.0%}; MN − M1 = {c['spread']:.1f})",
                         " / ".join(f"{v} {c[f'mean_{v}']:.1f}" for v in chain)
                         + f"（順序どおりの段 {c['share']:.0%}，MN − M1 = {c['spread']:.1f}）"))
    if "m1_beats_mnp" in ours:
        c = ours["m1_beats_mnp"]
        claims.add(f"{prefix}.m1-beats-mnp",
                   en=f"M1 beats MNP (no positions) by at least {FAR_POINTS:g} points: positions matter even for "
                      f"shuffled text{en_tail}.",
                   ja=f"M1 は MNP（位置埋め込みなし）を {FAR_POINTS:g} ポイント以上上回る: シャッフル文でも位置が重要{ja_tail}。",
                   paper=(f"M1 − MNP = {paper['m1_beats_mnp']['diff']:.1f} points",
                          f"M1 − MNP = {paper['m1_beats_mnp']['diff']:.1f} ポイント"), source=src,
                   ours=(f"M1 − MNP = {c['diff']:.1f} points", f"M1 − MNP = {c['diff']:.1f} ポイント"),
                   holds=c["holds"], numbers=numbers(c),
                   controls=controls["all"])
    if "baselines_bottom" in ours:
        c = ours["baselines_bottom"]
        claims.add(f"{prefix}.baselines-bottom",
                   en=f"MUG, MNP and MRI are all below every shuffled-corpus model (mean accuracy){en_tail}.",
                   ja=f"MUG・MNP・MRI はどれも，シャッフルコーパスで学習したどのモデルよりも低い（平均精度）{ja_tail}。",
                   paper=(f"best baseline {paper['baselines_bottom']['best_baseline']:.1f} < worst of MN–M1 "
                          f"{paper['baselines_bottom']['worst_shuffled']:.1f}",
                          f"ベースラインの最高 {paper['baselines_bottom']['best_baseline']:.1f} < MN〜M1 の最低 "
                          f"{paper['baselines_bottom']['worst_shuffled']:.1f}"), source=src,
                   ours=(f"best baseline {c['best_baseline']:.1f} vs worst of MN–M1 {c['worst_shuffled']:.1f}",
                         f"ベースラインの最高 {c['best_baseline']:.1f}，MN〜M1 の最低 {c['worst_shuffled']:.1f}"),
                   holds=c["holds"], numbers=numbers(c), controls=controls["all"])
    c = ours["order_gap"]
    claims.add(f"{prefix}.order-task-larger-gap",
               en=f"The order-sensitive task shows a larger MN − M1 gap than the order-free tasks "
                  f"(by ≥ {ORDER_GAP_MARGIN:g} point){en_tail}.",
               ja=f"語順が必要なタスクでは，語順不要のタスクより MN − M1 の差が大きい（{ORDER_GAP_MARGIN:g} ポイント以上）{ja_tail}。",
               paper=(f"PAWS {paper['order_gap']['gap_order']:.1f} vs {paper['order_gap']['gap_free']:.1f} points",
                      f"PAWS {paper['order_gap']['gap_order']:.1f}，他 {paper['order_gap']['gap_free']:.1f} ポイント"),
               source=src, ours=(f"{sens} {c['gap_order']:.1f} vs {c['gap_free']:.1f} points",
                                 f"{sens} {c['gap_order']:.1f}，他 {c['gap_free']:.1f} ポイント"),
               holds=c["holds"], numbers=numbers(c), controls=controls["sensitive"])
