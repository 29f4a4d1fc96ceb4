"""Token frequency ranks and their Spearman correlation with the mixing ratios (the paper's Section 5)."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from .mixing import MEASURES


def frequency_ranks(tokenizer, sentences: Sequence[str], batch_size: int = 2048) -> np.ndarray:
    """Rank (1 = most frequent) of every vocabulary id, counted with the model's own tokenizer over
    ``sentences`` tokenised one by one with special tokens (so [CLS]/[SEP] count once per sentence).
    Ties are broken by id; ids never seen share the bottom rank (as in the paper's code)."""
    if not sentences:
        raise ValueError("frequency_ranks needs a non-empty corpus")
    counts = np.zeros(len(tokenizer), dtype=np.int64)
    for start in range(0, len(sentences), batch_size):
        ids = tokenizer(list(sentences[start:start + batch_size]), truncation=False)["input_ids"]
        counts += np.bincount(np.concatenate([np.asarray(s) for s in ids]), minlength=len(counts))
    order = np.lexsort((np.arange(len(counts)), -counts))  # by count descending, then id
    ranks = np.empty_like(counts)
    ranks[order] = np.arange(1, len(counts) + 1)
    seen = counts > 0
    ranks[~seen] = seen.sum() + 1
    return ranks


def layer_mean_ratios(result, measures: Sequence[str] = MEASURES) -> pd.DataFrame:
    """Per token occurrence: ratios averaged over layers, with the token id and whether it is special."""
    df = pd.DataFrame({m: result.measure(m).mean(1) for m in measures})
    df["token_id"] = result.token_ids
    df["special"] = result.special
    return df


def token_table(result, ranks: np.ndarray, tokenizer, measures: Sequence[str] = MEASURES) -> pd.DataFrame:
    """``layer_mean_ratios`` plus each token's string, frequency rank and whether it is punctuation."""
    df = layer_mean_ratios(result, measures)
    ids = df["token_id"].to_numpy()
    df["rank"] = ranks[ids]
    df["token"] = tokenizer.convert_ids_to_tokens(ids.tolist())
    df["punct"] = df["token"].map(lambda t: bool(t) and all(not c.isalnum() for c in t.lstrip("Ġ▁#")))
    df.loc[df["special"], "punct"] = False
    return df


def rank_correlations(table: pd.DataFrame, measures: Sequence[str] = MEASURES) -> pd.DataFrame:
    """Spearman's rho between frequency rank and the layer-averaged ratio, over token occurrences
    (rows of ``token_table``), with and without the special tokens (the paper reports both)."""
    df = table
    rows = {}
    for label, sel in (("all tokens", np.ones(len(df), bool)), ("without specials", ~df["special"].to_numpy())):
        rows[label] = {m: spearmanr(df.loc[sel, "rank"], df.loc[sel, m]).statistic for m in measures}
    return pd.DataFrame(rows)
