"""What a verdict rests on: one statistic for every claim, a decision region fixed in advance, and
positive controls.

A claim is a *finding* (what a paper reports), a *check* (a sanity or positive-control measurement)
or a *construction* (true by how the experiment is built: shown, never counted as evidence).

Every verdict comes from the same procedure (:func:`decide`):

1. An :class:`Estimate`: a value and its interval at the book's level (:data:`LEVEL`, two-sided,
   α = :data:`ALPHA`), from :func:`multibootstrap` — pre-training seeds, then fine-tuning seeds
   nested in each, then test items (or clusters of items), each resampled with replacement and the
   items drawn once for every model, so that two models scored on the same items are compared paired
   (Sellam+ 2022, "The MultiBERTs", §3 and App. C). Where a value has no sampling noise (a count
   in a sourced table, a sum that holds to rounding), :meth:`Estimate.exact`.
2. A :class:`Region`, stated before anything is measured: the values for which the claim holds
   ("A − B > 0", "|M1 − MN| ≤ 2.5 points": closeness is an equivalence test, never a point estimate
   under a bar).
3. The verdict: the interval wholly inside the region → *holds*; wholly outside → *fails*; straddling
   its edge → *inconclusive*. A finding whose positive control failed is *inconclusive*, and so is a
   finding about a pre-training procedure with fewer than :data:`MIN_SEEDS` pre-training runs in an
   arm (one checkpoint cannot stand for a procedure).

Seed levels with few units are honest about it: the bootstrap of k units sees (k − 1)/k of their
variance, so the deviations of each seed's mean from their level's mean are scaled by √(k/(k − 1))
before they are resampled (unbiased variance; with two seeds the interval still rests on one degree of
freedom, and the estimate says how many seeds it had).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

KINDS = ("finding", "check", "construction")
VERDICTS = ("holds", "fails", "inconclusive")
ALPHA = 0.01  # the book's one level: two-sided, so intervals are 99 %
LEVEL = 1 - ALPHA
RESAMPLES = 10_000  # 50 replicates in each 0.5 % tail of a 99 % percentile interval
MIN_SEEDS = 3  # pre-training runs per arm that a claim about a pre-training procedure needs
NO_STAGE = -1  # the seed label of an arm without that stage: a reference classifier, a model not pre-trained
_WEIGHTS_PER_CHUNK = 20_000_000  # unit weights held at once (replicates × units): about 160 MB


@dataclass(frozen=True)
class Control:
    """A positive control of a finding: what it requires (both languages) and whether it passed."""

    en: str
    ja: str
    passed: bool


# --- the estimate -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Estimate:
    """A value with its interval at ``level``, the test that produced it and what it rests on:
    the fewest pre-training seeds, fine-tuning seeds and items (or clusters) of any compared arm that has
    that stage (:func:`seeds_rested_on`)."""

    value: float
    low: float
    high: float
    level: float = LEVEL
    test: str = "exact"
    pretrain_seeds: int = 1
    finetune_seeds: int = 1
    items: int = 0
    resamples: int = 0

    def __post_init__(self):
        if any(math.isnan(x) for x in (self.value, self.low, self.high)):
            raise ValueError(f"an estimate has a NaN: {self}")
        if not self.low <= self.high:
            raise ValueError(f"interval [{self.low}, {self.high}] is reversed")

    @classmethod
    def exact(cls, value: float, test: str = "exact") -> "Estimate":
        """A value without sampling noise: its interval is the value itself."""
        return cls(float(value), float(value), float(value), test=test)

    @classmethod
    def from_replicates(cls, value: float, replicates: np.ndarray, *, test: str, level: float = LEVEL,
                        **sizes) -> "Estimate":
        """The percentile interval of bootstrap ``replicates`` around the full-sample ``value``."""
        reps = np.asarray(replicates, dtype=float)
        reps = reps[np.isfinite(reps)]
        if len(reps) < min_resamples(level):
            raise ValueError(f"{len(reps)} finite replicates are too few for a {level:.0%} interval "
                             f"(need {min_resamples(level)})")
        low, high = np.quantile(reps, [(1 - level) / 2, (1 + level) / 2])
        return cls(float(value), float(min(low, value)), float(max(high, value)), level=level, test=test,
                   resamples=len(reps), **sizes)

    def scaled(self, factor: float) -> "Estimate":
        """The same estimate in other units (e.g. × 100 for points)."""
        lo, hi = sorted((self.low * factor, self.high * factor))
        return Estimate(self.value * factor, lo, hi, self.level, self.test, self.pretrain_seeds,
                        self.finetune_seeds, self.items, self.resamples)

    def text(self, lang: str = "en", digits: int = 1) -> str:
        """``+2.3 [−0.4, +5.1]`` (99 %), or the value alone when exact."""
        f = f"{{:+.{digits}f}}"
        if self.resamples == 0 and self.low == self.high:
            return f.format(self.value)
        return f"{f.format(self.value)} [{f.format(self.low)}, {f.format(self.high)}]"

    def basis(self, lang: str = "en") -> str:
        """What the interval rests on, in words."""
        if self.resamples == 0 and self.low == self.high:
            return "exact" if lang == "en" else "厳密値"
        if lang == "ja":
            return (f"{100 * self.level:g} % 区間，事前学習 {self.pretrain_seeds} × fine-tuning {self.finetune_seeds} "
                    f"シード × {self.items} 項目")
        return (f"{100 * self.level:g} % interval, {self.pretrain_seeds} pre-training × {self.finetune_seeds} "
                f"fine-tuning seeds × {self.items} items")


def min_resamples(level: float) -> int:
    """Resamples a percentile interval at ``level`` needs: 50 replicates in each tail."""
    return int(math.ceil(round(50 / ((1 - level) / 2), 6)))


# --- the decision region ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Region:
    """The values of the estimate for which the claim holds: ``[low, high]`` (either may be infinite),
    stated before the measurement, with the source of its threshold or tolerance."""

    low: float = -math.inf
    high: float = math.inf
    unit: str = ""  # "points", "%", "" …
    source: str = ""  # where the threshold or tolerance comes from
    unit_ja: str = ""  # the unit on the Japanese page, where it differs ("ポイント")
    source_ja: str = ""

    def __post_init__(self):
        if not self.low < self.high:
            raise ValueError(f"a region needs low < high, got [{self.low}, {self.high}]")

    def words(self, lang: str = "en") -> str:
        """The region in words: ``> 0 points``, ``within ±2.5 points``, ``in [0.40, 0.60]``."""
        unit = (self.unit_ja or self.unit) if lang == "ja" else self.unit
        u = f" {unit}" if unit else ""
        if math.isinf(self.low) and math.isinf(self.high):
            return "any" if lang == "en" else "任意"
        if math.isinf(self.high):
            return f"> {self.low:g}{u}"
        if math.isinf(self.low):
            return f"< {self.high:g}{u}"
        if math.isclose(self.low, -self.high):
            return (f"within ±{self.high:g}{u}" if lang == "en" else f"±{self.high:g}{u} 以内")
        return f"in [{self.low:g}, {self.high:g}]{u}" if lang == "en" else f"[{self.low:g}, {self.high:g}]{u} の範囲"

    def judge(self, estimate: Estimate) -> str:
        """Inside → holds; outside → fails; across an edge → inconclusive."""
        if self.low < estimate.low and estimate.high < self.high:
            return "holds"
        if estimate.high <= self.low or estimate.low >= self.high:
            return "fails"
        return "inconclusive"


def above(threshold: float = 0.0, **kw) -> Region:
    """Holds when the whole interval is above ``threshold`` (e.g. "A beats B": A − B > 0)."""
    return Region(low=float(threshold), **kw)


def below(threshold: float = 0.0, **kw) -> Region:
    """Holds when the whole interval is below ``threshold``."""
    return Region(high=float(threshold), **kw)


def within(tolerance: float, center: float = 0.0, **kw) -> Region:
    """An equivalence region: holds when the whole interval lies within ``center ± tolerance``."""
    if not tolerance > 0:
        raise ValueError(f"an equivalence tolerance must be positive, got {tolerance}")
    return Region(low=center - tolerance, high=center + tolerance, **kw)


# --- the verdict --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    verdict: str
    reasons: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (en, ja) of what made it inconclusive


@dataclass(frozen=True)
class Gate(Control):
    """A positive control with what it was decided from: its ``estimate`` inside its ``region`` passes."""

    estimate: Estimate
    region: Region


def gate(estimate: Estimate, region: Region, en: str, ja: str) -> Gate:
    """A :class:`Gate` whose control passed when ``region`` judges ``estimate`` to hold."""
    return Gate(en, ja, region.judge(estimate) == "holds", estimate, region)


def decide(kind: str, estimate: Estimate, region: Region, controls: Iterable[Control] = (), *,
           procedure: bool = False) -> Decision:
    """The one rule behind every verdict. ``procedure``: the claim is about a pre-training procedure
    (it compares or judges pre-trained models as products of their recipe), so it needs
    :data:`MIN_SEEDS` pre-training runs per arm."""
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {KINDS}")
    verdict = region.judge(estimate)
    if kind != "finding":
        return Decision(verdict)
    reasons = [(c.en, c.ja) for c in controls if not c.passed]
    if procedure and estimate.pretrain_seeds < MIN_SEEDS:
        n = estimate.pretrain_seeds
        reasons.append((f"{n} pre-training run{'s' if n != 1 else ''} per arm; a claim about pre-training needs {MIN_SEEDS}",
                        f"各群の事前学習は {n} 回：事前学習についての主張には {MIN_SEEDS} 回必要"))
    return Decision("inconclusive" if reasons else verdict, tuple(reasons))


# --- the multi-bootstrap ------------------------------------------------------------------------------

COLUMNS = ("arm", "task", "pretrain_seed", "finetune_seed", "item", "score")


def bootstrap_counts(rng: np.random.Generator, size: int, n: int) -> np.ndarray:
    """``size`` bootstrap draws of ``n`` units as counts (each row sums to n)."""
    idx = rng.integers(0, n, size=(size, n)) + n * np.arange(size)[:, None]
    return np.bincount(idx.ravel(), minlength=size * n).reshape(size, n).astype(np.float64)


def seed_weights(rng: np.random.Generator, size: int, pretrain: Sequence, finetune: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """``size`` draws of the seed levels: counts of the pre-training seeds [size, P], and of the
    fine-tuning seeds nested in each [size, P, F]."""
    return (bootstrap_counts(rng, size, len(pretrain)),
            np.stack([bootstrap_counts(rng, size, len(finetune)) for _ in pretrain], axis=1))


def seeds_rested_on(labels: Iterable[Sequence]) -> int:
    """The fewest seeds (of one level) of any arm that has that stage, from each arm's seed labels: an
    arm labelled :data:`NO_STAGE` only (a TF-IDF row, an encoder left untrained) does not count. 1 when
    no arm has the stage."""
    counts = [n for n in (sum(1 for s in seeds if s != NO_STAGE) for seeds in labels) if n]
    return min(counts) if counts else 1


def inflate_deviations(y: np.ndarray, axis: int) -> np.ndarray:
    """Scale the deviations along ``axis`` from their mean by √(k/(k − 1)): the bootstrap of k units
    then has the unbiased variance of their mean (no change for one unit)."""
    k = y.shape[axis]
    if k < 2:
        return y
    mean = y.mean(axis=axis, keepdims=True)
    return mean + math.sqrt(k / (k - 1)) * (y - mean)


def finite_replicates(make: Callable[[int], np.ndarray], resamples: int, chunk: int = 1000) -> np.ndarray:
    """``resamples`` finite bootstrap replicates from ``make(size)`` (``size`` replicates at a time, at most
    ``chunk``). A replicate is NaN when its draw leaves the statistic undefined (no unit of an arm, too
    few units to fit a line): it is drawn again, so the interval is over the draws where it exists."""
    out, have, tries = [], 0, 0
    while have < resamples:
        tries += 1
        if tries > 20 * math.ceil(resamples / chunk):
            raise ValueError(f"only {have} of {resamples} bootstrap draws gave a defined statistic: too few units")
        r = np.asarray(make(min(chunk, resamples - have)), dtype=float)
        r = r[np.isfinite(r)]
        out.append(r)
        have += len(r)
    return np.concatenate(out)[:resamples]


def multibootstrap(scores: pd.DataFrame, statistic: Callable[[pd.DataFrame], pd.Series | np.ndarray], *,
                   test: str = "paired multi-bootstrap", clusters: str | None = None, shared_units: bool = False,
                   resamples: int = RESAMPLES, level: float = LEVEL, seed: int = 0) -> Estimate:
    """The estimate of ``statistic`` with its interval, by the hierarchical, paired bootstrap.

    ``scores``: one row per (arm, task, pretrain_seed, finetune_seed, item) with its ``score`` (1/0 for
    a right/wrong prediction, an error, a loss…); ``task``, ``pretrain_seed`` and ``finetune_seed``
    may be left out (one of each). ``clusters``: a column whose values group items that are not
    independent (a verb, a document); whole clusters are resampled. Items are drawn once per task for
    every arm (paired); arms that share their seed labels share their seed draws (paired seeds). With
    ``shared_units``, a unit (item or cluster) of the same label is the same unit in every task (a verb
    in two conditions) and is drawn once for all of them.

    ``statistic(means)`` takes a frame of mean scores, one row per replicate and one column per
    (arm, task) (``means["MN"].mean(axis=1)`` is MN's task average) and returns one value per row.
    """
    df = scores.reset_index(drop=True)
    for col, default in (("task", "all"), ("pretrain_seed", 0), ("finetune_seed", 0)):
        if col not in df:
            df[col] = default
    missing = {"arm", "item", "score"} - set(df.columns)
    if missing:
        raise ValueError(f"scores need the columns {sorted(missing)}")
    if df["score"].isna().any():
        raise ValueError("scores hold NaN")
    if resamples < min_resamples(level):
        raise ValueError(f"{resamples} resamples are too few for a {level:.0%} interval (need {min_resamples(level)})")
    rng = np.random.default_rng(seed)
    units = {}  # task -> how many units (clusters, or items) it has; "_unit": each row's unit
    unit = clusters or "item"
    if shared_units:
        df["_unit"] = pd.factorize(df[unit], sort=True)[0]
        units = dict.fromkeys(df["task"].unique(), int(df["_unit"].max()) + 1)
    for task, g in ([] if shared_units else df.groupby("task", sort=False)):
        codes, uniques = pd.factorize(g[unit], sort=True)
        df.loc[g.index, "_unit"] = codes
        units[task] = len(uniques)
    if clusters and (df.groupby(["task", "item"])[clusters].nunique() > 1).any():
        raise ValueError(f"an item belongs to more than one {clusters!r}")
    df["_unit"] = df["_unit"].astype(np.int64)
    # (arm, task) -> (sums S[p, f, u] and counts N[p, f, u] of the scores per unit, pretrain and finetune labels):
    # items of one unit always share their weight, so a unit's sum and count are all the bootstrap needs
    cells = {}
    for (arm, task), g in df.groupby(["arm", "task"], sort=False):
        ps, fs = sorted(g["pretrain_seed"].unique()), sorted(g["finetune_seed"].unique())
        agg = g.groupby(["pretrain_seed", "finetune_seed", "_unit"])["score"].agg(["sum", "count"])
        idx = pd.MultiIndex.from_product([ps, fs, range(units[task])], names=agg.index.names)
        agg = agg.reindex(idx, fill_value=0).to_numpy().reshape(len(ps), len(fs), units[task], 2)
        cells[arm, task] = (agg[..., 0], agg[..., 1], tuple(ps), tuple(fs))

    def means(unit_w: dict, seed_w: dict, resampled: bool) -> pd.DataFrame:
        out = {}
        for (arm, task), (sums, counts, ps, fs) in cells.items():
            w = unit_w[task]  # [B, U]
            with np.errstate(invalid="ignore", divide="ignore"):  # a draw without any of an arm's units: NaN
                y = np.einsum("bu,pfu->bpf", w, sums) / np.einsum("bu,pfu->bpf", w, counts)
            if resampled:  # (the full sample's means need no scaling: it keeps every mean)
                y = inflate_deviations(inflate_deviations(y, axis=2), axis=1)
            wp, wf = seed_w[ps, fs]  # [B, P], [B, P, F]
            out[arm, task] = np.einsum("bp,bpf,bpf->b", wp, wf, y) / (len(ps) * len(fs))
        return pd.DataFrame(out)

    def draws(size: int, identity: bool) -> tuple[dict, dict]:
        if shared_units:  # one draw of the units for every task
            n = next(iter(units.values()))
            unit_w = dict.fromkeys(units, np.ones((1, n)) if identity else bootstrap_counts(rng, size, n))
        else:
            unit_w = {task: np.ones((1, n)) if identity else bootstrap_counts(rng, size, n) for task, n in units.items()}
        seed_w = {}
        for _, _, ps, fs in cells.values():
            if (ps, fs) in seed_w:
                continue
            seed_w[ps, fs] = ((np.ones((1, len(ps))), np.ones((1, len(ps), len(fs)))) if identity
                              else seed_weights(rng, size, ps, fs))
        return unit_w, seed_w

    value = float(np.asarray(statistic(means(*draws(1, True), False)))[0])
    chunk = int(np.clip(_WEIGHTS_PER_CHUNK // sum(units.values()), 16, 1000))
    reps = finite_replicates(lambda size: statistic(means(*draws(size, False), True)), resamples, chunk)
    present = df.groupby(["arm", "task"])["_unit"].nunique()  # the units (items, clusters) each arm has in each task
    return Estimate.from_replicates(
        value, reps, test=test, level=level, items=int(present.min()),

        pretrain_seeds=seeds_rested_on(ps for _, _, ps, _ in cells.values()),
        finetune_seeds=seeds_rested_on(fs for _, _, _, fs in cells.values()))



def difference(scores: pd.DataFrame, a: str, b: str, tasks: Sequence[str] | None = None, **kw) -> Estimate:
    """Arm ``a``'s mean score minus arm ``b``'s, averaged over ``tasks`` (all by default), paired. Only
    the two arms' rows are bootstrapped: the estimate rests on their seeds, not on other arms'."""
    def stat(m):
        cols = tasks or sorted({t for _, t in m.columns})
        return m[a][list(cols)].mean(axis=1) - m[b][list(cols)].mean(axis=1)

    return multibootstrap(scores[scores["arm"].isin([a, b])], stat,
                          test=kw.pop("test", f"paired multi-bootstrap, {a} − {b}"), **kw)


def mean_score(scores: pd.DataFrame, arm: str, tasks: Sequence[str] | None = None, **kw) -> Estimate:
    """Arm ``arm``'s mean score averaged over ``tasks``, with its interval (on that arm's rows alone)."""
    def stat(m):
        cols = tasks or sorted({t for _, t in m.columns})
        return m[arm][list(cols)].mean(axis=1)

    return multibootstrap(scores[scores["arm"] == arm], stat, test=kw.pop("test", f"multi-bootstrap, mean of {arm}"), **kw)



def chance_held(n_findings: int, alpha: float = ALPHA) -> float:
    """How many "holds" ``n_findings`` would give by chance alone if none were true: each interval
    lies wholly inside a one-sided region with probability at most α/2 when the truth is on its edge."""
    return n_findings * alpha / 2

