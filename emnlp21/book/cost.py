"""What a profile's pre-training costs on paper, before it is run: model FLOPs, tokens, GPU hours.

Each chapter's pre-training runs are listed from its profile section (variants, objectives, seeds),
each at :func:`~emnlp21.pretraining.modeling.flops_per_step` × steps, and turned into hours of an H100 at a stated
model-FLOPs utilisation. Runs that are one cache entry in several chapters (the shared real-text and
grammar MLMs) are counted in every chapter that asks for them and once in the total. Left out:
fine-tuning, evaluation, the CTAL speech model (not a :class:`PretrainConfig`) and Kobayashi+
(inference only); the vocabulary is the profile's ``vocab_size`` (a learned one may be smaller).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import yamaguchi  # noqa: F401  (registers Yamaguchi+'s objectives, whose heads are costed here)
from ..core.lang import tr
from ..pretraining.benchmark import H100_BF16_PEAK
from ..pretraining.config import PROFILE_FIELDS, PretrainConfig
from ..pretraining.modeling import flops_per_step
from ..pretraining.objectives import get_objective
from . import params

MFU = 0.40  # the share of the H100's dense bf16 peak a well-tuned BERT-size run reaches (the issue's target)


@dataclass(frozen=True)
class Run:
    chapter: str
    name: str
    config: PretrainConfig
    num_classes: int
    predicted_fraction: float
    shared: str = ""  # the cache entry several chapters share ("" = this chapter's own)

    @property
    def flops(self) -> float:
        return flops_per_step(self.config, self.num_classes, self.predicted_fraction) * self.config.steps

    @property
    def tokens(self) -> int:
        return self.config.tokens_per_step * self.config.steps


def _config(P, corpus_id: str, **overrides) -> PretrainConfig:
    # fingerprints do not change a FLOP: placeholders stand in for the corpus and the tokenizer
    vocab = overrides.pop("vocab_size", P["vocab_size"])
    return PretrainConfig(corpus_id, "-", "-", vocab_size=vocab, **{**_fields(P), **overrides})


def _fields(P) -> dict:
    return {k: P[k] for k in PROFILE_FIELDS if k in P}


def _grammar(P, **overrides) -> PretrainConfig:
    schedule = {"vocab_size": P["grammar_vocab"], "steps": P["grammar_steps"], "seq_len": P["grammar_seq_len"],
                "batch_size": P["grammar_batch_size"], "lr": P["grammar_lr"], "dropout": P["grammar_dropout"]}
    return _config(P, "grammar", **{**schedule, **overrides})  # as emnlp21.grammar.pretrain_config


class _Vocab:
    """Stands in for a tokenizer where a head's width is its length (MLM)."""

    def __init__(self, size: int):
        self.size = size

    def __len__(self) -> int:
        return self.size


def _head(objective: str, vocab: int) -> tuple[int, float]:
    """Classes and predicted share of the objective's head (MLM: 15 % of the tokens, over the vocabulary)."""
    o = get_objective(objective)
    return o.num_classes(_Vocab(vocab)), o.predicted_fraction


