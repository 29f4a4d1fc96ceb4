"""The chapter's claims, computed the same way in both settings (grammar and real text) from one frame
of scored items: columns ``condition`` (natural/nonce), ``seen``, ``error`` (the MLM), ``argmax_v``,
``argmax_sv``, ``seed`` (the model's pre-training seed), ``number``, ``correct``, ``wrong`` (or
``verb``: the verb an item belongs to) and, for the items of controlled verbs, ``target`` and
``competitor`` (the requested counts of the correct and of the wrong form).

Every verdict comes from :mod:`emnlp21.core.evidence`: an estimate with its 99 % interval, judged
against a region fixed in advance (:data:`REGIONS`). Items are not independent: every item of a verb
shares that verb's training counts, so the bootstrap resamples whole *verbs* (clusters), and the
models' pre-training seeds above them. A difference of error rates is :func:`~emnlp21.core.evidence.difference`
on the items of the two arms (paired on verbs, averaged over the conditions); a frequency slope is the
least-squares slope over target forms, refitted on every replicate (:func:`slope_estimate`). Each
finding also needs the MLM below the subject-blind argmax P(V) on the same items (:func:`beats_frequency`):
otherwise word frequency alone explains it. The findings are about what pre-training on text with
given frequencies teaches (``procedure=True``): one pre-training run per setting leaves them
inconclusive, however clear the interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.evidence import (RESAMPLES, Estimate, Gate, Region, above, below, bootstrap_counts, difference,
                             finite_replicates, gate, inflate_deviations, mean_score, within)

COND_JA = {"natural": "自然文", "nonce": "nonce 文"}
CONDITIONS = ("natural", "nonce")
PAPER_TEXT = {  # (English, Japanese) of the paper's values, from .paper
    "natural_below_nonce": ("3.2 % vs 16.8 % (§5.1)", "自然文 3.2 %，nonce 文 16.8 %（§5.1）"),
    "unseen_worse": ("seen → unseen: natural 3.3 → 8.8 %, nonce 15.6 → 17.6 %",
                     "既出 → 未出：自然文 3.3 → 8.8 %，nonce 文 15.6 → 17.6 %"),
    "unseen_beat_item_learner": ("unseen: 8.8 % (natural) and 17.6 % (nonce) vs argmax P(SV) 50.0 %",
                                 "未出：自然文 8.8 %，nonce 文 17.6 %，argmax P(SV) は 50.0 %"),
    "reduce_error": ("error falls as the verb form gets more frequent (natural and nonce)",
                     "動詞形の頻度が高いほど誤りは減る（自然文・nonce 文とも）"),
    "cause_error": ("error falls as the target grows relative to its competitor; nonce 2.2 % at a ratio of 16",
                    "競合形に対して目標形が多いほど誤りは減る。nonce 文で比 16 のとき 2.2 %"),
}

_POINTS = {"unit": "points", "unit_ja": "ポイント"}
_SLOPE = {"unit": "points per doubling", "unit_ja": "ポイント（倍増ごと）"}
# Where each claim holds, fixed before anything is measured: the paper's direction (its own numbers in
# .paper), or the book's gate.
REGIONS = {
    "natural_below_nonce": above(0, **_POINTS, source="the paper's direction: nonce 16.8 % > natural 3.2 % (§5.1)",
                                 source_ja="論文の向き：nonce 文 16.8 % > 自然文 3.2 %（§5.1）"),
    "unseen_worse": above(0, **_POINTS, source="the paper's direction: unseen above seen in both conditions (Table 2)",
                          source_ja="論文の向き：両条件とも未出が既出より高い（表 2）"),
    "unseen_beat_item_learner": above(0, **_POINTS, source="the paper's direction: argmax P(SV) 50.0 % above BERT's "
                                      "8.8 and 17.6 % on unseen pairs (Table 2)",
                                      source_ja="論文の向き：未出ペアで argmax P(SV) 50.0 % が "
                                                "BERT の 8.8 %，17.6 % を上回る（表 2）"),
    "reduce_error": below(0, **_SLOPE, source="the paper's direction: error falls with the form's frequency (§5.3, Fig. 1)",
                          source_ja="論文の向き：形の頻度とともに誤りが減る（§5.3，図 1）"),
    "cause_error": above(0, **_SLOPE, source="the paper's direction: error rises with the competitor's frequency "
                         "relative to the target's (§5.4, Fig. 2)",
                         source_ja="論文の向き：目標形に対して競合形が多いほど誤りが増える（§5.4，図 2）"),
    # argmax P(SV) takes 0, 50 or 100 % on an item: any tolerance under 50 points separates "always a tie"
    "argmax_sv_chance_unseen": within(1, **_POINTS, source="by definition: no count of either form, a tie (Table 2)",
                                      source_ja="定義による：どちらの形の回数もなく同点（表 2）"),
    "beats_frequency": above(0, **_POINTS, source="the book's gate: not word frequency alone",
                             source_ja="本書の関門：単語頻度だけではない"),
}


# --- the evidence frame ----------------------------------------------------------------------------

def verb_of(items: pd.DataFrame) -> pd.Series:
    """The verb each item belongs to (its cluster): the ``verb`` column, else the singular form."""
    if "verb" in items:
        return items["verb"].astype(str)
    return pd.Series(np.where(items["number"] == "sg", items["correct"], items["wrong"]), index=items.index).astype(str)


def with_units(items: pd.DataFrame) -> pd.DataFrame:
    """``items`` with what the bootstrap needs: ``item`` (an id shared by every seed's copy of the same
    item: every model scores the same items in the same order), ``verb`` and ``pretrain_seed``."""
    out = items.copy()
    sizes = out.groupby("seed").size()
    if sizes.nunique() > 1:
        raise ValueError(f"every seed must score the same items, got {sizes.to_dict()}")
    out["item"] = out.groupby("seed").cumcount()
    out["verb"] = verb_of(out)
    keys = [c for c in ("condition", "verb", "subject", "correct", "wrong", "masked") if c in out]
    if (out.groupby("item")[keys].nunique() > 1).any().any():
        raise ValueError("the seeds' items differ in order: one item id would hold two verbs")
    out["pretrain_seed"] = out["seed"]
    return out


def arm(units: pd.DataFrame, name: str, column: str = "error", task: str | None = "condition") -> pd.DataFrame:
    """One arm of the evidence frame: ``column`` of ``units`` (errors, 0–1) in points."""
    return pd.DataFrame({"arm": name, "task": units[task].to_numpy() if task else "all",
                         "pretrain_seed": units["pretrain_seed"].to_numpy(), "item": units["item"].to_numpy(),
                         "verb": units["verb"].to_numpy(), "score": 100 * units[column].astype(float).to_numpy()})


def cluster_difference(scores: pd.DataFrame, a: str, b: str, *, test: str) -> Estimate:
    """Arm ``a``'s mean error minus arm ``b``'s (points), averaged over the conditions, paired on verbs:
    whole verbs are resampled, one draw for every condition (a verb is the same verb in both), under a
    draw of the pre-training seeds."""
    return difference(scores, a, b, clusters="verb", shared_units=True, test=test)


def within_verb(units: pd.DataFrame, seen: pd.Series) -> pd.Series:
    """The items whose verb has both forms in the training text and, in the item's condition, both seen
    and unseen pairs among such items: where seen and unseen can be compared for the same verb."""
    counted = (units["count_correct"] > 0) & (units["count_wrong"] > 0)
    keys = [units["condition"], units["verb"]]
    has_seen = (counted & seen).groupby(keys).transform("any")
    has_unseen = (counted & ~seen).groupby(keys).transform("any")
    return counted & has_seen & has_unseen


def within_verb_difference(units: pd.DataFrame) -> Estimate:
    """Unseen − seen error (points), first within each verb of a condition and pre-training seed, then
    averaged over the verbs and the conditions: verbs are the bootstrap's units (one draw for both
    conditions), under a draw of the pre-training seeds. A verb's frequency cannot enter: both of its
    means are of the same verb."""
    means = units.groupby(["pretrain_seed", "condition", "verb", "seen"])["error"].mean().unstack("seen")
    d = (100 * (means[False] - means[True])).dropna().rename("score").reset_index()  # unseen − seen
    frame = pd.DataFrame({"arm": "unseen − seen", "task": d["condition"], "pretrain_seed": d["pretrain_seed"],
                          "item": d["verb"], "score": d["score"]})
    return mean_score(frame, "unseen − seen", shared_units=True,
                      test="cluster bootstrap (verbs) of the within-verb difference, unseen − seen")


def conditions_with(units: pd.DataFrame, *masks) -> list[str]:
    """The conditions in which every mask selects at least one item."""
    return [c for c in CONDITIONS if all(((units["condition"] == c) & m).any() for m in masks)]


def beats_frequency(units: pd.DataFrame, what: tuple[str, str]) -> Gate:
    """The MLM's error below argmax P(V)'s on the same items: argmax P(V) − MLM (points, averaged over
    the conditions, paired on verbs) with its interval wholly above 0."""
    region = REGIONS["beats_frequency"]
    if units.empty:
        return Gate(f"no items for {what[0]}", f"{what[1]}の項目がない", False, Estimate.exact(0.0), region)
    scores = pd.concat([arm(units, "argmax_v", "argmax_v"), arm(units, "mlm", "error")], ignore_index=True)
    est = cluster_difference(scores, "argmax_v", "mlm", test="paired cluster bootstrap (verbs), argmax P(V) − MLM")
    conds = sorted(units["condition"].unique(), key=CONDITIONS.index)
    e = np.mean([100 * units.loc[units.condition == c, "error"].mean() for c in conds])
    a = np.mean([100 * units.loc[units.condition == c, "argmax_v"].mean() for c in conds])
    return gate(est, region,
                f"argmax P(V) − MLM on {what[0]}: {est.text()} points (99 % interval; MLM {e:.1f} %, argmax P(V) {a:.1f} %); "
                f"needs > 0, else word frequency alone",
                f"{what[1]}での argmax P(V) − MLM：{est.text()} ポイント（99 % 区間。MLM {e:.1f} %，argmax P(V) {a:.1f} %）。"
                f"必要 > 0（でなければ単語頻度だけ）")


# --- frequency slopes --------------------------------------------------------------------------------

def _slope_units(items: pd.DataFrame, value: str) -> pd.DataFrame:
    """One unit per target form in a condition and seed: its mean ``value`` (points) and its counts."""
    grid = items.dropna(subset=["target", "competitor"])
    grid = grid.assign(verb=verb_of(grid))
    return grid.groupby(["condition", "seed", "correct"], observed=True).agg(
        y=(value, "mean"), target=("target", "first"), competitor=("competitor", "first"),
        verb=("verb", "first")).reset_index().assign(y=lambda d: 100 * d["y"])


def _design(u: pd.DataFrame) -> np.ndarray:
    return np.column_stack([np.ones(len(u)), np.log2(u["target"] + 1.0), np.log2(u["competitor"] + 1.0)])


def _fittable(u: pd.DataFrame) -> bool:
    X = _design(u)
    return len(u) > X.shape[1] and np.linalg.matrix_rank(X) == X.shape[1]


def frequency_slopes(items: pd.DataFrame, value: str = "error") -> pd.DataFrame:
    """Per condition, the least-squares fit ``value ~ 1 + log2(target + 1) + log2(competitor + 1)`` over
    units (a target form in a condition and seed): slopes ``b_target``, ``b_competitor`` (fraction per
    doubling) and the number of ``units``; NaN where the units cannot fit two slopes."""
    units = _slope_units(items, value)
    rows = []
    for cond, u in units.groupby("condition"):
        if not _fittable(u):
            rows.append({"condition": cond, "units": len(u), "b_target": np.nan, "b_competitor": np.nan})
            continue
        beta, *_ = np.linalg.lstsq(_design(u), u["y"].to_numpy() / 100, rcond=None)
        rows.append({"condition": cond, "units": len(u), "b_target": beta[1], "b_competitor": beta[2]})
    return pd.DataFrame(rows, columns=["condition", "units", "b_target", "b_competitor"]).set_index("condition")


def weighted_fit(X: np.ndarray, verb: np.ndarray, Y: np.ndarray, wv: np.ndarray, ws: np.ndarray,
                 inflate: bool = False) -> np.ndarray:
    """Least squares of ``Y`` [S, U] (one row per seed, every seed the same units) on ``X`` [U, p], every
    replicate at once: unit u of seed s weighs ``ws[b, s] * wv[b, verb[u]]`` (bootstrap counts of seeds
    and verbs). With ``inflate``, each unit's deviations across seeds are scaled by √(S/(S − 1)) first.
    Returns [B, p]; NaN where the drawn units cannot fit ``p`` coefficients."""
    if inflate:
        Y = inflate_deviations(Y, axis=0)
    w = wv[:, verb]  # [B, U]
    A = ws.sum(axis=1)[:, None, None] * np.einsum("bu,uk,ul->bkl", w, X, X)
    c = np.einsum("bu,uk,bu->bk", w, X, ws @ Y)
    ok = np.linalg.cond(A) < 1e10
    beta = np.full(c.shape, np.nan)
    beta[ok] = np.linalg.solve(A[ok], c[ok][..., None])[..., 0]
    return beta


def slope_estimate(items: pd.DataFrame, column: str, value: str = "error", *, resamples: int = RESAMPLES,
                   seed: int = 0) -> tuple[Estimate, dict[str, float]] | None:
    """The slope of ``value`` (points) per doubling of ``column`` (``target`` or ``competitor``),
    averaged over the conditions that can be fitted, with its 99 % interval: a bootstrap that resamples
    verbs (both target forms of a verb together, paired across conditions) and pre-training seeds
    (their deviations scaled by √(k/(k − 1)), as :func:`~emnlp21.core.evidence.multibootstrap` does),
    and refits the least squares of :func:`frequency_slopes` with the draws as weights, every replicate
    at once. Returns the estimate and each condition's slope, or None when no condition can be fitted."""
    k = {"target": 1, "competitor": 2}[column]
    units = _slope_units(items, value)
    conds = [c for c in CONDITIONS if (units["condition"] == c).any() and _fittable(units[units.condition == c])]
    if not conds:
        return None
    seeds = sorted(units["seed"].unique())
    verbs = sorted(units["verb"].unique())
    S, V = len(seeds), len(verbs)
    parts = []  # per condition: X [U, 3], verb index [U], Y [S, U]
    for c in conds:
        u = units[units.condition == c]
        y = u.pivot(index="seed", columns="correct", values="y").reindex(seeds)
        if y.isna().any().any():
            raise ValueError(f"every seed must score the same target forms ({c})")
        first = u.drop_duplicates("correct").set_index("correct").loc[y.columns]
        parts.append((_design(first), np.searchsorted(verbs, first["verb"].to_numpy()), y.to_numpy()))

    def fit(wv: np.ndarray, ws: np.ndarray, inflate: bool) -> np.ndarray:
        """Slopes averaged over conditions for verb weights ``wv`` [B, V] and seed weights ``ws`` [B, S]."""
        return np.mean([weighted_fit(X, vi, Y, wv, ws, inflate)[:, k] for X, vi, Y in parts], axis=0)

    value_ = float(fit(np.ones((1, V)), np.ones((1, S)), False)[0])
    rng = np.random.default_rng(seed)
    reps = finite_replicates(lambda size: fit(bootstrap_counts(rng, size, V), bootstrap_counts(rng, size, S), True),
                             resamples)
    est = Estimate.from_replicates(value_, reps, test=f"cluster bootstrap of the least-squares slope on log2({column} + 1) "
                                   "(verbs, pre-training seeds)", pretrain_seeds=S, finetune_seeds=1, items=V)
    per = {}
    for c, (X, _, Y) in zip(conds, parts):
        beta, *_ = np.linalg.lstsq(np.tile(X, (S, 1)), Y.ravel(), rcond=None)
        per[c] = float(beta[k])
    return est, per


