"""Yamaguchi+ 2021: five token-level pre-training objectives as light alternatives to MLM.

Each objective corrupts packed token rows and asks a single linear layer over the last hidden state
to classify every (or every masked) token into a handful of classes, instead of MLM's softmax over
the whole vocabulary. Importing this module registers them with the pre-training toolkit, so
``cfg.replace(objective="shuffle_random")`` trains one.

Choices follow the authors' code (light-transformer-emnlp2021), with three documented differences:

* Shuffle moves the chosen tokens along one random cycle *among themselves* (their code draws from
  one random permutation of the whole row), so a row keeps its multiset of tokens and every chosen
  position receives another position's token.
* A shuffled position whose token equals the one it replaced (two "the" swapped) is labelled
  *original*: the label says what the input shows, not what the collator attempted.
* Random replacements are drawn from the non-special vocabulary and never equal the original token;
  binary labels are on every real, non-special token (their code also labels [CLS]/[SEP] as 0).

Labels (as in their code): Shuffle+Random 0 original / 1 shuffled / 2 random; Token Type 0 content /
1 stop word / 2 digit / 3 punctuation; First Char 0–25 a–z / 26 punctuation / 27 digit / 28 other.
Shuffle and Random use one logit with a binary cross-entropy, as theirs do.
"""

from __future__ import annotations

import time
import unicodedata
from functools import lru_cache
from typing import Sequence

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.nn import functional as F

from .pretraining.objectives import IGNORE, Objective, TokenBatch, register_objective

# Objective keys in the order of the paper's tables, with the paper's labels.
LABELS = {
    "mlm": "MLM",
    "shuffle": "Shuffle",
    "random": "Random",
    "shuffle_random": "Shuffle+Random",
    "token_type": "Token Type",
    "first_char": "First Char",
}
TOKEN_TYPES = ("content", "stop word", "digit", "punctuation")
FIRST_CHAR_CLASSES = tuple("abcdefghijklmnopqrstuvwxyz") + ("punctuation", "digit", "other")
PUNCT, DIGIT, OTHER = 26, 27, 28

PAPER_SOURCE = ("Yamaguchi+ 2021 (EMNLP), abstract and §5; talk slide 20 (NL研 2021-12-03)",
                "Yamaguchi+ 2021（EMNLP），概要と §5，講演スライド 20（NL研 2021-12-03）")


def _check_rate(name: str, value: float) -> None:
    if not 0 < value < 1:
        raise ValueError(f"{name}={value!r} must be a fraction strictly between 0 and 1 (the paper uses 0.15 or 0.10).")


# --------------------------------------------------------------------------- token classes

def _piece(token: str) -> str:
    """The characters of a WordPiece token ("##ing" → "ing")."""
    return token[2:] if token.startswith("##") and len(token) > 2 else token


def _is_punctuation(text: str) -> bool:
    # Unicode punctuation and symbols ($, +, §): the pieces BERT's pre-tokenizer splits off alone.
    return bool(text) and all(unicodedata.category(c)[0] in "PS" for c in text)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop-word list (the authors used NLTK's; spaCy is in our environment)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def token_type(token: str) -> int:
    """0 content, 1 stop word, 2 digit, 3 punctuation (later checks win, as in the authors' code).

    Stop words are whole words only: the continuation piece "##as" is not the word "as".
    """
    text = _piece(token)
    label = 0
    if not token.startswith("##") and text.lower() in stop_words():
        label = 1
    if text.isdigit():
        label = 2
    if _is_punctuation(text):
        label = 3
    return label


def first_char_class(token: str) -> int:
    """0–25 for a first letter a–z (accents stripped, any case), 26 punctuation, 27 digit, 28 other."""
    text = _piece(token)
    if _is_punctuation(text):
        return PUNCT
    if text.isdigit():
        return DIGIT
    first = unicodedata.normalize("NFKD", text[:1].lower())[:1]
    return ord(first) - ord("a") if "a" <= first <= "z" else OTHER


def _vocabulary(tokenizer) -> list[str]:
    return tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))