def pretraining_runs(profile: str = "full") -> list[Run]:
    """Every pre-training run the chapters of ``profile`` ask for (``steps=0`` models cost nothing),
    as the profile is written (a dry run's cut does not change its cost on paper)."""
    from functools import partial

    parameters = partial(params.parameters, dry_run=False)

    runs: list[Run] = []
    sm = parameters("small_models", {"profile": profile})
    real = _config(sm, "real-text")
    runs.append(Run("small_models", "real-text MLM", real, *_head("mlm", sm["vocab_size"]), shared="real-text MLM"))
    runs.append(Run("small_models", "previous recipe", _config(sm, "real-text", **sm["previous_recipe"]),
                    *_head("mlm", sm["vocab_size"])))
    if sm["benchmark_steps"]:  # ours and transformers.Trainer, the same model
        bench = real.replace(steps=sm["benchmark_steps"])
        runs += [Run("small_models", f"benchmark ({who})", bench, *_head("mlm", sm["vocab_size"])) for who in ("ours", "Trainer")]

    si = parameters("sinha", {"profile": profile})
    for v in si["variants"]:
        if v != "MRI":  # MRI is the untrained model
            runs.append(Run("sinha", f"real text {v}", _config(si, "real-text", positions=v != "MNP"),
                            *_head("mlm", si["vocab_size"]), shared="real-text MLM" if v == "MN" else ""))
    for v in si["grammar_variants"]:
        if v != "MRI":
            runs.append(Run("sinha", f"grammar {v}", _grammar(si, positions=v != "MNP"),
                            *_head("mlm", si["grammar_vocab"]), shared="grammar MLM" if v == "MN" else ""))
    if si["grammar_agreement_steps"] != si["grammar_steps"]:  # else MN and M1 themselves
        for v in ("MN", "M1"):
            runs.append(Run("sinha", f"grammar {v} (agreement run)", _grammar(si, steps=si["grammar_agreement_steps"]),
                            *_head("mlm", si["grammar_vocab"])))

    we = parameters("wei", {"profile": profile})
    for s in we["seeds"]:  # the grammar setting and the controlled real-text corpus, one MLM each per seed
        runs.append(Run("wei", f"grammar setting, seed {s}", _grammar(we, seed=s), *_head("mlm", we["grammar_vocab"])))
        runs.append(Run("wei", f"controlled corpus, seed {s}", _config(we, "wei-controlled", seed=s),
                        *_head("mlm", we["vocab_size"])))

    ya = parameters("yamaguchi", {"profile": profile})
    for o in ya["real_text_objectives"]:
        runs.append(Run("yamaguchi", f"real text {o}", _config(ya, "real-text", objective=o),
                        *_head(o, ya["vocab_size"]), shared="real-text MLM" if o == "mlm" else ""))
    for o in ya["objectives"]:
        runs.append(Run("yamaguchi", f"grammar {o}", _grammar(ya, objective=o), *_head(o, ya["grammar_vocab"]),
                        shared="grammar MLM" if o == "mlm" else ""))
    return runs


def h100_hours(flops: float, mfu: float = MFU) -> float:
    return flops / (mfu * H100_BF16_PEAK) / 3600


def cost_table(profile: str = "full", mfu: float = MFU) -> pd.DataFrame:
    """One row per pre-training chapter and a total (shared cache entries counted once): runs,
    tokens, model FLOPs (training: forward + backward) and H100 hours at ``mfu`` of the bf16 peak."""
    runs = pretraining_runs(profile)
    rows = []
    for chapter in dict.fromkeys(r.chapter for r in runs):
        mine = [r for r in runs if r.chapter == chapter]
        rows.append({"chapter": chapter, "runs": len(mine), "tokens": sum(r.tokens for r in mine),
                     "flops": sum(r.flops for r in mine)})
    once = {(r.shared or f"{r.chapter}/{r.name}"): r for r in runs}.values()
    rows.append({"chapter": "total", "runs": len(once), "tokens": sum(r.tokens for r in once),
                 "flops": sum(r.flops for r in once)})
    out = pd.DataFrame(rows).set_index("chapter")
    out["h100_hours"] = [h100_hours(f, mfu) for f in out.flops]
    out.attrs.update(profile=profile, mfu=mfu, peak_tflops=H100_BF16_PEAK / 1e12)
    return out


def draw_cost_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``cost_table`` as the book shows it, in ``lang``."""
    names = {"small_models": ("small models", "小さなモデル"), "sinha": ("Sinha+", "Sinha+"), "wei": ("Wei+", "Wei+"),
             "yamaguchi": ("Yamaguchi+", "Yamaguchi+"), "total": ("total (shared models once)", "合計（共有モデルは 1 回）")}
    shown = pd.DataFrame({
        tr(lang, "pre-training runs", "事前学習の回数"): table.runs,
        tr(lang, "tokens (billions)", "トークン（億）"):
            (table.tokens / 1e9).round(2) if lang == "en" else (table.tokens / 1e8).round(1),
        tr(lang, "model FLOPs", "モデル FLOPs"): table.flops.map(lambda f: f"{f:.2e}"),
        tr(lang, f"H100 minutes at {table.attrs['mfu']:.0%} MFU", f"H100 での分数（MFU {table.attrs['mfu']:.0%}）"):
            (table.h100_hours * 60).round(1),
    })
    shown.index = [tr(lang, *names.get(c, (c, c))) for c in table.index]
    return shown.rename_axis(tr(lang, "chapter", "章"))