# --- the claims ------------------------------------------------------------------------------------------

def add_claims(claims, items: pd.DataFrame, *, controls: list, setting: str,
               label: tuple[str, str], source: dict[str, tuple[str, str]]) -> dict[str, dict]:
    """Record the five findings and the unseen construction for one ``setting`` (an id part:
    ``grammar`` or ``text``; ``label`` names it in prose). ``controls``: the setting's positive controls
    (:class:`Gate` or :class:`~emnlp21.core.evidence.Control`). Returns each claim's numbers."""
    en_l, ja_l = label
    out: dict[str, dict] = {}
    units = with_units(items)
    setting_controls = list(controls)
    unseen_mask = ~units["seen"].astype(bool)
    grid_mask = units["target"].notna() & units["competitor"].notna()
    gates: dict[str, Gate] = {}

    def freq_gate(name):
        if name not in gates:
            sub, what = {"all": (units, ("all items", "全項目")),
                         "unseen": (units[unseen_mask], ("unseen pairs", "未出ペア")),
                         "grid": (units[grid_mask], ("the controlled verbs", "制御した動詞"))}[name]
            gates[name] = beats_frequency(sub, what)
        return gates[name]

    def add(name, en, ja, ours, estimate, gate_name=None, kind="finding", numbers=None, src="table2"):
        out[name] = numbers or {}
        finding = kind == "finding"
        claims.add(f"wei.{setting}.{name}", en=f"{en} ({en_l})", ja=f"{ja}（{ja_l}）", paper=PAPER_TEXT.get(name, ("", "")),
                   source=source[src], ours=ours, estimate=estimate, region=REGIONS[name], kind=kind,
                   controls=[*setting_controls, freq_gate(gate_name)] if finding else [], procedure=finding,
                   numbers=numbers)

    def mean(mask, column="error"):
        return 100 * units.loc[mask, column].mean()

    # natural < nonce
    nat, non = units.condition == "natural", units.condition == "nonce"
    if nat.any() and non.any():
        scores = pd.concat([arm(units[nat], "natural", task=None), arm(units[non], "nonce", task=None)], ignore_index=True)
        est = cluster_difference(scores, "nonce", "natural", test="paired cluster bootstrap (verbs), nonce − natural")
        e_nat, e_non = mean(nat), mean(non)
        add("natural_below_nonce", "Agreement errors are fewer on natural than on nonce sentences",
            "数の一致の誤りは nonce 文より自然文で少ない",
            (f"natural {e_nat:.1f} % vs nonce {e_non:.1f} %", f"自然文 {e_nat:.1f} %，nonce 文 {e_non:.1f} %"),
            est, "all", numbers={"natural": e_nat, "nonce": e_non, "difference": est.value}, src="overall")

    # unseen worse than seen, within verb: only verbs with both forms in the training text and both kinds
    # of pair in a condition (zero- and low-count verbs fall mostly among the unseen pairs, so a comparison
    # across verbs would measure their frequency), averaged over the conditions that have such verbs
    seen_mask = units["seen"].astype(bool)
    both = within_verb(units, seen_mask)
    conds = conditions_with(units, both & seen_mask, both & unseen_mask)
    if conds:
        in_c = units["condition"].isin(conds) & both
        est = within_verb_difference(units[in_c])
        nums, parts_en, parts_ja = {"difference": est.value}, [], []
        for c in conds:
            es, eu = mean((units.condition == c) & both & seen_mask), mean((units.condition == c) & both & unseen_mask)
            nums |= {f"seen_{c}": es, f"unseen_{c}": eu}
            parts_en.append(f"{c} {es:.1f} → {eu:.1f} %")
            parts_ja.append(f"{COND_JA[c]} {es:.1f} → {eu:.1f} %")
        missing = [c for c in CONDITIONS if c not in conds and (units.condition == c).any()]
        parts_en += [f"{c}: no {'seen' if not ((units.condition == c) & seen_mask).any() else 'unseen'} pairs" for c in missing]
        parts_ja += [f"{COND_JA[c]}：{'既出' if not ((units.condition == c) & seen_mask).any() else '未出'}のペアがない"
                     for c in missing]
        n_verbs = units.loc[in_c, "verb"].nunique()
        nums["verbs"] = n_verbs
        parts_en.append(f"{n_verbs} verbs with both kinds of pair")
        parts_ja.append(f"両方のペアをもつ動詞 {n_verbs} 個")
        add("unseen_worse", "Unseen subject–verb pairs are harder than seen ones of the same verb (averaged over the "
            "conditions)", "未出の主語–動詞ペアは同じ動詞の既出のペアより難しい（条件の平均）",
            ("seen → unseen: " + ", ".join(parts_en), "既出 → 未出：" + "，".join(parts_ja)), est, "unseen", numbers=nums)

    # unseen far below the item learner (argmax P(SV) = 50 % there by definition)
    conds = conditions_with(units, unseen_mask)
    unseen = units[unseen_mask]
    if conds:
        scores = pd.concat([arm(unseen, "argmax_sv", "argmax_sv"), arm(unseen, "mlm")], ignore_index=True)
        est = cluster_difference(scores, "argmax_sv", "mlm", test="paired cluster bootstrap (verbs), argmax P(SV) − MLM")
        nums, parts_en, parts_ja = {"difference": est.value}, [], []
        for c in conds:
            m = unseen_mask & (units.condition == c)
            eu, sv = mean(m), mean(m, "argmax_sv")
            nums |= {f"unseen_{c}": eu, f"argmax_sv_{c}": sv}
            parts_en.append(f"{c} {eu:.1f} % vs {sv:.1f} %")
            parts_ja.append(f"{COND_JA[c]} {eu:.1f} % 対 {sv:.1f} %")
        add("unseen_beat_item_learner", "On unseen pairs the MLM stays below the item-memorising argmax P(SV)",
            "未出ペアでも MLM の誤り率は事例暗記型の argmax P(SV) より低い",
            (", ".join(parts_en), "，".join(parts_ja)), est, "unseen", numbers=nums)
        # a construction: exact, the largest distance of an unseen item's argmax P(SV) error from 50 %
        off = float(100 * (unseen["argmax_sv"] - 0.5).abs().max())
        add("argmax_sv_chance_unseen", "On unseen pairs argmax P(SV) is a coin flip (50 %) by definition",
            "未出ペアでは argmax P(SV) は定義により 50 %（コイン投げ）",
            (f"{len(unseen):,} unseen items, argmax P(SV) error {100 * unseen['argmax_sv'].mean():.1f} %",
             f"未出の項目 {len(unseen):,} 個，argmax P(SV) の誤り率 {100 * unseen['argmax_sv'].mean():.1f} %"),
            Estimate.exact(off, test="largest |argmax P(SV) error − 50 %| over unseen items"), kind="construction",
            numbers={"unseen_items": len(unseen), "largest_deviation": off})

    # Reduce Error / Cause Error: slopes per doubling of the controlled counts
    grid = units[grid_mask]
    fit_v = frequency_slopes(grid, "argmax_v") if len(grid) else pd.DataFrame()
    for name, col, en, ja, src in (
            ("reduce_error", "target", "Error falls as the target form's count rises, the competitor's fixed (Reduce Error)",
             "競合形の回数を固定して目標形の回数が増えると誤りは減る（Reduce Error）", "reduce"),
            ("cause_error", "competitor", "Error rises as the competitor's count rises, the target's fixed (Cause Error)",
             "目標形の回数を固定して競合形の回数が増えると誤りは増える（Cause Error）", "cause")):
        got = slope_estimate(grid, col) if len(grid) else None
        if got is None:
            continue
        est, per = got
        nums, parts_en, parts_ja = {"slope": est.value}, [], []
        for c in CONDITIONS:
            if c not in per:
                if (grid.condition == c).any():
                    n = grid.loc[grid.condition == c, "correct"].nunique()
                    parts_en.append(f"{c}: {n} target forms, too few to fit")
                    parts_ja.append(f"{COND_JA[c]}：目標形 {n} 個で当てはめるには少なすぎる")
                continue
            bv = 100 * fit_v.loc[c, f"b_{col}"]
            nums |= {f"slope_{c}": per[c], f"argmax_v_slope_{c}": bv}
            parts_en.append(f"{c} {per[c]:+.1f} points per doubling (argmax P(V) {bv:+.1f})")
            parts_ja.append(f"{COND_JA[c]} 倍増ごとに {per[c]:+.1f} ポイント（argmax P(V) は {bv:+.1f}）")
        add(name, en, ja, ("; ".join(parts_en), "；".join(parts_ja)), est, "grid", numbers=nums, src=src)
    return out


def agreement_region(threshold: float) -> Region:
    """The agreement control's region: accuracy above ``threshold`` (a fraction), in %."""
    return above(100 * threshold, unit="%", source="the book's bar for a model that has learned agreement",
                 source_ja="一致を学んだモデルとみなす本書の基準")


def add_control_claims(claims, controls: list[Gate], setting: str, source: tuple[str, str]) -> None:
    """Each positive control of a setting as a ``check`` claim of its own, decided by its own estimate
    and region (the scoreboard shows why a finding was inconclusive)."""
    names = {"grammar": ("grammar", "文法"), "text": ("real-text", "実テキスト")}[setting]
    for i, c in enumerate(controls, 1):
        claims.add(f"wei.{setting}.positive-control-{i}",
                   en=f"Positive control {i} of the {names[0]} findings (what the model must have learned first).",
                   ja=f"{names[1]}の知見の陽性対照 {i}（モデルが先に学んでいるべきこと）。",
                   paper=("BERT: 3.2 % error on natural sentences", "BERT：自然文で誤り 3.2 %"), source=source,
                   ours=(c.en, c.ja), estimate=c.estimate, region=c.region, kind="check")