def class_table(tokenizer, classify) -> torch.Tensor:
    """``classify(token)`` for every id of the vocabulary, as a LongTensor lookup table [V].
    Special tokens get -100: they are never labelled."""
    table = torch.tensor([classify(t) for t in _vocabulary(tokenizer)], dtype=torch.long)
    table[sorted(tokenizer.all_special_ids)] = IGNORE
    return table


# --------------------------------------------------------------------------- manipulations

def _real(input_ids: torch.Tensor, special_mask: torch.Tensor) -> torch.Tensor:
    if input_ids.shape != special_mask.shape:
        raise ValueError(f"input_ids {tuple(input_ids.shape)} and special_mask {tuple(special_mask.shape)} differ in shape")
    return ~special_mask


def choose(shape, rate: float, allowed: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Each allowed position independently with probability ``rate`` (a Bernoulli mask)."""
    return (torch.rand(shape, generator=generator) < rate) & allowed


def shuffle_among(input_ids: torch.Tensor, chosen: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Move the tokens at the ``chosen`` positions of each row along one random cycle among themselves.

    Every chosen position receives the token of another chosen position of the same row (a row with
    a single chosen position keeps it); all other positions are untouched; each row keeps its
    multiset. Vectorised: sort the chosen positions into a random order, then rotate by one.
    """
    B, T = input_ids.shape
    position = torch.arange(T).expand(B, T)
    # Chosen positions first, in random order; the rest after, in position order.
    keys = torch.where(chosen, torch.rand((B, T), generator=generator), 1.0 + position / T)
    order = keys.argsort(dim=1)
    n = chosen.sum(dim=1, keepdim=True)
    k = torch.arange(T).expand(B, T)
    source_rank = torch.where(k < n - 1, k + 1, torch.where(k == n - 1, torch.zeros_like(k), k))
    source = order.gather(1, source_rank)
    out = input_ids.clone()
    out.scatter_(1, order, input_ids.gather(1, source))
    return out


def random_tokens(input_ids: torch.Tensor, n_special: int, vocab_size: int,
                  generator: torch.Generator) -> torch.Tensor:
    """A random non-special id at every position, never equal to the token already there."""
    if vocab_size - n_special < 2:
        raise ValueError("random replacement needs at least two non-special tokens in the vocabulary")
    r = torch.randint(n_special, vocab_size - 1, input_ids.shape, generator=generator)
    # Skip over the original id: uniform over the other non-special ids.
    return r + (r >= input_ids).long() * (input_ids >= n_special).long()


# --------------------------------------------------------------------------- objectives

class _Binary(Objective):
    """One logit per token and a binary cross-entropy over every labelled token (the authors' heads)."""

    predicted_fraction = 1.0

    def __init__(self, rate: float = 0.15):
        _check_rate("rate", rate)
        super().__init__(rate=rate)
        self.rate = rate

    def num_classes(self, tokenizer) -> int:
        return 1

    def loss(self, head: nn.Module, hidden: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        where = labels != IGNORE
        logits = head(hidden[where]).squeeze(-1)
        return F.binary_cross_entropy_with_logits(logits.float(), labels[where].float())


class Shuffle(_Binary):
    """``rate`` of the real tokens are shuffled among themselves; every real token is labelled
    1 (its token changed) or 0."""

    name = "shuffle"

    def make_batch(self, input_ids, special_mask, tokenizer, generator):
        real = _real(input_ids, special_mask)
        out = shuffle_among(input_ids, choose(input_ids.shape, self.rate, real, generator), generator)
        labels = torch.where(real, (out != input_ids).long(), IGNORE)
        return TokenBatch(out, labels, (input_ids != tokenizer.pad_token_id).long())


class Random(_Binary):
    """``rate`` of the real tokens are replaced by a different random token; labels 1 replaced / 0."""

    name = "random"

    def make_batch(self, input_ids, special_mask, tokenizer, generator):
        real = _real(input_ids, special_mask)
        replaced = choose(input_ids.shape, self.rate, real, generator)
        rand = random_tokens(input_ids, len(tokenizer.all_special_ids), len(tokenizer), generator)
        out = torch.where(replaced, rand, input_ids)
        labels = torch.where(real, replaced.long(), IGNORE)
        return TokenBatch(out, labels, (input_ids != tokenizer.pad_token_id).long())


class ShuffleRandom(Objective):
    """``rate`` of the real tokens shuffled, then ``rate`` of the rest replaced at random;
    three classes on every real token: 0 original, 1 shuffled, 2 random."""

    name = "shuffle_random"
    predicted_fraction = 1.0

    def __init__(self, rate: float = 0.10):
        _check_rate("rate", rate)
        super().__init__(rate=rate)
        self.rate = rate

    def num_classes(self, tokenizer) -> int:
        return 3

    def make_batch(self, input_ids, special_mask, tokenizer, generator):
        real = _real(input_ids, special_mask)
        shuffled = choose(input_ids.shape, self.rate, real, generator)
        out = shuffle_among(input_ids, shuffled, generator)
        replaced = choose(input_ids.shape, self.rate, real & ~shuffled, generator)
        rand = random_tokens(input_ids, len(tokenizer.all_special_ids), len(tokenizer), generator)
        out = torch.where(replaced, rand, out)
        labels = torch.where(replaced, 2, (out != input_ids).long())
        labels = torch.where(real, labels, IGNORE)
        return TokenBatch(out, labels, (input_ids != tokenizer.pad_token_id).long())


class _MaskedClass(Objective):
    """``rate`` of the real tokens always become [MASK]; the head predicts a class of the hidden token."""

    classify = staticmethod(token_type)
    classes: tuple[str, ...] = ()

    def __init__(self, rate: float = 0.15):
        _check_rate("rate", rate)
        super().__init__(rate=rate)
        self.rate = rate
        self.predicted_fraction = rate
        self._tables: dict[tuple[int, int], torch.Tensor] = {}

    def num_classes(self, tokenizer) -> int:
        return len(self.classes)

    def table(self, tokenizer) -> torch.Tensor:
        key = (id(tokenizer), len(tokenizer))  # built once per tokenizer: one pass over the vocabulary
        if key not in self._tables:
            self._tables[key] = class_table(tokenizer, self.classify)
        return self._tables[key]

    def make_batch(self, input_ids, special_mask, tokenizer, generator):
        masked = choose(input_ids.shape, self.rate, _real(input_ids, special_mask), generator)
        labels = torch.where(masked, self.table(tokenizer)[input_ids], IGNORE)
        out = torch.where(masked, tokenizer.mask_token_id, input_ids)
        return TokenBatch(out, labels, (input_ids != tokenizer.pad_token_id).long())


class TokenType(_MaskedClass):
    name = "token_type"
    classify = staticmethod(token_type)
    classes = TOKEN_TYPES


class FirstChar(_MaskedClass):
    name = "first_char"
    classify = staticmethod(first_char_class)
    classes = FIRST_CHAR_CLASSES


OBJECTIVES = {cls.name: cls for cls in (Shuffle, Random, ShuffleRandom, TokenType, FirstChar)}
for _name, _cls in OBJECTIVES.items():
    register_objective(_name, _cls)


# --------------------------------------------------------------------------- measurements

def manipulation_rates(batch: TokenBatch, original: torch.Tensor, special_mask: torch.Tensor) -> dict[str, float]:
    """Shares of the real tokens that were changed, and that carry each label: to check a collator."""
    real = ~special_mask
    n = real.sum().item()
    out = {"changed": ((batch.input_ids != original) & real).sum().item() / n,
           "labelled": ((batch.labels != IGNORE) & real).sum().item() / n}
    for value in batch.labels[batch.labels != IGNORE].unique().tolist():
        out[f"label={value}"] = (batch.labels == value).sum().item() / n
    return out


@torch.no_grad()
def objective_accuracy(model, rows: torch.Tensor, tokenizer, *, seed: int = 0, batch_size: int = 64,
                       device="cpu") -> dict[str, float]:
    """Accuracy of a pre-trained model on its own objective over held-out ``rows`` [N, T], beside the
    accuracy of always predicting the most frequent label (what the head could get without context)."""
    from .pretraining.data import special_mask as special_of

    model = model.to(device).eval()
    objective = model.objective
    g = torch.Generator().manual_seed(seed)
    correct = total = 0
    counts: dict[int, int] = {}
    for i in range(0, len(rows), batch_size):
        ids = rows[i:i + batch_size]
        batch = objective.make_batch(ids, special_of(ids, tokenizer), tokenizer, g).to(device)
        hidden = model.encoder(input_ids=batch.input_ids, attention_mask=batch.attention_mask).last_hidden_state
        where = batch.labels != IGNORE
        logits = model.head(hidden[where])
        pred = (logits.squeeze(-1) > 0).long() if logits.shape[-1] == 1 else logits.argmax(-1)
        gold = batch.labels[where]
        correct += (pred == gold).sum().item()
        total += gold.numel()
        for v, c in zip(*gold.unique(return_counts=True)):
            counts[int(v)] = counts.get(int(v), 0) + int(c)
    if total == 0:
        raise ValueError("no labelled tokens in the held-out rows: pass packed rows of real text")
    return {"accuracy": correct / total, "majority": max(counts.values()) / total, "tokens": total}


def step_flops(config, tokenizer) -> float:
    """Training FLOPs of one step of ``config``'s objective (the head is where objectives differ)."""
    from .pretraining.modeling import flops_per_step
    from .pretraining.objectives import get_objective

    objective = get_objective(config.objective, config.settings)
    return flops_per_step(config, objective.num_classes(tokenizer), objective.predicted_fraction)


def time_steps(configs: Sequence, tokenizer, rows: torch.Tensor, *, steps: int = 10, warmup: int = 2,
               device="cpu", seed: int = 0) -> pd.DataFrame:
    """Wall time of a training step (collate + forward + backward + AdamW) for each configuration.

    The configurations are timed round-robin, one step each in turn, so a machine whose load drifts
    (a shared CPU) slows them all alike. Returns one row per configuration: objective, the median
    and interquartile range of its step time in milliseconds, and its FLOPs per step.
    """
    from .pretraining.data import special_mask as special_of
    from .pretraining.modeling import PretrainingModel

    if len(rows) < configs[0].batch_size:
        raise ValueError(f"time_steps needs at least batch_size={configs[0].batch_size} rows, got {len(rows)}")
    torch.manual_seed(seed)
    runs = []
    for cfg in configs:
        model = PretrainingModel.from_config(cfg, tokenizer).to(device).train()
        opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=cfg.lr)
        runs.append((cfg, model, opt, torch.Generator().manual_seed(seed), []))
    batch_rows = rows[:configs[0].batch_size]
    special = special_of(batch_rows, tokenizer)
    for step in range(warmup + steps):
        for cfg, model, opt, g, times in runs:
            if device != "cpu" and torch.cuda.is_available():
                torch.cuda.synchronize()
            start = time.perf_counter()
            batch = model.objective.make_batch(batch_rows, special, tokenizer, g).to(device)
            loss = model(batch.input_ids, batch.attention_mask, batch.labels)
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
            if device != "cpu" and torch.cuda.is_available():
                torch.cuda.synchronize()
            if step >= warmup:
                times.append(time.perf_counter() - start)
    out = []
    for cfg, _, _, _, times in runs:
        ms = np.array(times) * 1e3
        out.append({"objective": cfg.objective, "ms_per_step": float(np.median(ms)),
                    "ms_q25": float(np.percentile(ms, 25)), "ms_q75": float(np.percentile(ms, 75)),
                    "gflops_per_step": step_flops(cfg, tokenizer) / 1e9})
    return pd.DataFrame(out)


# --------------------------------------------------------------------------- for the chapter

def example_table(text: str, tokenizer, *, objectives: Sequence[str] = tuple(OBJECTIVES), seed: int = 0,
                  rate: float | None = None) -> pd.DataFrame:
    """What each objective does to one sentence: a row per objective and token position with the
    token the model sees and the label it must predict ("" where there is none)."""
    from .pretraining.data import special_mask as special_of
    from .pretraining.objectives import get_objective

    ids = torch.tensor([tokenizer(text)["input_ids"]])
    special = special_of(ids, tokenizer)
    original = tokenizer.convert_ids_to_tokens(ids[0].tolist())
    out = []
    for name in objectives:
        objective = get_objective(name, {"rate": rate} if rate else None)
        batch = objective.make_batch(ids, special, tokenizer, torch.Generator().manual_seed(seed))
        seen = tokenizer.convert_ids_to_tokens(batch.input_ids[0].tolist())
        for pos, (orig, tok, lab) in enumerate(zip(original, seen, batch.labels[0].tolist())):
            out.append({"objective": name, "position": pos, "original": orig, "input": tok,
                        "label": "" if lab == IGNORE else _label_name(objective, lab, tokenizer)})
    return pd.DataFrame(out)


def _label_name(objective: Objective, label: int, tokenizer) -> str:
    if isinstance(objective, _MaskedClass):
        return objective.classes[label]
    if isinstance(objective, ShuffleRandom):
        return ("original", "shuffled", "random")[label]
    if isinstance(objective, Shuffle):
        return ("original", "shuffled")[label]
    if isinstance(objective, Random):
        return ("original", "random")[label]
    return tokenizer.convert_ids_to_tokens(label)  # MLM: the token to recover


# --------------------------------------------------------------------------- tables and figures

NO_PRETRAINING = "none"
REFERENCES = ("tf-idf", "majority")  # the toolkit's reference rows (pretraining.reference_scores)
_OTHER_LABELS = {NO_PRETRAINING: ("No pre-training", "事前学習なし"),
                 "tf-idf": ("TF-IDF + logistic regression", "TF-IDF + ロジスティック回帰"),
                 "majority": ("Majority class", "多数派クラス")}


def label(name: str, lang: str = "en") -> str:
    if name in _OTHER_LABELS:
        return _OTHER_LABELS[name][lang == "ja"]
    return LABELS.get(name, name)


def tidy_scores(results: pd.DataFrame, *, split: str = "test", metric: str = "accuracy") -> pd.DataFrame:
    """The fine-tuning suite's tidy results as one row per model, task and seed with a ``score`` in
    points (0–100, as GLUE reports them)."""
    need = {"model", "task", "seed", "split", "metric", "value"}
    if not need <= set(results.columns):
        raise ValueError(f"fine-tuning results need columns {sorted(need)} (pretraining.finetune_suite's), "
                         f"got {list(results.columns)}")
    out = results[(results.split == split) & (results.metric == metric)]
    if out.empty:
        raise ValueError(f"no {metric!r} scores on split {split!r}; present: "
                         f"{sorted(set(zip(results.split, results.metric)))}")
    return out.assign(score=out.value * 100)[["model", "task", "seed", "score"]].reset_index(drop=True)


def average_by_seed(scores: pd.DataFrame, by=("model",)) -> pd.DataFrame:
    """The task average per model and seed (a seed's GLUE-style average), then its mean and std."""
    per_seed = scores.groupby([*by, "seed"]).score.mean().reset_index()
    return per_seed.groupby(list(by)).score.agg(["mean", "std", "count"]).reset_index()


def score_table(scores: pd.DataFrame, lang: str, order: Sequence[str]) -> pd.DataFrame:
    """Objective × task, mean ± std over seeds, and the average over tasks (per seed, then mean ± std)."""
    cell = scores.groupby(["model", "task"]).score.agg(["mean", "std"])
    fmt = lambda m, s: f"{m:.1f} ± {0 if np.isnan(s) else s:.1f}"  # noqa: E731
    table = cell.apply(lambda r: fmt(r["mean"], r["std"]), axis=1).unstack("task")
    avg = average_by_seed(scores).set_index("model")
    table["Avg" if lang == "en" else "平均"] = [fmt(avg.loc[m, "mean"], avg.loc[m, "std"]) for m in table.index]
    table = table.reindex([m for m in order if m in table.index])
    table.index = [label(m, lang) for m in table.index]
    table.index.name = "objective" if lang == "en" else "目的関数"
    return table


def finetune_with_checkpoints(models: dict, untrained, tasks, checkpoint_steps: Sequence[int], *,
                              seeds: Sequence[int], config, device: str = "auto") -> pd.DataFrame:
    """Fine-tune ``models`` (objective name → the toolkit's Pretrained, kept with ``save_at``), their
    checkpoints at ``checkpoint_steps`` (named ``name@step``) and the ``untrained`` encoder
    (:data:`NO_PRETRAINING`) on ``tasks``; the :func:`tidy_scores` that :func:`compute_curve` reads."""
    from .pretraining import finetune_suite, load_checkpoint

    contenders = {NO_PRETRAINING: untrained, **models}
    for step in checkpoint_steps:
        contenders.update({f"{n}@{step}": load_checkpoint(m, step) for n, m in models.items()})
    return tidy_scores(finetune_suite(contenders, tasks, seeds=tuple(seeds), device=device, config=config))


def compute_curve(averages: pd.DataFrame, flops: dict[str, float], steps: Sequence[int]) -> pd.DataFrame:
    """Points (model, step, pflops, mean, std) of the downstream average against pre-training compute.

    ``averages`` is :func:`average_by_seed` indexed by model name, where a checkpoint of objective
    ``name`` at ``step`` is named ``name@step``, the final model ``name`` (at ``max(steps)``) and the
    untrained encoder :data:`NO_PRETRAINING` (at step 0 for every objective); ``flops`` maps each
    objective to its FLOPs per step."""
    final = max(steps)
    points = []
    for name, per_step in flops.items():
        for step in [0, *sorted(steps)]:
            key = NO_PRETRAINING if step == 0 else (name if step == final else f"{name}@{step}")
            points.append({"model": name, "step": step, "pflops": step * per_step / 1e15,
                           "mean": averages.loc[key, "mean"], "std": averages.loc[key, "std"]})
    return pd.DataFrame(points)


def seed_margin(scores: pd.DataFrame, a: str, b: str, n_items: int) -> float:
    """The least difference (points) of the task averages of models ``a`` and ``b`` that counts: twice
    its standard error from the spread over seeds and the binomial noise of ``n_items`` test items."""
    from .book.evidence import difference_margin

    per_seed = scores.groupby(["model", "seed"]).score.mean() / 100
    return 100 * difference_margin(per_seed[a].to_numpy(), per_seed[b].to_numpy(), n_items)


def own_task_controls(own_task: pd.DataFrame, objectives: Sequence[str]) -> list:
    """One positive control per objective: its head beats always answering the most frequent label on
    held-out text (:func:`objective_accuracy` rows), by more than the binomial noise of the tokens."""
    from .book.evidence import Control, counts_differ

    out = []
    for name in objectives:
        r = own_task.set_index("objective").loc[name]
        n = int(r["tokens"])
        better = r["accuracy"] > r["majority"] and counts_differ(round(r["accuracy"] * n), n, round(r["majority"] * n), n)[0]
        out.append(Control(f"{label(name)} above its own-task majority on held-out text",
                           f"{label(name)} が取り分けたテキストで自身のタスクの多数派を上回る", bool(better)))
    return out


def add_downstream_claims(claims, scores: pd.DataFrame, objectives: Sequence[str], *, near_points: float,
                          n_items: int, controls: Sequence = (), curve: pd.DataFrame | None = None,
                          prefix: str = "yamaguchi", setting: tuple[str, str] = ("", "")) -> None:
    """The fine-tuning claims, judged on one setting's :func:`tidy_scores` (``scores``; the final models,
    checkpoints ``name@step`` and :data:`NO_PRETRAINING`): Shuffle+Random near MLM, every objective
    above no pre-training and, given a compute ``curve`` with intermediate checkpoints, Shuffle+Random
    not measurably below MLM at every checkpoint. Differences count beyond :func:`seed_margin`;
    ``controls`` (positive controls, e.g. :func:`own_task_controls`) gate every claim."""
    from .book.evidence import Control

    avg = average_by_seed(scores).set_index("model")["mean"]
    mlm, sr, floor = avg["mlm"], avg["shuffle_random"], avg[NO_PRETRAINING]
    en_tail, ja_tail = (f" {setting[0]}" if setting[0] else ""), setting[1]
    mlm_margin = seed_margin(scores, "mlm", NO_PRETRAINING, n_items)
    claims.add(
        f"{prefix}.shuffle-random-near-mlm",
        en=f"Shuffle+Random reaches MLM's fine-tuning average within {near_points:g} points (or beats it), "
           f"where MLM itself beats no pre-training beyond the noise{en_tail}.",
        ja=f"Shuffle+Random の fine-tuning 平均は MLM との差が {near_points:g} 点以内（または上回る）。"
           f"ただし MLM 自体が事前学習なしをノイズ以上に上回ること{ja_tail}。",
        paper=("comparable or better than MLM on GLUE (BERT-base)", "GLUE で MLM と同等以上（BERT-base）"),
        source=PAPER_SOURCE,
        # "Near MLM" says nothing when MLM is itself at the no-pre-training floor: both would be at chance.
        ours=(f"S+R {sr:.1f} vs MLM {mlm:.1f} (Δ {sr - mlm:+.1f}); MLM − no pre-training {mlm - floor:+.1f} "
              f"(margin {mlm_margin:.1f})",
              f"S+R {sr:.1f}，MLM {mlm:.1f}（差 {sr - mlm:+.1f}），MLM − 事前学習なし {mlm - floor:+.1f}"
              f"（必要な差 {mlm_margin:.1f}）"),
        holds=bool(sr >= mlm - near_points), kind="finding",
        controls=[*controls, Control(f"MLM above no pre-training by {mlm_margin:.1f} points",
                                     f"MLM が事前学習なしを {mlm_margin:.1f} 点上回る", bool(mlm - floor > mlm_margin))],
        numbers={"shuffle_random": sr, "mlm": mlm, "no_pretraining": floor, "mlm_margin": mlm_margin})
    margins = {n: seed_margin(scores, n, NO_PRETRAINING, n_items) for n in objectives}
    claims.add(
        f"{prefix}.all-beat-no-pretraining",
        en=f"Every pre-training objective beats the randomly initialised encoder on the fine-tuning average, "
           f"beyond the noise{en_tail}.",
        ja=f"どの事前学習目的関数も，fine-tuning 平均でランダム初期化のエンコーダをノイズ以上に上回る{ja_tail}。",
        paper=("all objectives outperform no pre-training (GLUE tables)", "どの目的関数も事前学習なしを上回る（GLUE の表）"),
        source=PAPER_SOURCE,
        ours=(", ".join(f"{label(n)} {avg[n] - floor:+.1f} (±{margins[n]:.1f})" for n in objectives) + f" over {floor:.1f}",
              f"{floor:.1f} に対し " + "，".join(f"{label(n)} {avg[n] - floor:+.1f}（±{margins[n]:.1f}）" for n in objectives)),
        holds=bool(all(avg[n] - floor > margins[n] for n in objectives)), controls=list(controls),
        numbers={**{n: avg[n] - floor for n in objectives}, **{f"margin_{n}": m for n, m in margins.items()}})
    if curve is None:
        return
    inner = curve[(curve.step > 0) & (curve.step < curve.step.max())]
    if inner.empty:
        return
    at = inner.pivot(index="step", columns="model", values="mean")
    ahead = at["shuffle_random"] - at["mlm"]
    step_margin = {s: seed_margin(scores, f"shuffle_random@{s}", f"mlm@{s}", n_items) for s in ahead.index}
    claims.add(
        f"{prefix}.shuffle-random-more-efficient",
        en=f"At every intermediate checkpoint (same data seen), Shuffle+Random's fine-tuning average is not "
           f"measurably below MLM's{en_tail}.",
        ja=f"どの途中チェックポイントでも（同じデータ量で），Shuffle+Random の fine-tuning 平均は MLM を"
           f"ノイズを超えて下回らない{ja_tail}。",
        paper=("Shuffle+Random is more data- and compute-efficient than MLM", "Shuffle+Random は MLM よりデータ・計算効率が高い"),
        source=PAPER_SOURCE,
        ours=(", ".join(f"step {s}: {d:+.1f} (±{step_margin[s]:.1f})" for s, d in ahead.items()) + " (S+R − MLM)",
              "，".join(f"{s} ステップ：{d:+.1f}（±{step_margin[s]:.1f}）" for s, d in ahead.items()) + "（S+R − MLM）"),
        holds=bool(all(d > -step_margin[s] for s, d in ahead.items())), controls=list(controls),
        numbers={**{f"step_{s}": d for s, d in ahead.items()}, **{f"margin_{s}": m for s, m in step_margin.items()}})


def draw_step_cost(timing: pd.DataFrame, lang: str):
    import matplotlib.pyplot as plt

    from .book import tr

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    names = [label(n, lang) for n in timing.objective]
    axes[0].barh(names, timing.gflops_per_step, color="C0")
    axes[0].set_xlabel(tr(lang, "GFLOPs per training step", "1 ステップの学習 GFLOPs"))
    err = [timing.ms_per_step - timing.ms_q25, timing.ms_q75 - timing.ms_per_step]
    axes[1].barh(names, timing.ms_per_step, xerr=err, color="C1")
    axes[1].set_xlabel(tr(lang, "wall time per step (ms, median, IQR)", "1 ステップの実時間 (ms，中央値と四分位範囲)"))
    axes[1].set_yticklabels([])
    for ax in axes:
        ax.invert_yaxis()
    fig.tight_layout()
    return fig


def draw_pretraining_curves(logs: dict[str, pd.DataFrame], lang: str):
    """Loss per step, one panel per objective (their losses are on different scales)."""
    import matplotlib.pyplot as plt

    from .book import tr

    n = len(logs)
    fig, axes = plt.subplots(1, n, figsize=(2.4 * n, 2.6), sharex=True)
    for ax, (name, log) in zip(np.atleast_1d(axes), logs.items()):
        ax.plot(log.step, log.loss, color="C3")
        ax.set_title(label(name, lang), fontsize=10)
        ax.set_xlabel(tr(lang, "step", "ステップ"))
    np.atleast_1d(axes)[0].set_ylabel(tr(lang, "training loss", "学習損失"))
    fig.tight_layout()
    return fig


def draw_compute_curve(curve: pd.DataFrame, lang: str):
    """Downstream average (mean ± std over seeds) against pre-training compute, one line per objective."""
    import matplotlib.pyplot as plt

    from .book import tr

    # the largest unit in which the biggest budget is at least 1 (a CPU profile spends TFLOPs, not PFLOPs)
    scale, unit = next(((f, u) for f, u in ((1, "PFLOPs"), (1e3, "TFLOPs"), (1e6, "GFLOPs"))
                        if curve.pflops.max() * f >= 1), (1e6, "GFLOPs"))
    fig, ax = plt.subplots(figsize=(6.2, 3.8))
    for i, (name, part) in enumerate(curve.groupby("model", sort=False)):
        part = part.sort_values("pflops")
        ax.errorbar(part.pflops * scale, part["mean"], yerr=part["std"].fillna(0), marker="o", capsize=3,
                    label=label(name, lang), color=f"C{i}")
    ax.set_xlabel(tr(lang, f"pre-training compute ({unit})", f"事前学習の計算量 ({unit})"))
    ax.set_ylabel(tr(lang, "fine-tuning average (points)", "fine-tuning 平均 (点)"))
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig
