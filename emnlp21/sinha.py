"""Sinha+ 2021, "Masked Language Modeling and the Distributional Hypothesis": word-order variants.

Corpus variants, built sentence by sentence at the word level (whitespace words, before any subword
segmentation, as in the paper):

- ``MN``: the natural corpus;
- ``M1`` … ``M4``: each sentence cut into consecutive blocks of n words, the blocks permuted
  (:func:`shuffle_ngrams`): the sentence's word multiset, its length and the n-grams inside each
  block are kept, the order between blocks is lost;
- ``MUG``: each sentence replaced by as many words drawn independently from the corpus's unigram
  distribution (:func:`sample_unigram`).

Model variants on the natural corpus (:func:`variant_config`): ``MNP`` (no position embeddings) and
``MRI`` (random initialisation, no pre-training). Everything else — model size, tokenizer, tokens
and steps — is the same for all variants, so each differs from ``MN`` in one thing only.

:func:`shuffle_text` is §4.2's fine-tuning transform (training texts shuffled, dev texts natural),
and :func:`adjacent_pair_overlap` measures the order that word-level shuffling leaks through subword
segmentation (Ravishankar+ 2022).
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

import numpy as np

CORPUS_VARIANTS = ("MN", "M4", "M3", "M2", "M1", "MUG")
MODEL_VARIANTS = ("MNP", "MRI")
VARIANTS = ("MN", "M4", "M3", "M2", "M1", "MNP", "MUG", "MRI")  # Table 1's row order
_NGRAM = {"M1": 1, "M2": 2, "M3": 3, "M4": 4}


def ngram_size(variant: str) -> int | None:
    """n for ``M<n>``, None for the others; an unknown name is an error listing the known ones."""
    if variant not in VARIANTS:
        raise ValueError(f"Unknown variant {variant!r}; use one of {', '.join(VARIANTS)}.")
    return _NGRAM.get(variant)


def _flatten(sentences: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """All whitespace words in one object array, and each sentence's word count."""
    split = [s.split() for s in sentences]
    lengths = np.fromiter((len(w) for w in split), dtype=np.int64, count=len(split))
    words = np.empty(int(lengths.sum()), dtype=object)
    words[:] = [w for ws in split for w in ws]
    return words, lengths


def _join(words: np.ndarray, lengths: np.ndarray) -> list[str]:
    ends = np.cumsum(lengths)
    return [" ".join(words[e - n:e]) for e, n in zip(ends.tolist(), lengths.tolist())]


