"""The chapter's tables and computed sentences; each takes the page's language."""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from ..core.lang import tr
from ..core.evidence import Estimate
from . import paper
from .frequency import MIN_RHO, MIX_MORE
from .mixing import PAPER_MEASURES


def _paper_means(lang: str) -> pd.DataFrame:
    rows = pd.DataFrame([paper.MEANS["BERT-base"], paper.MEANS["RoBERTa-base"]], index=["BERT-base", "RoBERTa-base"])
    return rows.rename(index=lambda s: tr(lang, f"paper: {s}", f"論文：{s}"))


def means_table(means: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The mixing ratio (%) of each measure per layer and on average (``mean_by_layer``), above the paper's means."""
    ours = means[list(PAPER_MEASURES)].rename(index={"mean": tr(lang, "mean (ours)", "平均（本書）")})
    return pd.concat([ours, _paper_means(lang)]).round(2)


def rho_table(rho: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Spearman's rho of frequency rank against each measure (``rank_correlations``), beside the paper's."""
    names = {"all tokens": "全トークン", "without specials": "特殊トークン除く"}
    t = rho.loc[list(PAPER_MEASURES)].copy()
    t.columns = [tr(lang, f"ours: {c}", f"本書：{names[c]}") for c in t.columns]
    t[tr(lang, "paper (BERT-base): all tokens", "論文（BERT-base）：全トークン")] = pd.Series(paper.SPEARMAN)
    return t.round(3)


def learned_table(learned: Sequence[dict], learned_nats: float, lang: str) -> pd.DataFrame:
    """The book's MLMs (one dict per model: names, size, held-out report, the gap's estimate ``gap`` with
    its 99 % interval where known, whether the control passed)."""
    t = lambda en, ja: tr(lang, en, ja)  # noqa: E731
    return pd.DataFrame([{
        t("model", "モデル"): t(r["en"], r["ja"]), t("layers × hidden", "層 × 次元"): r["size"],
        t("vocabulary", "語彙"): r["vocab"], t("training sentences", "訓練文"): f"{r['train']:,}",
        t("input length (tokens)", "入力長（トークン）"): r["length"],
        t("held-out loss", "取り分け損失"): f"{r['heldout_loss']:.2f}",
        t("unigram floor", "ユニグラムの水準"): f"{r['unigram_entropy']:.2f}",
        t("gap (nats)", "差（nat）"): r["gap"].text(lang, 2) if "gap" in r else f"{r['gain']:.2f}",
        t(f"control: gap > {learned_nats:g}", f"対照：差 > {learned_nats:g}"):
            t("passed", "合格") if r["passed"] else t("failed", "不合格")} for r in learned])


def runs_means_table(runs: Sequence, lang: str) -> pd.DataFrame:
    """The mean ratios of every run (:class:`~.verdicts.Run`) above the paper's."""
    ours = pd.DataFrame({tr(lang, f"ours: {r.label}", f"本書：{r.label_ja}"): r.means[list(PAPER_MEASURES)]
                         for r in runs}).T
    return pd.concat([ours, _paper_means(lang)]).round(2)


def rho_rows(runs: Sequence, lang: str) -> pd.DataFrame:
    """Each run's rho and interval, with and without special tokens (for ``figures.rho_intervals``)."""
    return pd.DataFrame([{"rho": r.rho.estimate.value, "low": r.rho.estimate.low, "high": r.rho.estimate.high,
                          "rho_w": r.rho_words.estimate.value, "low_w": r.rho_words.estimate.low,
                          "high_w": r.rho_words.estimate.high, "confidence": r.rho.estimate.level}
                         for r in runs], index=[tr(lang, r.label, r.label_ja) for r in runs])


def rho_runs_table(runs: Sequence, lang: str) -> pd.DataFrame:
    """Each run's rho with its bootstrap interval and whether the sign claim holds, and the paper's row."""
    t = lambda en, ja: tr(lang, en, ja)  # noqa: E731
    conf = f"{100 * runs[0].rho.estimate.level:g} %"
    cols = {"model": t("model", "モデル"), "rho": t("rho, all tokens", "rho（全トークン）"),
            "ci": t(f"{conf} interval", f"{conf} 区間"), "rho_w": t("rho, without specials", "rho（特殊トークン除く）"),
            "ci_w": t(f"{conf} interval ", f"{conf} 区間 "), "pairs": t("pairs", "文対"), "tokens": t("tokens", "トークン"),
            "sign": t(f"interval against −{MIN_RHO:g}", f"区間と −{MIN_RHO:g}")}
    rows = [{"model": t(f"ours: {r.label}", f"本書：{r.label_ja}"), "rho": f"{e.value:.3f}",
             "ci": f"[{e.low:.3f}, {e.high:.3f}]", "rho_w": f"{w.value:.3f}", "ci_w": f"[{w.low:.3f}, {w.high:.3f}]",
             "pairs": e.items, "tokens": f"{r.rho.tokens:,}", "sign": _judged(e, lang)}
            for r in runs for e, w in [(r.rho.estimate, r.rho_words.estimate)]]
    rows.append({"model": t("paper: BERT-base", "論文：BERT-base"), "rho": f"{paper.SPEARMAN['AttnResLn-N']:.2f}",
                 "ci": "—", "rho_w": f"{paper.SPEARMAN_WITHOUT_SPECIALS['AttnResLn-N']:.2f}", "ci_w": "—",
                 "pairs": "—", "tokens": "—", "sign": "—"})
    return pd.DataFrame(rows).rename(columns=cols).set_index(cols["model"])


_WHERE = {"holds": ("wholly below {}", "{} より全体が下"), "fails": ("wholly above {}", "{} より全体が上"),
          "inconclusive": ("across {}", "{} をまたぐ")}


def _judged(rho: Estimate, lang: str) -> str:
    """Where rho's interval lies against :data:`~.frequency.MIX_MORE` (below −MIN_RHO), in words."""
    en, ja = _WHERE[MIX_MORE.judge(rho)]
    return tr(lang, en, ja).format(f"−{MIN_RHO:g}")


def rho_sentence(run, lang: str) -> str:
    """One run's rho, its interval and where that lies against the region of the claim, as a clause."""
    e = run.rho.estimate
    return tr(lang, f"{run.label}: rho = {e.value:.2f} [{e.low:.2f}, {e.high:.2f}], {_judged(e, lang)}",
              f"{run.label_ja}：rho = {e.value:.2f} [{e.low:.2f}, {e.high:.2f}]，区間は {_judged(e, lang)}")


def ja_names(runs: Sequence) -> str:
    """Japanese run names joined by と, followed by a space before kana unless they end in a full-width parenthesis."""
    names = " と ".join(r.label_ja for r in runs)
    return names if names.endswith("）") else names + " "


VERDICT_WORDS = {"holds": ("holds", "成り立ちました"), "fails": ("does not hold", "成り立ちませんでした"),
                 "inconclusive": ("is inconclusive", "判定不能でした")}


def verdict_words(claim, lang: str) -> str:
    """A claim's verdict as the predicate of a sentence."""
    return VERDICT_WORDS[claim.verdict][0 if lang == "en" else 1]
