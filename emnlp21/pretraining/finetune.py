"""Fine-tuning pre-trained encoders on the suite's tasks; one tidy table of scikit-learn metrics.

Each (model, task, seed) run is cached as a small JSON file keyed by a hash of the model's
configuration, the task's items, the seed, the fine-tuning settings and the training transform, so
chapters that share a model (Sinha's natural-order model is Yamaguchi's MLM model) share its scores.
"""

from __future__ import annotations

import dataclasses
import json
import random
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.nn import functional as F

from ..core.cache import digest, read_or_build
from ..core.paths import cache_dir
from ..core.progress import progress as tqdm
from ..core.runtime import bf16_autocast, resolve_device, seed_everything
from .config import Pretrained
from .modeling import build_encoder
from .optim import training_step
from .tasks import Task

TrainTransform = Callable[[str, random.Random], str]


@dataclass(frozen=True)
class FinetuneConfig:
    """How every (model, task, seed) is fine-tuned: AdamW on all weights, linear warm-up and decay over
    ``max_epochs`` (transformers' schedule), and early stopping on the dev split: after each epoch the
    dev accuracy is measured, training stops after ``patience`` epochs without a gain, and the best
    epoch's weights are the ones tested. The test split is never looked at before that choice."""

    max_epochs: int = 10
    patience: int = 2
    batch_size: int = 32
    lr: float = 1e-3
    warmup: float = 0.1
    weight_decay: float = 0.01
    max_length: int = 64  # per text; a pair gets twice this
    version: int = 2

    def __post_init__(self):
        if self.max_epochs < 1 or self.patience < 1 or self.batch_size < 1 or not self.lr > 0:
            raise ValueError(f"FinetuneConfig needs max_epochs, patience, batch_size >= 1 and lr > 0, got {self}")

    @classmethod
    def from_profile(cls, params) -> "FinetuneConfig":
        """The protocol a notebook's profile section sets (``finetune_max_epochs``, ``finetune_patience``,
        ``finetune_lr``): every chapter that shares a model then shares its fine-tuning cache entries."""
        return cls(max_epochs=params["finetune_max_epochs"], patience=params["finetune_patience"],
                   lr=params["finetune_lr"])

    def replace(self, **changes) -> "FinetuneConfig":
        return dataclasses.replace(self, **changes)


class Classifier(nn.Module):
    """Encoder + a linear layer on the mean of the last hidden states (non-padding tokens).

    Mean pooling rather than [CLS]: small models pre-trained briefly give [CLS] little meaning, and
    the mean is just as blind to order as the encoder itself.
    """

    def __init__(self, encoder: nn.Module, num_labels: int):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.out = nn.Linear(encoder.config.hidden_size, num_labels)

    def forward(self, input_ids, attention_mask, token_type_ids):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                         token_type_ids=token_type_ids).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(h.dtype)
        return self.out(self.dropout((h * m).sum(1) / m.sum(1)))


def _fresh_encoder(model: Pretrained) -> nn.Module:
    encoder = build_encoder(model.config)
    encoder.load_state_dict(model.encoder.state_dict())
    return encoder


def _encode(task_df: pd.DataFrame, tokenizer, pair: bool, max_length: int, transform=None, rng=None):
    a = task_df["text"].tolist()
    b = task_df["text_b"].tolist() if pair else None
    if transform is not None:
        a = [transform(t, rng) for t in a]
        b = [transform(t, rng) for t in b] if pair else None
    enc = tokenizer(a, b, truncation=True, max_length=max_length)
    return enc["input_ids"], enc.get("token_type_ids") or [[0] * len(x) for x in enc["input_ids"]]


def _batches(ids, types, batch_size: int, gen: np.random.Generator | None, pad_id: int):
    """Batches of similar length (sorted in chunks of 50 batches, then shuffled): little padding."""
    order = np.arange(len(ids)) if gen is None else gen.permutation(len(ids))
    chunk = batch_size * 50
    batches = []
    for k in range(0, len(order), chunk):
        part = sorted(order[k:k + chunk], key=lambda i: len(ids[i]))
        batches += [part[j:j + batch_size] for j in range(0, len(part), batch_size)]
    if gen is not None:
        gen.shuffle(batches)
    for batch in batches:
        width = max(len(ids[i]) for i in batch)
        x = torch.full((len(batch), width), pad_id, dtype=torch.long)
        t = torch.zeros((len(batch), width), dtype=torch.long)
        for r, i in enumerate(batch):
            x[r, :len(ids[i])] = torch.tensor(ids[i])
            t[r, :len(types[i])] = torch.tensor(types[i])
        yield batch, x, t


