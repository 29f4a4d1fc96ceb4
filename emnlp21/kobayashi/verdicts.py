"""The chapter's claims, from its measured numbers: one function, so that a test can run it on made-up input.

Kinds (:mod:`emnlp21.book.evidence`): what the paper reports about mean ratios and frequency is a
*finding*, on every model analysed; a finding on one of the book's own MLMs carries its positive control
(the model got past its unigram floor), so an MLM that learned nothing makes it *inconclusive*. The
whole-layer extension is not the paper's claim: a *check*. That the parts sum back to the block's
output follows from how the parts are defined: a *construction*.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..book.evidence import Control
from ..pretraining.report import beyond_unigram_control
from . import paper
from .frequency import MIN_RHO, RhoEstimate, bootstrap_rho, token_table
from .mixing import MEASURES
from .run import MixingRatios, cached_mixing_ratios

ORDER = ("Attn-W", "Attn-N", "AttnRes-N", "AttnResLn-N")  # the paper's ordering of the means
FAR_BELOW = 0.5  # "far below": the whole block's mean at most half the attention norms'
SUM_TOLERANCE = 1e-4  # relative error of the parts' sum against the block's output (float32)


@dataclass
class Run:
    """One model (and input condition) analysed: what the claims need from it."""

    key: str  # "" for the chapter's primary run (claim ids without suffix), else e.g. "grammar-mn"
    label: str  # English name, e.g. "all-MiniLM-L6-v2, 12 % masked"
    label_ja: str
    means: pd.Series  # the "mean" row of MixingRatios.mean_by_layer (percent), by measure
    rho: RhoEstimate  # frequency rank vs AttnResLn-N, all tokens (masked ones left out)
    rho_words: RhoEstimate  # the same without [CLS]/[SEP]
    controls: list[Control] = field(default_factory=list)

    def cid(self, name: str) -> str:
        return f"kobayashi.{name}" + (f"-{self.key}" if self.key else "")


@dataclass
class Analysis:
    run: Run
    result: MixingRatios
    tokens: pd.DataFrame  # token_table of the result
    from_cache: bool


def analyse(loaded, pairs, ranks, *, key: str, label: str, label_ja: str, max_length: int, batch_size: int,
            measures=MEASURES, mask_rate: float = 0.0, seed: int = 0, replicates: int = 1000,
            controls: list[Control] = (), progress: bool = True) -> Analysis:
    """One run of the chapter: mixing ratios of ``pairs`` (cached; ``mask_rate`` of the tokens masked,
    seeded by ``seed``), the token table with ``ranks``, and rho with its bootstrap interval over pairs."""
    result, hit = cached_mixing_ratios(loaded, pairs, max_length=max_length, batch_size=batch_size, measures=measures,
                                       mask_rate=mask_rate, mask_seed=seed, progress=progress)
    tokens = token_table(result, ranks, loaded.tokenizer, result.measures)
    rho = bootstrap_rho(tokens, replicates=replicates, seed=seed)
    rho_words = bootstrap_rho(tokens, which="without specials", replicates=replicates, seed=seed)
    run = Run(key=key, label=label, label_ja=label_ja, means=result.mean_by_layer().loc["mean"], rho=rho,
              rho_words=rho_words, controls=list(controls))
    return Analysis(run=run, result=result, tokens=tokens, from_cache=hit)


def _fmt_rho(e: RhoEstimate) -> str:
    return f"{e.rho:.3f} [{e.low:.3f}, {e.high:.3f}]"


def add_claims(claims, runs: list[Run], *, sum_errors: dict[str, float] | None = None) -> None:
    """Record every claim of the chapter for ``runs`` (the first is the primary run) on ``claims``
    (a :class:`emnlp21.book.Claims`); ``sum_errors`` maps a run's label to the largest relative error
    of the attention block's parts summed against its output."""
    bert = paper.MEANS["BERT-base"]
    for run in runs:
        m = run.means
        on, on_ja = f"{run.label}: ", f"{run.label_ja}："
        ordered = all(m[a] > m[b] for a, b in zip(ORDER, ORDER[1:]))
        claims.add(
            run.cid("ordering"),
            en=f"{'' if not run.key else on}Mean mixing ratio: attention weights > attention norms > with residual > "
               "whole attention block.",
            ja=f"{'' if not run.key else on_ja}平均 mixing ratio は 注意重み > 注意のノルム > 残差込み > アテンションブロック全体 の順になる。",
            paper="BERT-base " + " > ".join(f"{bert[k]:.2f}" for k in ORDER) + " %",
            source=paper.SOURCE,
            ours=(f"{run.label}: " + " > ".join(f"{m[k]:.2f}" for k in ORDER) + " %",
                  f"{run.label_ja}：" + " > ".join(f"{m[k]:.2f}" for k in ORDER) + " %"),
            holds=ordered, kind="finding", controls=run.controls, numbers={k: m[k] for k in ORDER},
        )
        claims.add(
            run.cid("atb-far-below-attention"),
            en=f"{'' if not run.key else on}The whole block's mean mixing ratio is far below the attention norms' "
               f"(criterion: at most {FAR_BELOW:g} times).",
            ja=f"{'' if not run.key else on_ja}ブロック全体の平均 mixing ratio は注意のノルムによる値よりずっと小さい"
               f"（基準：{FAR_BELOW:g} 倍以下）。",
            paper=f"BERT-base ATB {bert['AttnResLn-N']} % vs Attn-N {bert['Attn-N']} %",
            source=paper.SOURCE,
            ours=(f"{run.label}: ATB {m['AttnResLn-N']:.2f} % vs Attn-N {m['Attn-N']:.2f} % "
                  f"(ratio {m['AttnResLn-N'] / m['Attn-N']:.2f})",
                  f"{run.label_ja}：ATB {m['AttnResLn-N']:.2f} %，Attn-N {m['Attn-N']:.2f} %"
                  f"（比 {m['AttnResLn-N'] / m['Attn-N']:.2f}）"),
            holds=m["AttnResLn-N"] <= FAR_BELOW * m["Attn-N"], kind="finding", controls=run.controls,
            numbers={"atb": m["AttnResLn-N"], "attn_n": m["Attn-N"]},
        )
        e, w = run.rho, run.rho_words
        pct = f"{100 * e.confidence:g} %"
        claims.add(
            run.cid("frequent-words-mix-more"),
            en=f"{'' if not run.key else on}Frequent tokens mix more in the whole block: Spearman's rho between "
               f"frequency rank and the ATB ratio is negative, its {pct} bootstrap interval over sentence pairs "
               f"below 0 and |rho| at least {MIN_RHO:g}.",
            ja=f"{'' if not run.key else on_ja}頻度の高い語ほどブロック全体で強く混ぜる：頻度順位と ATB の比の Spearman 相関が負で，"
               f"文対のブートストラップによる {pct} 区間が 0 を含まず，|rho| が {MIN_RHO:g} 以上。",
            paper=(f"BERT-base rho = {paper.SPEARMAN['AttnResLn-N']} "
                   f"({paper.SPEARMAN_WITHOUT_SPECIALS['AttnResLn-N']} without [CLS]/[SEP])",
                   f"BERT-base で rho = {paper.SPEARMAN['AttnResLn-N']}"
                   f"（[CLS]/[SEP] を除くと {paper.SPEARMAN_WITHOUT_SPECIALS['AttnResLn-N']}）"),
            source=paper.SOURCE,
            ours=(f"{run.label}: rho = {_fmt_rho(e)} ({pct}; {e.pairs} pairs, {e.tokens:,} tokens); "
                  f"without specials {_fmt_rho(w)}",
                  f"{run.label_ja}：rho = {_fmt_rho(e)}（{pct} 区間；{e.pairs} 文対，{e.tokens:,} トークン）；"
                  f"特殊トークン除く {_fmt_rho(w)}"),
            holds=e.sign_holds(-1), kind="finding", controls=run.controls,
            numbers={"rho": e.rho, "low": e.low, "high": e.high, "rho_without_specials": w.rho,
                     "low_without_specials": w.low, "high_without_specials": w.high, "min_rho": MIN_RHO,
                     "pairs": e.pairs, "tokens": e.tokens},
        )

    primary = runs[0]
    m = primary.means
    if "Layer-N (FFN lin.)" in m.index:
        lin, noffn = m["Layer-N (FFN lin.)"], m["Layer-N (no FFN)"]
        # not what the paper reports (our extension), so not evidence for or against it: a check
        claims.add(
            "kobayashi.beyond-whole-layer",
            en="Beyond the paper: carried through the FFN, second residual and LayerNorm, the whole layer's mean "
               f"mixing ratio stays far below the attention norms' (at most {FAR_BELOW:g} times).",
            ja="論文の先：FFN・二つ目の残差・層正規化まで分解を延長しても，層全体の平均 mixing ratio は注意のノルムによる値の"
               f"{FAR_BELOW:g} 倍以下にとどまる。",
            paper=("not in the paper (GlobEnc, Modarressi et al. 2022, extends it without the FFN)",
                   "論文にはない（GlobEnc, Modarressi et al. 2022 は FFN を除いて延長）"),
            source=("this book's extension", "本書の延長"),
            ours=(f"{primary.label}: whole layer {lin:.2f} % (FFN linearised), {noffn:.2f} % (FFN ignored); "
                  f"ATB {m['AttnResLn-N']:.2f} %; Attn-N {m['Attn-N']:.2f} %",
                  f"{primary.label_ja}：層全体 {lin:.2f} %（FFN 線形化），{noffn:.2f} %（FFN 無視）；"
                  f"ATB {m['AttnResLn-N']:.2f} %；Attn-N {m['Attn-N']:.2f} %"),
            holds=bool(max(lin, noffn) <= FAR_BELOW * m["Attn-N"]), kind="check",
            numbers={"layer_ffn_linearised": lin, "layer_no_ffn": noffn, "atb": m["AttnResLn-N"], "attn_n": m["Attn-N"]},
        )
    if sum_errors:
        worst = max(sum_errors.values())
        claims.add(
            "kobayashi.parts-sum-back",
            en="The attention block's parts (mixing, preserving, bias) sum back to the block's own output on every "
               "model analysed.",
            ja="アテンションブロックの部分（混ぜる・保つ・バイアス）の和は，分析したどのモデルでもブロック自身の出力に戻る。",
            paper=("the paper's decomposition is exact", "論文の分解は厳密"),
            source=("by construction: LayerNorm is distributed over the summands", "構成上：層正規化を各項に分配する"),
            ours=("largest relative error " + ", ".join(f"{k} {v:.1e}" for k, v in sum_errors.items()),
                  "最大相対誤差 " + "，".join(f"{k} {v:.1e}" for k, v in sum_errors.items())),
            holds=worst <= SUM_TOLERANCE, kind="construction", numbers={"worst": worst, "tolerance": SUM_TOLERANCE},
        )


def learned_control(gain: float, learned_nats: float) -> Control:
    """The positive control of a finding on one of the book's MLMs: past its unigram floor."""
    return beyond_unigram_control(gain, threshold=learned_nats)