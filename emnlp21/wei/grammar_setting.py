"""Wei+ 2021 in the controlled grammar (:mod:`emnlp21.grammar`): verbs whose form counts are set on a
grid, seen and unseen subject–verb pairs by construction, natural and nonce items, and the positive
control (agreement on the grammar's own, frequent verbs across an attractor)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import grammar
from ..core.evidence import Gate, gate, mean_score
from ..pretraining import score_forms, train_tokenizer
from .counts import WordCounts
from .scoring import add_baselines, add_training_counts
from .verdicts import agreement_region

CONTROL_ACCURACY = 0.90  # agreement with an attractor on uncontrolled verbs before any frequency finding counts


@dataclass
class GrammarSetting:
    corpus: grammar.WeiCorpus
    tokenizer: object
    items: pd.DataFrame  # grammar.wei_items with training counts (count_*, pair_*, seen) and both baselines
    counts: WordCounts


def lexicon_lines() -> list[str]:
    """Every word of the grammar once, as extra tokenizer text: a controlled form stays one token of
    the vocabulary however rare (even absent) we make it in the pre-training text (the model never
    trains on these lines; the paper's vocabulary was fixed before its corpora were changed too)."""
    return [" ".join(sorted(grammar.word_tags()))] * 20


def build(params, *, seed: int | None = None) -> GrammarSetting:
    """The controlled grammar corpus of a ``wei`` profile section, its tokenizer and the annotated items."""
    seed = params["seed"] if seed is None else seed
    design = grammar.frequency_design(params["wei_levels"], params["wei_verbs_per_cell"], seed=seed)
    corpus = grammar.wei_corpus(params["grammar_sentences"], design, seed=seed, cross_field=params["wei_cross_field"])
    tok = train_tokenizer(corpus.sentences + lexicon_lines(), vocab_size=params["grammar_vocab"])
    missing = [w for w in grammar.word_tags() if w not in tok.get_vocab()]
    if missing:
        raise ValueError(f"grammar words split into pieces by the tokenizer: {missing[:8]}; raise grammar_vocab")
    counts = WordCounts(corpus.sentences)
    items = add_baselines(add_training_counts(grammar.wei_items(design, seed=seed), counts))
    items = items.merge(design[["lemma", "n_sg", "n_pl", "half"]], on="lemma")
    sg = items["number"] == "sg"
    items["target"] = items["n_sg"].where(sg, items["n_pl"])  # requested count of the correct form
    items["competitor"] = items["n_pl"].where(sg, items["n_sg"])
    return GrammarSetting(corpus, tok, items, counts)


def pretrain_config(params, setting: GrammarSetting, seed: int):
    """The grammar MLM of the ``wei`` section (the shared grammar recipe, with the section's steps)."""
    return grammar.pretrain_config(params, setting.corpus.sentences, setting.tokenizer, seed=seed).replace(
        corpus_id="grammar+wei")


def score(model, setting: GrammarSetting, *, device="cpu", seed: int = 0) -> pd.DataFrame:
    """One row per item: the MLM's margin and error beside the baselines."""
    out = score_forms(setting.items, model, device=device)
    out["seed"] = seed
    out["verb"] = out["lemma"]  # the cluster the verdicts resample
    return out


def control_probe(n: int, seed: int = 0) -> pd.DataFrame:
    """Agreement items on the grammar's uncontrolled, frequent verbs, each with an attractor of the other
    number; subjects are half singular, half plural (a learner blind to the subject is at 50 %)."""
    probe = grammar.agreement_probe(2 * n, seed=seed, attractors=True)
    half = n // 2
    return pd.concat([probe[probe.number == "sg"].head(half), probe[probe.number == "pl"].head(n - half)],
                     ignore_index=True)


def agreement_control(scored_probe: pd.DataFrame, threshold: float = CONTROL_ACCURACY, *,
                      what=("the grammar MLM", "文法 MLM")) -> Gate:
    """The positive control of every frequency finding: accuracy (%) on :func:`control_probe` items
    (their ``error`` column) with its 99 % bootstrap interval over the items, wholly above
    ``threshold``. The probe draws its items from all of the grammar's frequent verbs, so the items
    are the sampled unit (the verbs are not a sample: every one of them is there)."""
    n = len(scored_probe)
    if n < 1:
        raise ValueError("the agreement control needs scored items")
    scores = pd.DataFrame({"arm": "mlm", "item": range(n), "score": 100 * (1 - scored_probe["error"].astype(float).to_numpy())})
    est = mean_score(scores, "mlm", test="bootstrap over probe items, accuracy")
    return gate(est, agreement_region(threshold),
                f"{what[0]}: agreement across an attractor on frequent, uncontrolled verbs {est.value:.1f} % "
                f"(99 % interval [{est.low:.1f}, {est.high:.1f}], {n:,} items); needs > {100 * threshold:.0f} %",
                f"{what[1]}：頻出する非制御の動詞で誘引名詞を越えた一致 {est.value:.1f} %"
                f"（99 % 区間 [{est.low:.1f}, {est.high:.1f}]，{n:,} 項目）。必要 > {100 * threshold:.0f} %")