def _predict(clf: Classifier, ids, types, pad_id: int, device, batch_size: int = 128) -> np.ndarray:
    clf.eval()
    preds = np.zeros(len(ids), dtype=np.int64)
    with torch.inference_mode(), bf16_autocast(device):
        for batch, x, t in _batches(ids, types, batch_size, None, pad_id):
            x, t = x.to(device), t.to(device)
            preds[batch] = clf(x, (x != pad_id).long(), t).argmax(-1).cpu().numpy()
    return preds


def scores(labels, preds, num_labels: int = 2) -> dict[str, float]:
    """Accuracy, F1 (binary, or macro for more labels) and Matthews correlation (scikit-learn)."""
    from sklearn.metrics import accuracy_score, f1_score, matthews_corrcoef

    average = "binary" if num_labels == 2 else "macro"
    return {"accuracy": float(accuracy_score(labels, preds)),
            "f1": float(f1_score(labels, preds, average=average, zero_division=0)),
            "mcc": float(matthews_corrcoef(labels, preds))}


def _transform_name(transform) -> str:
    if transform is None:
        return "none"
    import functools

    if isinstance(transform, functools.partial):
        return f"{_transform_name(transform.func)}{transform.args}{sorted(transform.keywords.items())}"
    return f"{getattr(transform, '__module__', '')}.{getattr(transform, '__qualname__', repr(transform))}"


