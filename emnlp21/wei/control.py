"""Frequency-controlled pre-training corpora: real sentences removed or added until each target
verb form occurs exactly the requested number of times.

Every sentence that contains any controlled form is first taken out; then, for each form, real
sentences of the original corpus that contain that form exactly once (and no other controlled form)
are put back at seeded random places until the form's count is met. Only when a form has fewer such
sentences than requested are some repeated; :attr:`ControlledCorpus.design` records how many.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .words import VerbPair, words


@dataclass
class ControlledCorpus:
    """``sentences``: the training text; ``design``: one row per controlled verb with the requested and
    resulting counts of both forms and the number of distinct sentences used for each."""

    sentences: list[str]
    design: pd.DataFrame
    removed: int  # original sentences taken out


def clean_pools(sentences: Sequence[str], forms: set[str]) -> tuple[dict[str, list[int]], set[int]]:
    """For each controlled form, the sentences holding it exactly once and no other controlled form;
    and the indices of all sentences holding any controlled form."""
    pools: dict[str, list[int]] = {f: [] for f in forms}
    touched: set[int] = set()
    for i, s in enumerate(sentences):
        hits = Counter(w for w in words(s) if w in forms)
        if not hits:
            continue
        touched.add(i)
        if len(hits) == 1:
            (form, n), = hits.items()
            if n == 1:
                pools[form].append(i)
    return pools, touched


def control_verb_counts(sentences: Sequence[str], requested: Mapping[VerbPair, tuple[int, int]], *,
                        seed: int = 0) -> ControlledCorpus:
    """A copy of ``sentences`` in which each verb's (singular, plural) forms occur exactly
    ``requested[verb]`` times (word counts, lower-cased, any part of speech, as in the paper)."""
    forms = {f for v in requested for f in (v.singular, v.plural)}
    if len(forms) != 2 * len(requested):
        raise ValueError("controlled verbs share a form; give each form to one verb only")
    for verb, (n_sg, n_pl) in requested.items():
        if min(n_sg, n_pl) < 0:
            raise ValueError(f"requested counts must be >= 0, got {verb}: {(n_sg, n_pl)}")
    pools, touched = clean_pools(sentences, forms)
    rng = np.random.default_rng(seed)
    added: list[int] = []
    rows = []
    for verb, (n_sg, n_pl) in sorted(requested.items()):
        row = {"singular": verb.singular, "plural": verb.plural, "requested_sg": n_sg, "requested_pl": n_pl}
        for form, n, tag in ((verb.singular, n_sg, "sg"), (verb.plural, n_pl, "pl")):
            pool = pools[form]
            if n and not pool:
                raise ValueError(f"no sentence of the corpus contains {form!r} alone; choose another verb than {verb}")
            picks = np.resize(rng.permutation(pool), n) if n else np.array([], dtype=int)  # cycles if pool < n
            added.extend(int(i) for i in picks)
            row[f"distinct_{tag}"] = len(set(picks.tolist()))
            row[f"available_{tag}"] = len(pool)
        rows.append(row)
    kept = [s for i, s in enumerate(sentences) if i not in touched]
    # put the added sentences at seeded random places among the kept ones
    keys = np.concatenate([np.arange(len(kept)) + 0.5, rng.uniform(0, len(kept) + 1, size=len(added))])
    pool_text = kept + [sentences[i] for i in added]
    out = [pool_text[i] for i in np.argsort(keys, kind="stable")]
    design = pd.DataFrame(rows)
    return ControlledCorpus(out, design, removed=len(touched))


def frequency_grid(levels: Sequence[int]) -> list[tuple[int, int]]:
    """Every (singular, plural) pair of count levels: target frequency and competitor ratio vary apart."""
    return [(a, b) for a in levels for b in levels]


def assign_design(candidates: Sequence[VerbPair], pool_sizes: Mapping[str, int], cells: Sequence[tuple[int, int]],
                  repeats: int = 1, seed: int = 0) -> dict[VerbPair, tuple[int, int]]:
    """Give each cell (count of singular, count of plural) ``repeats`` verbs, drawn at random (``seed``)
    among the unused candidates whose pools of sentences cover the cell; a cell that no pool left
    covers takes the largest one (its sentences repeat). The cells asking for the most sentences draw
    first. At random, not by pool size: a verb's own frequency in the text would otherwise go with its
    cell's count, and a frequency effect could not be told from the verbs that carry it."""
    rng = np.random.default_rng(seed)
    need = sorted((c for c in cells for _ in range(repeats)), key=lambda c: (-max(c), -sum(c)))
    free = sorted(candidates, key=lambda v: (v.singular, v.plural))

    def pool(v: VerbPair) -> int:
        return min(pool_sizes.get(v.singular, 0), pool_sizes.get(v.plural, 0))

    if len(free) < len(need):
        raise ValueError(f"{len(need)} controlled verbs are needed but only {len(free)} candidates were given; "
                         "lower `verbs_per_cell` or the number of levels")
    design = {}
    for cell in need:
        fits = [v for v in free if pool_sizes.get(v.singular, 0) >= cell[0] and pool_sizes.get(v.plural, 0) >= cell[1]]
        verb = fits[int(rng.integers(len(fits)))] if fits else max(free, key=pool)
        free.remove(verb)
        design[verb] = cell
    return design
