"""The chapter's claims, computed the same way in both settings (grammar and real text) from one frame
of scored items: columns ``condition`` (natural/nonce), ``seen``, ``error`` (the MLM), ``argmax_v``,
``argmax_sv``, ``seed`` and, for the items of controlled verbs, ``target`` and ``competitor`` (the
requested counts of the correct and of the wrong form).

Every margin comes from :mod:`emnlp21.book.evidence`: a difference of error rates must exceed
:data:`~emnlp21.book.evidence.Z` standard errors (seed spread plus binomial noise); a frequency slope
must exceed Z standard errors of its least-squares estimate over units (one unit = one target form in
one condition and seed, its error averaged over its items). Each finding also needs the MLM below the
subject-blind argmax P(V) on the same items by a margin: otherwise word frequency alone explains it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..book.evidence import Z, Control, difference_margin, exceeds

COND_JA = {"natural": "自然文", "nonce": "nonce 文"}
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


def per_seed(items: pd.DataFrame, column: str = "error") -> np.ndarray:
    """Mean of ``column`` per seed (fractions)."""
    return items.groupby("seed")[column].mean().to_numpy()


def n_per_seed(items: pd.DataFrame) -> int:
    return int(len(items) // max(1, items["seed"].nunique()))


def beats_frequency(items: pd.DataFrame, what: tuple[str, str]) -> Control:
    """The MLM's error below argmax P(V)'s on the same items by more than the margin."""
    if items.empty:
        return Control(f"no items for {what[0]}", f"{what[1]}の項目がない", False)
    e, a, n = per_seed(items), per_seed(items, "argmax_v"), n_per_seed(items)
    m = difference_margin(a, e, n)
    return Control(
        f"on {what[0]}, the MLM's error ({100 * e.mean():.1f} %) is below argmax P(V)'s ({100 * a.mean():.1f} %) "
        f"by more than the margin ({100 * m:.1f} points): not word frequency alone",
        f"{what[1]}で MLM の誤り率（{100 * e.mean():.1f} %）が argmax P(V)（{100 * a.mean():.1f} %）を"
        f"誤差幅（{100 * m:.1f} ポイント）より大きく下回る：単語頻度だけでは説明できない",
        bool(exceeds(a, e, n)))


def frequency_slopes(items: pd.DataFrame, value: str = "error") -> pd.DataFrame:
    """Per condition, the least-squares fit ``value ~ 1 + log2(target + 1) + log2(competitor + 1)`` over
    units (a target form in a condition and seed): slopes ``b_target``, ``b_competitor`` (error per
    doubling) with standard errors ``se_*`` and the number of ``units``."""
    grid = items.dropna(subset=["target", "competitor"])
    units = grid.groupby(["condition", "seed", "correct"], observed=True).agg(
        y=(value, "mean"), target=("target", "first"), competitor=("competitor", "first")).reset_index()
    rows = []
    for cond, u in units.groupby("condition"):
        X = np.column_stack([np.ones(len(u)), np.log2(u["target"] + 1.0), np.log2(u["competitor"] + 1.0)])
        y = u["y"].to_numpy()
        if len(u) <= X.shape[1] or np.linalg.matrix_rank(X) < X.shape[1]:
            rows.append({"condition": cond, "units": len(u)} | {k: np.nan for k in
                        ("b_target", "se_target", "b_competitor", "se_competitor")})
            continue
        beta, *_ = np.linalg.lstsq(X, y, rcond=None)
        resid = y - X @ beta
        cov = resid @ resid / (len(y) - X.shape[1]) * np.linalg.inv(X.T @ X)
        se = np.sqrt(np.diag(cov))
        rows.append({"condition": cond, "units": len(u), "b_target": beta[1], "se_target": se[1],
                     "b_competitor": beta[2], "se_competitor": se[2]})
    return pd.DataFrame(rows).set_index("condition")


def _cells(items):
    return {(c, s): g for (c, s), g in items.groupby(["condition", "seen"])}


def add_claims(claims, items: pd.DataFrame, *, controls: list[Control], setting: str,
               label: tuple[str, str], source: dict[str, tuple[str, str]]) -> dict[str, dict]:
    """Record the five findings and the unseen construction for one ``setting`` (an id part:
    ``grammar`` or ``text``; ``label`` names it in prose). Returns each claim's numbers."""
    en_l, ja_l = label
    out: dict[str, dict] = {}
    cells = _cells(items)
    conds = [c for c in ("natural", "nonce") if (items["condition"] == c).any()]

    def add(name, en, ja, ours, holds, extra_controls=(), kind="finding", numbers=None, src="table2"):
        out[name] = numbers or {}
        claims.add(f"wei.{setting}.{name}", en=f"{en} ({en_l})", ja=f"{ja}（{ja_l}）", paper=PAPER_TEXT.get(name, ("", "")),
                   source=source[src], ours=ours, holds=holds, kind=kind,
                   controls=[*controls, *extra_controls] if kind == "finding" else [], numbers=numbers)

    # natural < nonce
    nat, non = items[items.condition == "natural"], items[items.condition == "nonce"]
    if len(nat) and len(non):
        e_nat, e_non, n = per_seed(nat), per_seed(non), min(n_per_seed(nat), n_per_seed(non))
        m = difference_margin(e_non, e_nat, n)
        add("natural_below_nonce", "Agreement errors are fewer on natural than on nonce sentences",
            "数の一致の誤りは nonce 文より自然文で少ない",
            (f"natural {100 * e_nat.mean():.1f} % vs nonce {100 * e_non.mean():.1f} % (margin {100 * m:.1f} points)",
             f"自然文 {100 * e_nat.mean():.1f} %，nonce 文 {100 * e_non.mean():.1f} %（誤差幅 {100 * m:.1f} ポイント）"),
            exceeds(e_non, e_nat, n), [beats_frequency(items, ("all items", "全項目"))],
            numbers={"natural": 100 * e_nat.mean(), "nonce": 100 * e_non.mean(), "margin": 100 * m}, src="overall")

    # unseen worse than seen, per condition where both exist
    parts_en, parts_ja, ok, nums = [], [], [], {}
    for c in conds:
        if (c, True) in cells and (c, False) in cells:
            s, u = cells[(c, True)], cells[(c, False)]
            es, eu, n = per_seed(s), per_seed(u), min(n_per_seed(s), n_per_seed(u))
            m = difference_margin(eu, es, n)
            ok.append(exceeds(eu, es, n))
            nums |= {f"seen_{c}": 100 * es.mean(), f"unseen_{c}": 100 * eu.mean(), f"margin_{c}": 100 * m}
            parts_en.append(f"{c} {100 * es.mean():.1f} → {100 * eu.mean():.1f} % (margin {100 * m:.1f})")
            parts_ja.append(f"{COND_JA[c]} {100 * es.mean():.1f} → {100 * eu.mean():.1f} %（誤差幅 {100 * m:.1f}）")
        else:
            parts_en.append(f"{c}: no {'seen' if (c, True) not in cells else 'unseen'} pairs")
            parts_ja.append(f"{COND_JA[c]}：{'既出' if (c, True) not in cells else '未出'}のペアがない")
    unseen = items[~items["seen"]]
    add("unseen_worse", "Unseen subject–verb pairs are harder than seen ones", "未出の主語–動詞ペアは既出のペアより難しい",
        ("seen → unseen: " + ", ".join(parts_en), "既出 → 未出：" + "，".join(parts_ja)),
        bool(ok) and all(ok), [beats_frequency(unseen, ("unseen pairs", "未出ペア"))], numbers=nums)

    # unseen far below the item learner (argmax P(SV) = 50 % there by definition)
    parts_en, parts_ja, ok, nums = [], [], [], {}
    for c in conds:
        if (c, False) in cells:
            u = cells[(c, False)]
            eu, sv, n = per_seed(u), per_seed(u, "argmax_sv"), n_per_seed(u)
            m = difference_margin(sv, eu, n)
            ok.append(exceeds(sv, eu, n))
            nums |= {f"unseen_{c}": 100 * eu.mean(), f"argmax_sv_{c}": 100 * sv.mean(), f"margin_{c}": 100 * m}
            parts_en.append(f"{c} {100 * eu.mean():.1f} % vs {100 * sv.mean():.1f} % (margin {100 * m:.1f})")
            parts_ja.append(f"{COND_JA[c]} {100 * eu.mean():.1f} % 対 {100 * sv.mean():.1f} %（誤差幅 {100 * m:.1f}）")
    add("unseen_beat_item_learner", "On unseen pairs the MLM stays below the item-memorising argmax P(SV)",
        "未出ペアでも MLM の誤り率は事例暗記型の argmax P(SV) より低い",
        (", ".join(parts_en) or "no unseen pairs", "，".join(parts_ja) or "未出ペアがない"),
        bool(ok) and all(ok), [beats_frequency(unseen, ("unseen pairs", "未出ペア"))], numbers=nums)
    tie = unseen["argmax_sv"].eq(0.5).all() if len(unseen) else False
    add("argmax_sv_chance_unseen", "On unseen pairs argmax P(SV) is a coin flip (50 %) by definition",
        "未出ペアでは argmax P(SV) は定義により 50 %（コイン投げ）",
        (f"{len(unseen):,} unseen items, argmax P(SV) error {100 * unseen['argmax_sv'].mean():.1f} %" if len(unseen) else "no unseen items",
         f"未出の項目 {len(unseen):,} 個，argmax P(SV) の誤り率 {100 * unseen['argmax_sv'].mean():.1f} %" if len(unseen) else "未出の項目がない"),
        bool(tie), kind="construction", numbers={"unseen_items": len(unseen)})

    # Reduce Error / Cause Error: slopes per doubling of the controlled counts
    grid = items.dropna(subset=["target", "competitor"])
    fit, fit_v = frequency_slopes(grid), frequency_slopes(grid, "argmax_v")
    for name, col, sign, en, ja, src in (
            ("reduce_error", "target", -1, "Error falls as the target form's count rises, the competitor's fixed (Reduce Error)",
             "競合形の回数を固定して目標形の回数が増えると誤りは減る（Reduce Error）", "reduce"),
            ("cause_error", "competitor", 1, "Error rises as the competitor's count rises, the target's fixed (Cause Error)",
             "目標形の回数を固定して競合形の回数が増えると誤りは増える（Cause Error）", "cause")):
        ok, nums, parts_en, parts_ja = [], {}, [], []
        for c in fit.index:
            b, se = fit.loc[c, f"b_{col}"], fit.loc[c, f"se_{col}"]
            bv = fit_v.loc[c, f"b_{col}"]
            if not np.isfinite(b):  # too few controlled target forms in this condition to fit two slopes
                parts_en.append(f"{c}: {fit.loc[c, 'units']} target forms, too few to fit")
                parts_ja.append(f"{COND_JA[c]}：目標形 {fit.loc[c, 'units']} 個で当てはめるには少なすぎる")
                continue
            ok.append(bool(sign * b > Z * se))
            nums |= {f"slope_{c}": 100 * b, f"se_{c}": 100 * se, f"argmax_v_slope_{c}": 100 * bv}
            parts_en.append(f"{c} {100 * b:+.1f} ± {100 * Z * se:.1f} points per doubling (argmax P(V) {100 * bv:+.1f})")
            parts_ja.append(f"{COND_JA[c]} 倍増ごとに {100 * b:+.1f} ± {100 * Z * se:.1f} ポイント（argmax P(V) は {100 * bv:+.1f}）")
        add(name, en, ja, ("; ".join(parts_en) or "no controlled verbs", "；".join(parts_ja) or "制御した動詞がない"),
            bool(ok) and all(ok), [beats_frequency(grid, ("the controlled verbs", "制御した動詞"))], numbers=nums, src=src)
    return out


def add_control_claims(claims, controls: list[Control], setting: str, source: tuple[str, str]) -> None:
    """Each positive control of a setting as a ``check`` claim of its own (the scoreboard shows why a
    finding was inconclusive)."""
    names = {"grammar": ("grammar", "文法"), "text": ("real-text", "実テキスト")}[setting]
    for i, c in enumerate(controls, 1):
        claims.add(f"wei.{setting}.positive-control-{i}",
                   en=f"Positive control {i} of the {names[0]} findings (what the model must have learned first).",
                   ja=f"{names[1]}の知見の陽性対照 {i}（モデルが先に学んでいるべきこと）。",
                   paper=("BERT: 3.2 % error on natural sentences", "BERT：自然文で誤り 3.2 %"), source=source,
                   ours=(c.en, c.ja), holds=c.passed, kind="check")