def finetune(model: Pretrained, task: Task, seed: int = 0, *, config: FinetuneConfig = FinetuneConfig(),
             device: str = "auto", train_transform: TrainTransform | None = None) -> dict[str, dict[str, float]]:
    """Fine-tune a copy of ``model``'s encoder on ``task``; return ``{"dev": scores, "test": scores,
    "protocol": {"steps", "best_step", "epochs"}, "predictions": {"test": [label per test item]}}``
    (dev and test scores of the best dev epoch).

    ``train_transform(text, rng)`` rewrites every training text (e.g. shuffles its words) while dev and
    test stay natural (Sinha+ §4.2). The pre-trained model itself is never modified.
    """
    from transformers import get_linear_schedule_with_warmup

    dev = resolve_device(device)
    tok = model.tokenizer
    seed_everything(seed)
    clf = Classifier(_fresh_encoder(model), task.num_labels).to(dev)
    rng = random.Random(seed)
    # a pair gets twice the length of a single text, within the encoder's position table
    max_length = min(config.max_length * (2 if task.pair else 1), model.config.max_positions)
    train_ids, train_types = _encode(task.train, tok, task.pair, max_length, train_transform, rng)
    dev_ids, dev_types = _encode(task.dev, tok, task.pair, max_length)
    dev_labels = task.dev["label"].to_numpy()
    labels = torch.tensor(task.train["label"].to_numpy())
    per_epoch = -(-len(train_ids) // config.batch_size)
    params = [p for p in clf.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    total = config.max_epochs * per_epoch
    sched = get_linear_schedule_with_warmup(opt, max(1, int(config.warmup * total)), total)
    gen = np.random.default_rng(seed)
    best, best_state, best_epoch, epoch = -1.0, None, 0, 0
    for epoch in range(1, config.max_epochs + 1):
        clf.train()
        for batch, x, t in _batches(train_ids, train_types, config.batch_size, gen, tok.pad_token_id):
            x, t = x.to(dev), t.to(dev)
            with bf16_autocast(dev):
                logits = clf(x, (x != tok.pad_token_id).long(), t)
            loss = F.cross_entropy(logits.float(), labels[batch].to(dev))
            training_step(loss, opt, sched, params)
        dev_preds = _predict(clf, dev_ids, dev_types, tok.pad_token_id, dev)
        accuracy = float((dev_preds == dev_labels).mean())
        if accuracy > best:  # the best epoch's dev predictions are kept: its weights would give them again
            best, best_epoch, best_dev = accuracy, epoch, dev_preds
            best_state = {k: v.detach().clone() for k, v in clf.state_dict().items()}
        elif epoch - best_epoch >= config.patience:
            break
    clf.load_state_dict(best_state)
    out = {"dev": scores(dev_labels, best_dev, task.num_labels)}
    test_ids, test_types = _encode(task.test, tok, task.pair, max_length)
    test_preds = _predict(clf, test_ids, test_types, tok.pad_token_id, dev)
    out["test"] = scores(task.test["label"].to_numpy(), test_preds, task.num_labels)
    out["protocol"] = {"steps": float(epoch * per_epoch), "best_step": float(best_epoch * per_epoch),
                       "epochs": float(epoch)}
    out["predictions"] = {"test": test_preds.tolist()}  # per item: paired comparisons resample the same items
    return out


def _result_path(model: Pretrained, task: Task, seed: int, config: FinetuneConfig, transform) -> "Path":  # noqa: F821
    spec = json.dumps([model.config.key(), task.fingerprint, seed, dataclasses.asdict(config),
                       _transform_name(transform)])
    return cache_dir("finetune") / f"{digest(spec)}.json"


def _load_result(path) -> dict:
    result = json.loads(path.read_text())
    if "predictions" not in result:  # written before per-item predictions were kept: rebuilt
        raise ValueError(f"{path} holds no per-item predictions")
    return result


def _runs(models: Mapping[str, Pretrained], tasks: Mapping[str, Task] | Sequence[Task], seeds: Sequence[int],
          config: FinetuneConfig, device: str, train_transform: TrainTransform | None, progress: bool):
    """(name, task, seed, result) for every run, each read from the cache or fine-tuned and cached."""
    task_list = list(tasks.values()) if isinstance(tasks, Mapping) else list(tasks)
    jobs = [(name, m, t, s) for name, m in models.items() for t in task_list for s in seeds]
    for name, m, task, seed in tqdm(jobs, desc="fine-tune", unit="run", disable=not progress):
        result, _ = read_or_build(
            _result_path(m, task, seed, config, train_transform), load=_load_result,
            build=lambda: finetune(m, task, seed, config=config, device=device, train_transform=train_transform),
            dump=lambda r: json.dumps(r).encode())
        yield name, task, seed, result


def finetune_suite(models: Mapping[str, Pretrained], tasks: Mapping[str, Task] | Sequence[Task],
                   seeds: Sequence[int] = (0, 1, 2), *, config: FinetuneConfig = FinetuneConfig(),
                   device: str = "auto", train_transform: TrainTransform | None = None,
                   progress: bool = True) -> pd.DataFrame:
    """Fine-tune every model on every task with every seed (cached per run).

    ``models`` maps a display name to a :class:`Pretrained` (a random-init baseline is
    ``pretrain(config.replace(steps=0), ...)``). Returns a tidy DataFrame with columns model, task,
    seed, split (dev/test; ``protocol`` holds the steps early stopping took), metric (accuracy/f1/mcc;
    steps/best_step/epochs), value. :func:`item_results` gives the same runs item by item.
    """
    rows = [{"model": name, "task": task.name, "seed": seed, "split": split, "metric": metric, "value": value}
            for name, task, seed, result in _runs(models, tasks, seeds, config, device, train_transform, progress)
            for split, values in result.items() if split != "predictions" for metric, value in values.items()]
    return pd.DataFrame(rows, columns=["model", "task", "seed", "split", "metric", "value"])


def item_results(models: Mapping[str, Pretrained], tasks: Mapping[str, Task] | Sequence[Task],
                 seeds: Sequence[int] = (0, 1, 2), *, config: FinetuneConfig = FinetuneConfig(),
                 device: str = "auto", train_transform: TrainTransform | None = None) -> pd.DataFrame:
    """The runs of :func:`finetune_suite` (same arguments, same cache entries) item by item: columns
    model, task, seed, item (position in the test split), correct (0/1), for paired comparisons."""
    frames = []
    for name, task, seed, result in _runs(models, tasks, seeds, config, device, train_transform, False):
        preds = np.asarray(result["predictions"]["test"])
        frames.append(pd.DataFrame({"model": name, "task": task.name, "seed": seed, "item": np.arange(len(preds)),
                                    "correct": (preds == task.test["label"].to_numpy()).astype(np.int8)}))
    return pd.concat(frames, ignore_index=True)


def protocol_steps(results: pd.DataFrame) -> pd.DataFrame:
    """Optimiser steps each (model, task) took under early stopping: mean over seeds of the steps run
    and of the step whose weights were kept."""
    df = results[results["split"] == "protocol"]
    return df.pivot_table(index=["model", "task"], columns="metric", values="value", aggfunc="mean", sort=False)


def summarise(results: pd.DataFrame, split: str = "test") -> pd.DataFrame:
    """Mean and standard deviation over seeds: one row per (model, task, metric)."""
    df = results[results["split"] == split]
    return (df.groupby(["model", "task", "metric"], sort=False)["value"]
              .agg(mean="mean", std="std", seeds="count").reset_index())