def ngram_permutation(lengths: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """A word index permutation that shuffles consecutive blocks of ``n`` words within each sentence.

    ``lengths`` are the sentences' word counts, laid out back to back. Blocks are ordered by random
    keys inside their sentence (one ``lexsort`` for the whole corpus); sentences with two or more
    blocks that come out in their original order are drawn again, so every such sentence changes.
    """
    if n < 1:
        raise ValueError(f"n-gram size must be at least 1, not {n}.")
    lengths = np.asarray(lengths, dtype=np.int64)
    blocks_per_sentence = -(-lengths // n)
    sentence_of_block = np.repeat(np.arange(len(lengths)), blocks_per_sentence)
    block_start_in_sentence = (np.arange(len(sentence_of_block))
                               - np.repeat(np.cumsum(blocks_per_sentence) - blocks_per_sentence,
                                           blocks_per_sentence)) * n
    sentence_start = np.cumsum(lengths) - lengths
    block_start = sentence_start[sentence_of_block] + block_start_in_sentence
    block_len = np.minimum(n, lengths[sentence_of_block] - block_start_in_sentence)

    keys = rng.random(len(sentence_of_block))
    movable = blocks_per_sentence >= 2
    for _ in range(100):  # P(identity) <= 1/2 per sentence and draw: 100 draws never all fail
        order = np.lexsort((keys, sentence_of_block))
        stayed = np.ones(len(lengths), dtype=bool)
        moved = order != np.arange(len(order))
        np.logical_and.at(stayed, sentence_of_block, ~moved)
        redo = stayed & movable
        if not redo.any():
            break
        again = redo[sentence_of_block]
        keys[again] = rng.random(int(again.sum()))
    # Expand the block order into word indices: each block contributes start..start+len-1.
    starts, lens = block_start[order], block_len[order]
    offsets = np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens)
    return np.repeat(starts, lens) + offsets


def shuffle_ngrams(sentences: Sequence[str], n: int, seed: int) -> list[str]:
    """``M<n>``: every sentence with its consecutive ``n``-word blocks in a random order.

    Deterministic for a given ``(sentences, n, seed)``. Keeps each sentence's word multiset and the
    sentence boundaries; the last block of a sentence may be shorter than ``n``.
    """
    words, lengths = _flatten(sentences)
    rng = np.random.default_rng([seed, n])
    return _join(words[ngram_permutation(lengths, n, rng)], lengths)


def unigram_distribution(sentences: Iterable[str]) -> tuple[list[str], np.ndarray]:
    """The corpus's whitespace words (most frequent first) and their relative frequencies."""
    counts = Counter(w for s in sentences for w in s.split())
    if not counts:
        raise ValueError("The corpus has no words; pass a non-empty list of sentences.")
    vocab, freq = zip(*counts.most_common())
    freq = np.asarray(freq, dtype=np.float64)
    return list(vocab), freq / freq.sum()


def sample_unigram(sentences: Sequence[str], seed: int) -> list[str]:
    """``MUG``: each sentence replaced by the same number of words drawn i.i.d. from the corpus's
    unigram distribution — word frequencies and sentence lengths kept, all co-occurrence lost."""
    vocab, p = unigram_distribution(sentences)
    lengths = np.fromiter((len(s.split()) for s in sentences), dtype=np.int64, count=len(sentences))
    rng = np.random.default_rng([seed, 0x5A6])
    draws = rng.choice(len(vocab), size=int(lengths.sum()), p=p)
    return _join(np.asarray(vocab, dtype=object)[draws], lengths)


def corpus_variant(variant: str, sentences: Sequence[str], seed: int = 0) -> list[str]:
    """The pre-training sentences of a corpus variant (``MN``, ``M1``–``M4``, ``MUG``).

    ``MNP`` and ``MRI`` train on the natural corpus: they return it unchanged."""
    n = ngram_size(variant)
    if n is not None:
        return shuffle_ngrams(sentences, n, seed)
    if variant == "MUG":
        return sample_unigram(sentences, seed)
    return list(sentences)


def corpus_id(base_id: str, variant: str, seed: int = 0) -> str:
    """The ``corpus_id`` of a variant's text: the natural text keeps the base id (shared cache)."""
    if variant in ("MN",) + MODEL_VARIANTS:
        return base_id
    ngram_size(variant)
    return f"{base_id}+sinha-{variant.lower()}-s{seed}"


def variant_config(base, variant: str, sentences: Sequence[str], seed: int = 0):
    """The toolkit's ``PretrainConfig`` of a variant, from the natural model's ``base`` config.

    Returns ``(config, sentences)``: the sentences to pre-train on and a config that differs from
    ``base`` in exactly one respect — the text (``M1``–``M4``, ``MUG``, with its own fingerprint),
    ``positions=False`` (``MNP``) or ``steps=0`` (``MRI``). ``MN`` returns ``base`` itself, so it is
    the cache entry the other pre-training chapters share.
    """
    from .pretraining import text_fingerprint

    text = corpus_variant(variant, sentences, seed)
    if variant == "MN":
        return base, text
    if variant == "MNP":
        return base.replace(positions=False), text
    if variant == "MRI":
        return base.replace(steps=0), text
    return base.replace(corpus_id=corpus_id(base.corpus_id, variant, seed),
                        corpus_fingerprint=text_fingerprint(text)), text


# --- §4.2: fine-tuning on shuffled text ---------------------------------------------------------

def shuffle_text(text: str, rng, n: int = 1) -> str:
    """§4.2's fine-tuning transform: the words of one text in shuffled blocks of ``n``.

    Has the toolkit's ``train_transform(text, rng)`` signature (``rng``: a ``random.Random``), so
    ``finetune_suite(..., train_transform=shuffle_text)`` tunes on shuffled training texts and
    judges on natural dev and test texts. Use ``functools.partial(shuffle_text, n=2)`` for blocks.
    """
    words = text.split()
    blocks = [words[i:i + n] for i in range(0, len(words), n)]
    rng.shuffle(blocks)
    return " ".join(w for b in blocks for w in b)


# --- Ravishankar+ 2022: order that leaks through subword segmentation ---------------------------

def adjacent_pairs(ids: Sequence[int]) -> Counter:
    return Counter(zip(ids[:-1], ids[1:]))


def adjacent_pair_overlap(original: Sequence[Sequence[int]], shuffled: Sequence[Sequence[int]]) -> float:
    """Share of the original sequences' adjacent token pairs that are still adjacent after shuffling
    (multiset intersection, pooled over sequences). Word-level shuffling keeps every pair inside a
    word (``play ##ed``); shuffling after segmentation keeps only chance pairs."""
    if len(original) != len(shuffled):
        raise ValueError(f"{len(original)} original vs {len(shuffled)} shuffled sequences: pair them 1:1.")
    kept = total = 0
    for a, b in zip(original, shuffled):
        pa = adjacent_pairs(list(a))
        kept += sum((pa & adjacent_pairs(list(b))).values())
        total += sum(pa.values())
    return kept / total if total else float("nan")


def shuffle_token_ids(token_ids: Sequence[Sequence[int]], seed: int) -> list[list[int]]:
    """Unigram shuffling *after* subword segmentation (the leak-free variant of M1)."""
    lengths = np.fromiter((len(t) for t in token_ids), dtype=np.int64, count=len(token_ids))
    flat = np.fromiter((i for t in token_ids for i in t), dtype=np.int64, count=int(lengths.sum()))
    perm = ngram_permutation(lengths, 1, np.random.default_rng([seed, 1, 0x5B]))
    out, ends = flat[perm], np.cumsum(lengths)
    return [out[e - k:e].tolist() for e, k in zip(ends.tolist(), lengths.tolist())]


# --- a forward-only diagnostic: does a model prefer natural order? --------------------------------

def order_preference(models, sentences: Sequence[str], seed: int = 0, device="cpu"):
    """Pseudo-log-likelihood of each held-out sentence as written and with its words shuffled (same
    words), per model: the share of sentences whose natural order scores higher, its two-sided
    binomial p-value against 1/2 (ties count half) and the mean difference in nats per sentence.
    A model trained on natural text should prefer natural order; one trained on shuffled text (M1)
    or without positions (MNP: equal scores by construction) should not."""
    import random

    import pandas as pd
    from scipy.stats import binomtest

    from .pretraining.evaluate import pseudo_log_likelihood

    rng = random.Random(seed)
    shuffled = [shuffle_text(t, rng) for t in sentences]
    rows = {}
    for name, m in models.items():
        diff = pseudo_log_likelihood(m, sentences, device=device) - pseudo_log_likelihood(m, shuffled, device=device)
        wins = float((diff > 1e-6).sum() + 0.5 * (np.abs(diff) <= 1e-6).sum())
        rows[name] = {"prefers_natural": wins / len(diff), "p_value": binomtest(round(wins), len(diff)).pvalue,
                      "mean_difference": float(diff.mean()), "sentences": len(diff)}
    return pd.DataFrame.from_dict(rows, orient="index")


# --- the paper's Table 1 and our summary -------------------------------------------------------

def _variant_order(names) -> list[str]:
    """The paper's variants in Table 1's order, then any other names as they come."""
    return [v for v in VARIANTS if v in names] + [v for v in names if v not in VARIANTS]


def mean_std_table(scores, metric: str = "score", row: str = "variant", col: str = "task"):
    """A Table-1-shaped frame of ``"mean ± std"`` strings (over seeds) from tidy fine-tuning scores."""
    g = scores.groupby([row, col])[metric]
    mean, std = g.mean().unstack(col), g.std(ddof=0).unstack(col)
    fmt = mean.map(lambda v: f"{100 * v:.1f}") + " ± " + std.map(lambda v: f"{100 * v:.1f}")
    return fmt.loc[_variant_order(mean.index)]


def test_accuracy(results, tasks: Sequence[str]):
    """From the toolkit's ``finetune_suite`` results: the test accuracies as tidy rows (variant, task,
    seed, score as a fraction; for :func:`mean_std_table`) and their means over seeds in points
    (variants in Table 1's order × ``tasks``)."""
    acc = results[(results["split"] == "test") & (results["metric"] == "accuracy")].rename(
        columns={"model": "variant", "value": "score"})
    means = acc.groupby(["variant", "task"])["score"].mean().unstack("task").mul(100)
    return acc, means.loc[_variant_order(means.index), list(tasks)]


def gap_to_mn(means, variants: Sequence[str] = VARIANTS):
    """``MN − variant`` per task (same units as ``means``: a variant × task frame of means)."""
    present = [v for v in variants if v in means.index and v != "MN"]
    return means.loc["MN"] - means.loc[present]


def monotone_share(values: Sequence[float], tolerance: float = 0.0) -> float:
    """Share of consecutive pairs in ``values`` (e.g. MN, M4, M3, M2, M1) that do not increase by more
    than ``tolerance``: 1.0 is a perfectly ordered trend."""
    v = np.asarray(values, dtype=float)
    if len(v) < 2:
        raise ValueError("monotone_share needs at least two values.")
    return float(np.mean(np.diff(v) <= tolerance))


PAPER_SOURCE = "Sinha+ 2021, Table 1 (RoBERTa-base, BookWiki, GLUE/PAWS-Wiki dev, mean ± std over seeds)"


def paper_table():
    """The paper's Table 1 as a tidy frame (variant, task, metric, mean, std, source), in points."""
    import pandas as pd

    from .book import data_dir

    return pd.read_csv(data_dir() / "sinha2021_table1.csv")


def mean_accuracy_gap(means, tasks: Sequence[str] | None = None):
    """``MN`` minus each variant, averaged over ``tasks`` (default: every column) of a variant × task
    frame of means — the paper's "M1 is on average 3.3 points lower than MN"."""
    cols = list(tasks) if tasks is not None else list(means.columns)
    avg = means[cols].mean(axis=1)
    return avg.loc["MN"] - avg


def draw_loss_curves(models, lang: str, title: str):
    """Pre-training loss per variant (``models``: name → the toolkit's Pretrained); MRI has none."""
    import matplotlib.pyplot as plt

    from .book import tr

    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for v, m in models.items():
        if len(m.log):
            ax.plot(m.log["step"], m.log["loss"], label=v, lw=1.4, ls="--" if v in ("MNP", "MUG") else "-")
    ax.set(xlabel=tr(lang, "step", "ステップ"), ylabel=tr(lang, "MLM loss (train)", "MLM 損失 (学習)"), title=title)
    ax.legend(ncol=2, fontsize=8)
    return fig


ATTRACTED = ("pp", "subject_relative", "object_relative")


def agreement_accuracy(probe, pretrained, device="cpu", by: str = "construction"):
    """Per value of column ``by`` of ``probe`` (:func:`emnlp21.grammar.agreement_probe` items), the %
    of items where ``pretrained`` scores the agreeing verb form above the other one (zero-shot, chance 50 %)."""
    from .wei.scoring import score_natural

    return 100 - 100 * score_natural(probe, pretrained, device=device).groupby(by)["error"].mean()


def agreement_curve(runs, probe, device="cpu"):
    """Zero-shot agreement of each run (``runs``: variant → :class:`Pretrained` with checkpoints) at
    every step it kept and at its end: rows (variant, step), columns ``none`` and ``attractor`` (the
    mean over the constructions with an attractor), in %."""
    import pandas as pd

    from .pretraining import load_checkpoint

    rows = {}
    for variant, run in runs.items():
        for step in [*sorted(run.checkpoints), run.config.steps]:
            model = run if step == run.config.steps else load_checkpoint(run, step)
            acc = agreement_accuracy(probe, model, device)
            rows[(variant, step)] = {"none": acc["none"], "attractor": acc[list(ATTRACTED)].mean()}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis(["variant", "step"])


def draw_agreement_curve(curve, lang: str):
    """:func:`agreement_curve`'s frame against pre-training step: a colour per variant, a line style per condition."""
    import matplotlib.pyplot as plt

    from .book import tr

    styles = {"none": ("--", tr(lang, "no attractor", "誘引名詞なし")),
              "attractor": ("-", tr(lang, "with an attractor", "誘引名詞あり"))}
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for (variant, runs), color in zip(curve.groupby(level="variant", sort=False), plt.rcParams["axes.prop_cycle"]):
        steps = runs.index.get_level_values("step")
        for col, (ls, label) in styles.items():
            ax.plot(steps, runs[col], marker="o", ls=ls, color=color["color"], label=f"{variant}: {label}")
    ax.axhline(50, color="grey", lw=1, ls=":")
    ax.set(xlabel=tr(lang, "pre-training step", "事前学習ステップ"), ylim=(0, 102),
           ylabel=tr(lang, "agreeing form preferred (%)", "一致する形を選んだ割合 (%)"),
           title=tr(lang, "Zero-shot agreement during pre-training (chance 50 %)",
                    "事前学習中のゼロショット一致（チャンス 50 %）"))
    ax.legend(fontsize=8)
    return fig


# --- the chapter's claims, computed from a variant × task frame of mean accuracies -------------

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
    from .book.evidence import Control, difference_margin

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
               ja=f"M1 (単語をシャッフル) は語順不要のタスクで MN との差が {CLOSE_POINTS:g} ポイント以内 "
                  f"(かつ事前学習が MRI より {FAR_POINTS:g} ポイント以上の効果を持つ){ja_tail}。",
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
                   ja=f"局所的な語順を残すほど性能が上がる: 平均精度 MN ≥ M4 ≥ M3 ≥ M2 ≥ M1 (許容差 {TREND_TOLERANCE:g} ポイント)，"
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
                   ja=f"M1 は MNP (位置埋め込みなし) を {FAR_POINTS:g} ポイント以上上回る: シャッフル文でも位置が重要{ja_tail}。",
                   paper=(f"M1 − MNP = {paper['m1_beats_mnp']['diff']:.1f} points",
                          f"M1 − MNP = {paper['m1_beats_mnp']['diff']:.1f} ポイント"), source=src,
                   ours=(f"M1 − MNP = {c['diff']:.1f} points", f"M1 − MNP = {c['diff']:.1f} ポイント"),
                   holds=c["holds"], numbers=numbers(c),
                   controls=controls["all"])
    if "baselines_bottom" in ours:
        c = ours["baselines_bottom"]
        claims.add(f"{prefix}.baselines-bottom",
                   en=f"MUG, MNP and MRI are all below every shuffled-corpus model (mean accuracy){en_tail}.",
                   ja=f"MUG・MNP・MRI はどれも，シャッフルコーパスで学習したどのモデルよりも低い (平均精度){ja_tail}。",
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
               ja=f"語順が必要なタスクでは，語順不要のタスクより MN − M1 の差が大きい ({ORDER_GAP_MARGIN:g} ポイント以上){ja_tail}。",
               paper=(f"PAWS {paper['order_gap']['gap_order']:.1f} vs {paper['order_gap']['gap_free']:.1f} points",
                      f"PAWS {paper['order_gap']['gap_order']:.1f}，他 {paper['order_gap']['gap_free']:.1f} ポイント"),
               source=src, ours=(f"{sens} {c['gap_order']:.1f} vs {c['gap_free']:.1f} points",
                                 f"{sens} {c['gap_order']:.1f}，他 {c['gap_free']:.1f} ポイント"),
               holds=c["holds"], numbers=numbers(c), controls=controls["sensitive"])
