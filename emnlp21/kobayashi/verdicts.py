"""The chapter's claims, from its measured numbers: one function, so that a test can run it on made-up input.

Every verdict is :func:`emnlp21.core.evidence.decide`: an estimate with its 99 % interval, from a
percentile bootstrap over the sentence pairs (the unit of the input: a pair's tokens go together,
and every statistic of one run sees the same draws, :func:`~.run.pair_resamples`), judged against a
region stated below before anything is measured.

Which model the headline (unsuffixed) ids are on: the paper's claims are about masked language models
fed masked input, so they are the book's real-text MN (the small BERT that three chapters pre-train),
masked like the paper's inputs. The released encoder the chapter opens with (all-MiniLM-L6-v2 at the
quick profile, a contrastively fine-tuned sentence encoder, not an MLM) and the grammar MN are extra
rows with suffixed ids.

Kinds (:mod:`emnlp21.core.evidence`): what the paper reports about mean ratios and frequency is a
*finding*, on every model analysed; a finding on one of the book's own MLMs carries its positive control
(the model got past its unigram floor), so an MLM that learned nothing makes it *inconclusive*; it is
also about a pre-training procedure (``procedure=True``: the book's MLM stands for MLMs trained by its
recipe, and one run of a recipe cannot), while a finding on the released encoder is about that one
fixed model (``procedure=False``). The whole-layer extension is not the paper's claim: a *check*. That
the parts sum back to the block's output follows from how the parts are defined: a *construction*.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.evidence import RESAMPLES, Control, Estimate, above, below
from . import paper
from .frequency import MIN_RHO, MIX_MORE, RhoEstimate, bootstrap_rho, token_table
from .mixing import MEASURES
from .run import MixingRatios, bootstrap_means, cached_mixing_ratios

ORDER = ("Attn-W", "Attn-N", "AttnRes-N", "AttnResLn-N")  # the paper's ordering of the means
FAR_BELOW = 0.5  # "far below": the whole block's mean at most half the attention norms'
SUM_TOLERANCE = 1e-4  # relative error of the parts' sum against the block's output (float32)
_BERT = paper.MEANS["BERT-base"]

# The regions, stated before measuring.
ORDERED = above(0, unit="points", unit_ja="ポイント",
                source="the smallest of the adjacent differences of the means in the paper's order: all positive",
                source_ja="論文の順に並べた平均の隣り合う差の最小値：すべて正")
FAR_BELOW_REGION = below(FAR_BELOW, unit="× Attn-N",
                         source=f"the book's bar for \"far below\": half the attention norms'; the paper's BERT-base: "
                                f"{_BERT['AttnResLn-N'] / _BERT['Attn-N']:.2f}",
                         source_ja=f"本書の「ずっと小さい」の基準：注意のノルムの半分。論文の BERT-base は "
                                   f"{_BERT['AttnResLn-N'] / _BERT['Attn-N']:.2f}")
SUM_BACK = below(SUM_TOLERANCE * 1e6, unit="ppm", source="the largest relative error, in parts per million; float32 "
                 "rounding of the block's output", source_ja="最大相対誤差，百万分率。ブロックの出力の float32 の丸め")


@dataclass
class Run:
    """One model (and input condition) analysed: what the claims need from it."""

    key: str  # "" for the headline run (claim ids without suffix), else e.g. "grammar-mn"
    label: str  # English name, e.g. "all-MiniLM-L6-v2, 12 % masked"
    label_ja: str
    means: pd.Series  # the "mean" row of MixingRatios.mean_by_layer (percent), by measure
    rho: RhoEstimate  # frequency rank vs AttnResLn-N, all tokens (masked ones left out)
    rho_words: RhoEstimate  # the same without [CLS]/[SEP]
    ordering: Estimate  # the smallest adjacent difference of the means in ORDER (points)
    atb_ratio: Estimate  # the whole block's mean over the attention norms'
    whole_layer: Estimate | None = None  # the larger whole-layer mean over the attention norms' (if measured)
    controls: list[Control] = field(default_factory=list)
    procedure: bool = False  # a book MLM standing for its recipe (needs several pre-training runs)

    def cid(self, name: str) -> str:
        return f"kobayashi.{name}" + (f"-{self.key}" if self.key else "")


@dataclass
class Analysis:
    run: Run
    result: MixingRatios
    tokens: pd.DataFrame  # token_table of the result
    from_cache: bool


def smallest_step(means: pd.DataFrame) -> pd.Series:
    """The smallest of the adjacent differences of the means in :data:`ORDER` (points), per row."""
    return pd.concat([means[a] - means[b] for a, b in zip(ORDER, ORDER[1:])], axis=1).min(axis=1)


def atb_over_attention(means: pd.DataFrame) -> pd.Series:
    """The whole block's mean ratio over the attention norms', per row."""
    return means["AttnResLn-N"] / means["Attn-N"]


def whole_layer_over_attention(means: pd.DataFrame) -> pd.Series:
    """The larger of the two whole-layer means (FFN linearised, FFN ignored) over the attention norms'."""
    return np.maximum(means["Layer-N (FFN lin.)"], means["Layer-N (no FFN)"]) / means["Attn-N"]


def analyse(loaded, pairs, ranks, *, key: str, label: str, label_ja: str, max_length: int, batch_size: int,
            measures=MEASURES, mask_rate: float = 0.0, seed: int = 0, resamples: int = RESAMPLES,
            controls: list[Control] = (), procedure: bool = False, pretrain_seeds: int = 1, device="cpu",
            progress: bool = True) -> Analysis:
    """One run of the chapter: mixing ratios of ``pairs`` (cached; ``mask_rate`` of the tokens masked,
    seeded by ``seed``), the token table with ``ranks``, and every estimate with its bootstrap interval
    over the pairs (``resamples`` draws seeded by ``seed``, the same draws for every statistic).
    ``procedure``: the model stands for a pre-training recipe (the book's MLMs), of which
    ``pretrain_seeds`` runs were analysed."""
    result, hit = cached_mixing_ratios(loaded, pairs, max_length=max_length, batch_size=batch_size, measures=measures,
                                       mask_rate=mask_rate, mask_seed=seed, progress=progress)
    tokens = token_table(result, ranks, loaded.tokenizer, result.measures)
    kw = dict(resamples=resamples, seed=seed, pretrain_seeds=pretrain_seeds)
    rho = bootstrap_rho(tokens, device=device, **kw)
    rho_words = bootstrap_rho(tokens, which="without specials", device=device, **kw)
    ordering = bootstrap_means(result, smallest_step, test="percentile bootstrap over sentence pairs, paired", **kw)
    atb_ratio = bootstrap_means(result, atb_over_attention, test="percentile bootstrap over sentence pairs, paired", **kw)
    whole = (bootstrap_means(result, whole_layer_over_attention, test="percentile bootstrap over sentence pairs, paired",
                             **kw) if "Layer-N (FFN lin.)" in result.measures else None)
    run = Run(key=key, label=label, label_ja=label_ja, means=result.mean_by_layer().loc["mean"], rho=rho,
              rho_words=rho_words, ordering=ordering, atb_ratio=atb_ratio, whole_layer=whole, controls=list(controls),
              procedure=procedure)
    return Analysis(run=run, result=result, tokens=tokens, from_cache=hit)


def _fmt_rho(e: Estimate) -> str:
    return f"{e.value:.3f}"


def add_claims(claims, runs: list[Run], *, sum_errors: dict[str, float] | None = None) -> None:
    """Record every claim of the chapter for ``runs`` on ``claims`` (a :class:`emnlp21.book.Claims`);
    the run whose ``key`` is "" gets the unsuffixed ids. ``sum_errors`` maps a run's label to the largest
    relative error of the attention block's parts summed against its output."""
    for run in runs:
        m = run.means
        on, on_ja = f"{run.label}: ", f"{run.label_ja}："
        claims.add(
            run.cid("ordering"),
            en=f"{on}Mean mixing ratio: attention weights > attention norms > with residual > whole attention block.",
            ja=f"{on_ja}平均 mixing ratio は 注意重み > 注意のノルム > 残差込み > アテンションブロック全体 の順になる。",
            paper="BERT-base " + " > ".join(f"{_BERT[k]:.2f}" for k in ORDER) + " %",
            source=paper.SOURCE,
            ours=(f"{run.label}: " + " > ".join(f"{m[k]:.2f}" for k in ORDER) + " %",
                  f"{run.label_ja}：" + " > ".join(f"{m[k]:.2f}" for k in ORDER) + " %"),
            estimate=run.ordering, region=ORDERED, kind="finding", controls=run.controls, procedure=run.procedure,
            numbers={k: m[k] for k in ORDER},
        )
        claims.add(
            run.cid("atb-far-below-attention"),
            en=f"{on}The whole block's mean mixing ratio is far below the attention norms' "
               f"(criterion: at most {FAR_BELOW:g} times).",
            ja=f"{on_ja}ブロック全体の平均 mixing ratio は注意のノルムによる値よりずっと小さい"
               f"（基準：{FAR_BELOW:g} 倍以下）。",
            paper=f"BERT-base ATB {_BERT['AttnResLn-N']} % vs Attn-N {_BERT['Attn-N']} %",
            source=paper.SOURCE,
            ours=(f"{run.label}: ATB {m['AttnResLn-N']:.2f} % vs Attn-N {m['Attn-N']:.2f} %",
                  f"{run.label_ja}：ATB {m['AttnResLn-N']:.2f} %，Attn-N {m['Attn-N']:.2f} %"),
            estimate=run.atb_ratio, region=FAR_BELOW_REGION, kind="finding", controls=run.controls,
            procedure=run.procedure, numbers={"atb": m["AttnResLn-N"], "attn_n": m["Attn-N"]},
        )
        e, w, tokens = run.rho.estimate, run.rho_words.estimate, run.rho.tokens
        claims.add(
            run.cid("frequent-words-mix-more"),
            en=f"{on}Frequent tokens mix more in the whole block: Spearman's rho between frequency rank and the "
               f"ATB ratio is negative, beyond −{MIN_RHO:g}.",
            ja=f"{on_ja}頻度の高い語ほどブロック全体で強く混ぜる：頻度順位と ATB の比の Spearman 相関が負で，"
               f"−{MIN_RHO:g} より小さい。",
            paper=(f"BERT-base rho = {paper.SPEARMAN['AttnResLn-N']} "
                   f"({paper.SPEARMAN_WITHOUT_SPECIALS['AttnResLn-N']} without [CLS]/[SEP])",
                   f"BERT-base で rho = {paper.SPEARMAN['AttnResLn-N']}"
                   f"（[CLS]/[SEP] を除くと {paper.SPEARMAN_WITHOUT_SPECIALS['AttnResLn-N']}）"),
            source=paper.SOURCE,
            ours=(f"{run.label}: rho = {_fmt_rho(e)} ({e.items} pairs, {tokens:,} tokens); "
                  f"without specials {_fmt_rho(w)}",
                  f"{run.label_ja}：rho = {_fmt_rho(e)}（{e.items} 文対，{tokens:,} トークン）；"
                  f"特殊トークン除く {_fmt_rho(w)}"),
            estimate=e, region=MIX_MORE, kind="finding", controls=run.controls, procedure=run.procedure,
            numbers={"rho": e.value, "low": e.low, "high": e.high, "rho_without_specials": w.value,
                     "low_without_specials": w.low, "high_without_specials": w.high, "min_rho": MIN_RHO,
                     "pairs": e.items, "tokens": tokens},
        )

    for run in runs:
        if run.whole_layer is None:
            continue
        m = run.means
        lin, noffn = m["Layer-N (FFN lin.)"], m["Layer-N (no FFN)"]
        # not what the paper reports (our extension), so not evidence for or against it: a check
        claims.add(
            run.cid("beyond-whole-layer"),
            en=f"{run.label}: beyond the paper, carried through the FFN, second residual and LayerNorm, the whole "
               f"layer's mean mixing ratio stays far below the attention norms' (at most {FAR_BELOW:g} times).",
            ja=f"{run.label_ja}：論文の先，FFN・二つ目の残差・層正規化まで分解を延長しても，層全体の平均 mixing ratio は"
               f"注意のノルムによる値の {FAR_BELOW:g} 倍以下にとどまる。",
            paper=("not in the paper (GlobEnc, Modarressi et al. 2022, extends it without the FFN)",
                   "論文にはない（GlobEnc, Modarressi et al. 2022 は FFN を除いて延長）"),
            source=("this book's extension", "本書の延長"),
            ours=(f"{run.label}: whole layer {lin:.2f} % (FFN linearised), {noffn:.2f} % (FFN ignored); "
                  f"ATB {m['AttnResLn-N']:.2f} %; Attn-N {m['Attn-N']:.2f} %",
                  f"{run.label_ja}：層全体 {lin:.2f} %（FFN 線形化），{noffn:.2f} %（FFN 無視）；"
                  f"ATB {m['AttnResLn-N']:.2f} %；Attn-N {m['Attn-N']:.2f} %"),
            estimate=run.whole_layer, region=FAR_BELOW_REGION, kind="check",
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
            estimate=Estimate.exact(worst * 1e6), region=SUM_BACK, kind="construction",
            numbers={"worst": worst, "tolerance": SUM_TOLERANCE},
        )
