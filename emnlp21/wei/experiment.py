"""The chapter's pipeline: stimuli (parsed once, cached), the controlled corpus, the models, the items."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from ..core.cache import cached_json, config_hash
from ..core.paths import cache_dir
from ..corpora.text import count_words
from ..pretraining import score_forms, text_fingerprint
from .control import ControlledCorpus, assign_design, clean_pools, control_verb_counts, frequency_grid
from .counts import WordCounts
from .scoring import add_baselines, add_training_counts, keep_scorable, score_nonce
from .stimuli import FRAME_COLUMNS, load_parser, mine, natural_items, nonce_sentences, verb_pairs_of
from .words import VerbPair

STIMULI_VERSION = 2  # bump when mining changes: cached stimuli are then rebuilt


def mined_stimuli(heldout: Sequence[str], *, max_sentences: int, max_words: int = 40):
    """Frames, nouns and verb lemmas (see :func:`.stimuli.mine`) of the first ``max_sentences`` held-out
    sentences of at most ``max_words`` words, parsed once and cached by a hash of the text and the parser's
    version."""
    import spacy

    picked = [s for s in heldout if count_words(s) <= max_words][:max_sentences]
    if not picked:
        raise ValueError("no held-out sentence to mine; load the corpus with heldout_fraction > 0")
    nlp = None
    key = config_hash({"v": STIMULI_VERSION, "text": text_fingerprint(picked), "spacy": spacy.__version__})
    path = cache_dir("wei") / f"stimuli-{key}.json.gz"

    def build():
        nonlocal nlp
        nlp = load_parser()
        frames, nouns, verbs = mine(picked, nlp)
        return {"frames": frames.to_dict("records"), "nouns": nouns.to_dict("records"),
                "verbs": verbs.to_dict("records"), "parsed": len(picked)}

    got = cached_json(path, build)
    frames = pd.DataFrame(got["frames"], columns=FRAME_COLUMNS)
    nouns = pd.DataFrame(got["nouns"], columns=["singular", "plural", "seen"])
    verbs = pd.DataFrame(got["verbs"], columns=["lemma", "seen"])
    frames.attrs["parsed"] = got["parsed"]
    return frames, nouns, verbs


def verb_pairs_from_lemmas(lemmas) -> list[VerbPair]:
    return sorted({VerbPair.from_lemma(lemma) for lemma in lemmas})


def candidate_verbs(pairs: Sequence[VerbPair], tokenizer, counts: WordCounts, *, max_count: int) -> list[VerbPair]:
    """Verbs that can be controlled: both forms single tokens, both seen, neither more frequent than
    ``max_count`` (be/have/do would take half the corpus with them)."""
    ok = []
    for p in keep_scorable(pairs, tokenizer):
        c = counts.counts([p.singular, p.plural])
        if c.min() >= 1 and c.max() <= max_count:
            ok.append(p)
    return ok


def design_corpus(train: Sequence[str], candidates: Sequence[VerbPair], *, levels: Sequence[int],
                  verbs_per_cell: int, seed: int) -> ControlledCorpus:
    """Assign candidates to the (singular, plural) count grid and build the controlled corpus."""
    forms = {f for v in candidates for f in (v.singular, v.plural)}
    pools, _ = clean_pools(train, forms)
    design = assign_design(candidates, {f: len(p) for f, p in pools.items()}, frequency_grid(levels), verbs_per_cell,
                           seed=seed)
    return control_verb_counts(train, design, seed=seed)


@dataclass
class Stimuli:
    natural: pd.DataFrame  # one row per frame (masked sentence, correct, wrong, attractors)
    nonce: pd.DataFrame  # one row per nonce sentence (scored against every verb pair)
    pairs: list[VerbPair]  # verb pairs scored on nonce sentences
    nouns: pd.DataFrame


def build_stimuli(frames: pd.DataFrame, nouns: pd.DataFrame, tokenizer, nonce_pairs: Sequence[VerbPair], *,
                  nouns_used: int, nonce_per_frame: int, max_tokens: int, seed: int) -> Stimuli:
    """Natural items whose two forms are single tokens and whose sentence fits ``max_tokens``; nonce
    sentences from the same frames with the ``nouns_used`` most frequent scorable nouns, to be scored
    with every pair of ``nonce_pairs`` whose forms are single tokens."""
    vocab = tokenizer.get_vocab()
    ok_pairs = {(p.singular, p.plural) for p in keep_scorable(verb_pairs_of(frames), tokenizer)}
    lengths = np.array([len(ids) for ids in tokenizer(frames["text"].tolist())["input_ids"]]) if len(frames) else np.zeros(0)
    fits = (lengths <= max_tokens) & np.array([(s, p) in ok_pairs for s, p in zip(frames["singular"], frames["plural"])], bool)
    frames = frames[fits].reset_index(drop=True)
    noun_ok = nouns[nouns["singular"].isin(vocab) & nouns["plural"].isin(vocab)].head(nouns_used).reset_index(drop=True)
    nonce = nonce_sentences(frames, noun_ok, per_frame=nonce_per_frame, seed=seed)
    return Stimuli(natural_items(frames), nonce, keep_scorable(nonce_pairs, tokenizer), noun_ok)


def evaluate(pretrained, stimuli: Stimuli, counts: WordCounts, *, device="cpu", seed: int = 0) -> pd.DataFrame:
    """Both conditions scored by one model, with training counts and the two baselines: one row per item."""
    natural = score_forms(stimuli.natural, pretrained, device=device)
    nonce = score_nonce(stimuli.nonce, stimuli.pairs, pretrained, device=device)
    cols = ["condition", "subject", "number", "correct", "wrong", "attractors", "distance", "margin", "error"]
    items = pd.concat([natural[cols], nonce[cols]], ignore_index=True)
    items = add_baselines(add_training_counts(items, counts))
    items["seed"] = seed
    # the verdicts' cluster: the verb's singular form
    items["verb"] = np.where(items["number"] == "sg", items["correct"], items["wrong"])
    return items


def add_grid_columns(items: pd.DataFrame, design: pd.DataFrame) -> pd.DataFrame:
    """``target`` and ``competitor``: the requested counts of each item's correct and wrong form, for the
    controlled verbs of ``design`` (:attr:`ControlledCorpus.design`); NaN for the others."""
    requested = dict(zip(design["singular"], design["requested_sg"])) | dict(zip(design["plural"], design["requested_pl"]))
    out = items.copy()
    out["target"] = out["correct"].map(requested)
    out["competitor"] = out["wrong"].map(requested)
    both = out["target"].notna() & out["competitor"].notna()
    out.loc[~both, ["target", "competitor"]] = np.nan
    return out
