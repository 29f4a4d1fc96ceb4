"""Measurements of the objectives themselves: what a collator changes, a head's accuracy on its own
task, FLOPs and wall time per step, and what each objective does to one sentence."""

from __future__ import annotations

import time
from typing import Sequence

import numpy as np
import pandas as pd
import torch

from ..pretraining.data import special_mask as special_of
from ..pretraining.modeling import PretrainingModel, flops_per_step
from ..pretraining.objectives import IGNORE, Objective, TokenBatch, get_objective
from .objectives import OBJECTIVES, Random, Shuffle, ShuffleRandom, _MaskedClass


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
def objective_predictions(model, rows: torch.Tensor, tokenizer, *, seed: int = 0, batch_size: int = 64,
                          device="cpu") -> pd.DataFrame:
    """A pre-trained model's predictions on its own objective over held-out ``rows`` [N, T], one row per
    labelled token: ``row`` (the packed row it sits in: the unit a collator manipulates, so the cluster
    of a bootstrap), ``gold`` (its label) and ``correct`` (0/1)."""

    model = model.to(device).eval()
    objective = model.objective
    g = torch.Generator().manual_seed(seed)
    frames = []
    for i in range(0, len(rows), batch_size):
        ids = rows[i:i + batch_size]
        batch = objective.make_batch(ids, special_of(ids, tokenizer), tokenizer, g).to(device)
        hidden = model.encoder(input_ids=batch.input_ids, attention_mask=batch.attention_mask).last_hidden_state
        where = batch.labels != IGNORE
        logits = model.head(hidden[where])
        pred = (logits.squeeze(-1) > 0).long() if logits.shape[-1] == 1 else logits.argmax(-1)
        gold = batch.labels[where]
        frames.append(pd.DataFrame({"row": (where.nonzero()[:, 0] + i).cpu().numpy(), "gold": gold.cpu().numpy(),
                                    "correct": (pred == gold).cpu().numpy().astype(np.int8)}))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["row", "gold", "correct"])
    if out.empty:
        raise ValueError("no labelled tokens in the held-out rows: pass packed rows of real text")
    return out


def own_task_summary(predictions: pd.DataFrame) -> dict[str, float]:
    """Accuracy of :func:`objective_predictions`, beside the accuracy of always predicting the most
    frequent label (what the head could get without context), and the number of labelled tokens."""
    return {"accuracy": float(predictions["correct"].mean()),
            "majority": float(predictions["gold"].value_counts(normalize=True).iloc[0]),
            "tokens": int(len(predictions))}


def objective_accuracy(model, rows: torch.Tensor, tokenizer, *, seed: int = 0, batch_size: int = 64,
                       device="cpu") -> dict[str, float]:
    """Accuracy of a pre-trained model on its own objective over held-out ``rows`` [N, T], beside the
    accuracy of always predicting the most frequent label (:func:`own_task_summary`)."""
    return own_task_summary(objective_predictions(model, rows, tokenizer, seed=seed, batch_size=batch_size,
                                                  device=device))


def step_flops(config, tokenizer) -> float:
    """Training FLOPs of one step of ``config``'s objective (the head is where objectives differ)."""

    objective = get_objective(config.objective, config.settings)
    return flops_per_step(config, objective.num_classes(tokenizer), objective.predicted_fraction)


def time_steps(configs: Sequence, tokenizer, rows: torch.Tensor, *, steps: int = 10, warmup: int = 2,
               device="cpu", seed: int = 0) -> pd.DataFrame:
    """Wall time of a training step (collate + forward + backward + AdamW) for each configuration.

    The configurations are timed round-robin, one step each in turn, so a machine whose load drifts
    (a shared CPU) slows them all alike. Returns one row per configuration: objective, the median
    and interquartile range of its step time in milliseconds, and its FLOPs per step; ``attrs["steps_ms"]``
    maps each objective to the times of its timed steps (ms), round by round: the k-th of every list was
    taken in the same round, side by side (:func:`~.verdicts.step_time_ratio` pairs them).
    """

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
    out, samples = [], {}
    for cfg, _, _, _, times in runs:
        ms = np.array(times) * 1e3
        out.append({"objective": cfg.objective, "ms_per_step": float(np.median(ms)),
                    "ms_q25": float(np.percentile(ms, 25)), "ms_q75": float(np.percentile(ms, 75)),
                    "gflops_per_step": step_flops(cfg, tokenizer) / 1e9})
        samples[cfg.objective] = [float(v) for v in ms]
    table = pd.DataFrame(out)
    table.attrs["steps_ms"] = samples
    return table


def example_table(text: str, tokenizer, *, objectives: Sequence[str] = tuple(OBJECTIVES), seed: int = 0,
                  rate: float | None = None) -> pd.DataFrame:
    """What each objective does to one sentence: a row per objective and token position with the
    token the model sees and the label it must predict ("" where there is none)."""

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
