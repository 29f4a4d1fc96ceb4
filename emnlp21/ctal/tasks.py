"""Fine-tuning CTAL and its baselines on the three tasks, and the tasks' metrics.

Emotion: 4-way cross-entropy, WA (accuracy) and UA (mean per-class recall), cross-validated over
speaker groups. Sentiment: L1 regression of a score in [-3, 3]; as the released ``m2p_finetune.py``
measures it, Acc2 and weighted F1 on the sign over the non-zero labels only, MAE and Pearson r over
all. When the regression collapses to (nearly) one value, a second head is trained on the sign with
cross-entropy and reported beside it as ``Acc2_sign``/``F1_sign``, never in place of it. Speaker
verification: a speaker classifier on seen speakers; the held-out speakers' h_fuse embeddings are
compared by cosine similarity, and the EER is read off the full ROC (every
threshold: :func:`weighted_eer`, which also gives it under bootstrap weights of the pairs).

:func:`evaluate` runs one (variant, task, seed) and caches its metrics, with the run's test outcomes
item by item (:func:`evaluate_run`: each emotion utterance's prediction across the folds, each
sentiment test item's score, each verification pair's cosine with the test utterances' speakers), as
a small JSON file under
``cache_dir("ctal", "finetune")``, keyed by a hash of everything that determines them: the variant's
configuration, the fine-tuning and audio settings, the data set's key (which includes its
normalisation), the tokenizer, and the cache key of the pre-trained model it starts from. The file
is written atomically; an unreadable or inconsistent one is recomputed.
"""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from ..core.cache import digest, read_or_build
from ..core.paths import cache_dir
from ..pretraining.fingerprints import tokenizer_fingerprint
from ..pretraining.optim import training_step
from .data import EMOTION_POLARITY, EMOTIONS, SpeechSet
from .model import CTAL, CTALConfig
from .text import TextModel, TextStates, check_frozen
from .train import AudioConfig, batches, build, collate, param_groups, to_device

FINETUNE_VERSION = "ctal-finetune-4"  # 4: per-item outcomes, EER over every threshold; 3: emotion VA; 2: text-model stream
TASKS = ("emotion", "sentiment", "verification")

# name → (config changes, which pre-trained model to start from or None)
VARIANTS = {
    "CTAL (pre-trained)": ({}, "ctal"),
    "CTAL (no pre-training)": ({}, None),
    "text only": ({"modality": "text"}, "ctal"),  # the pre-trained language stream alone
    "audio only": ({"modality": "audio", "cross_attention": False}, "audio"),  # MAM pre-trained, no text
    "concat fusion (MDRE-like)": ({"fusion": "concat", "cross_attention": False}, None),
}


# ---- metrics -------------------------------------------------------------------------------------

def weighted_eer(same: np.ndarray, scores: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """EER of pair ``scores`` (higher: more likely the same speaker) under each row of pair ``weights``
    ([replicates, pairs]; None: every pair once). The ROC is swept over every distinct score (as
    scikit-learn's ``roc_curve(drop_intermediate=False)``); the EER is the mean of the false-acceptance
    and false-rejection rates at the threshold where they are closest. NaN for a row without both kinds of pair."""
    same, scores = np.asarray(same, bool), np.asarray(scores, float)
    if same.shape != scores.shape or same.ndim != 1:
        raise ValueError(f"same {same.shape} and scores {scores.shape} must be equal 1-d arrays")
    w = np.ones((1, len(same))) if weights is None else np.atleast_2d(np.asarray(weights, float))
    order = np.argsort(-scores, kind="stable")
    s, t, w = scores[order], same[order], w[:, order]
    last = np.r_[s[1:] != s[:-1], True]  # one ROC point per distinct score, after all its ties
    tp, fp = np.cumsum(w * t, axis=1)[:, last], np.cumsum(w * ~t, axis=1)[:, last]
    with np.errstate(invalid="ignore", divide="ignore"):
        fpr, fnr = fp / fp[:, -1:], 1 - tp / tp[:, -1:]
    fpr, fnr = np.hstack([np.zeros((len(w), 1)), fpr]), np.hstack([np.ones((len(w), 1)), fnr])  # nothing accepted
    gap = np.abs(fnr - fpr)
    bad = ~np.isfinite(gap).all(axis=1)
    i = np.argmin(np.where(np.isfinite(gap), gap, np.inf), axis=1)
    rows = np.arange(len(w))
    eer = (fpr[rows, i] + fnr[rows, i]) / 2
    eer[bad] = np.nan
    return eer


def equal_error_rate(same: np.ndarray, scores: np.ndarray) -> float:
    """EER: the error rate where false acceptances equal false rejections (:func:`weighted_eer`, every pair once)."""
    same = np.asarray(same).astype(bool)
    if same.min() == same.max():
        raise ValueError("EER needs both same-speaker and different-speaker pairs.")
    return float(weighted_eer(same, scores)[0])


def pair_scores(emb: np.ndarray, speakers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cosine similarity and same-speaker flag for every unordered pair of utterances."""
    e = emb / np.linalg.norm(emb, axis=1, keepdims=True).clip(1e-12)
    i, j = np.triu_indices(len(e), k=1)
    return (speakers[i] == speakers[j]), np.einsum("nd,nd->n", e[i], e[j])


def emotion_metrics(y, pred) -> dict[str, float]:
    """WA (accuracy) and UA (mean per-class recall) of the four emotions, and VA: the share of predictions
    with the right valence (the text's polarity, :data:`.data.EMOTION_POLARITY`), all that text can know."""
    from sklearn.metrics import accuracy_score, balanced_accuracy_score

    y, pred = np.asarray(y), np.asarray(pred)
    valence = np.array([EMOTION_POLARITY[e] for e in EMOTIONS])
    return {"WA": accuracy_score(y, pred), "UA": balanced_accuracy_score(y, pred),
            "VA": accuracy_score(valence[y], valence[pred])}


def sentiment_metrics(y, pred) -> dict[str, float]:
    """Acc2 and weighted F1 of the sign on the non-zero labels (m2p_finetune.py), MAE and Pearson r on all."""
    from scipy.stats import pearsonr
    from sklearn.metrics import accuracy_score, f1_score

    y, pred = np.asarray(y, float), np.asarray(pred, float)
    if y.shape != pred.shape or not len(y):
        raise ValueError(f"labels {y.shape} and predictions {pred.shape} must be equal, non-empty 1-d arrays")
    nz = y != 0
    if not nz.any():
        raise ValueError("Acc2 needs at least one non-zero label")
    corr = pearsonr(y, pred).statistic if np.std(pred) > 0 else 0.0
    return {"Acc2": accuracy_score(y[nz] > 0, pred[nz] > 0), "F1": f1_score(y[nz] > 0, pred[nz] > 0, average="weighted"),
            "MAE": float(np.abs(y - pred).mean()), "Corr": float(corr)}


def collapsed(pred, y) -> bool:
    """A regression that says (nearly) one thing: predictions spread under 5 % of the labels', or one sign
    for at least 95 % of the items."""
    pred, y = np.asarray(pred, float), np.asarray(y, float)
    return bool(np.std(pred) < 0.05 * np.std(y) or max((pred > 0).mean(), (pred <= 0).mean()) >= 0.95)


# ---- fine-tuning ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CTALFinetuneConfig:
    epochs: int = 6
    batch_size: int = 16
    lr: float = 3e-4
    warmup: float = 0.1  # fraction of the steps with a linear warm-up, then cosine decay
    orthogonality: float = 0.1  # weight of |cos(text, audio)| (the paper's orthogonal regulariser)
    seed: int = 0
    text_lr: float | None = None  # the language stream's learning rate; None = lr


def make_variant(name: str, base: CTALConfig, pretrained: dict[str, CTAL], text: TextModel, seed: int = 0) -> CTAL:
    """The variant's model: from its pre-trained CTAL, or (no CTAL pre-training) with the language
    stream from the text model and everything else initialised from ``seed``."""
    changes, start = VARIANTS[name]
    model = build(replace(base, **changes), text, seed)
    if start is not None:
        if start not in pretrained:
            raise KeyError(f"variant {name!r} starts from the pre-trained model {start!r}; pass it in `pretrained`.")
        src = pretrained[start].state_dict()
        own = model.state_dict()
        model.load_state_dict({k: v for k, v in src.items() if k in own and own[k].shape == v.shape}, strict=False)
    return model


class TaskModel(nn.Module):
    def __init__(self, ctal: CTAL, outputs: int):
        super().__init__()
        self.ctal, self.head = ctal, nn.Linear(ctal.cfg.hidden, outputs)

    def forward(self, batch):
        h, t, a = self.ctal(batch["input_ids"], batch["attention_mask"], batch["frames"], batch["frame_mask"],
                            batch.get("text_states"))
        ortho = F.cosine_similarity(t[0], a[0], dim=-1).abs().mean() if (t is not None and a is not None) else h.new_zeros(())
        return self.head(h), h, ortho


def finetune(ctal: CTAL, train: SpeechSet, target: np.ndarray, loss: str, outputs: int, tokenizer,
             settings: CTALFinetuneConfig = CTALFinetuneConfig(), audio: AudioConfig = AudioConfig(),
             *, states: TextStates | None = None, device="cpu") -> TaskModel:
    """Train ``ctal`` + a linear head on ``train`` (``loss``: "ce" or "l1"); AdamW, cosine schedule.
    ``states``: the frozen language stream's states (required when ``settings.text_lr`` is 0)."""
    from transformers import get_cosine_schedule_with_warmup

    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    model = TaskModel(copy.deepcopy(ctal), outputs)
    check_frozen(model.ctal, settings.text_lr, states)
    model = model.to(device).train()
    opt = torch.optim.AdamW(param_groups(model, settings.lr, settings.text_lr, 0.01))
    steps = settings.epochs * len(batches(len(train), settings.batch_size))
    sched = get_cosine_schedule_with_warmup(opt, int(settings.warmup * steps), max(steps, 1))
    y = torch.as_tensor(np.array(target))  # a copy: pandas may hand out a read-only view
    lengths = [len(f) for f in train.features]
    for _ in range(settings.epochs):
        for idx in batches(len(train), settings.batch_size, rng, lengths):
            batch = to_device(collate(train, idx, tokenizer, audio, max_text_len=ctal.cfg.max_text_len,
                                      states=states), device)
            out, _, ortho = model(batch)
            yb = y[idx].to(device)
            task = F.cross_entropy(out, yb.long()) if loss == "ce" else F.l1_loss(out.squeeze(-1), yb.float())
            total = task + settings.orthogonality * ortho
            training_step(total, opt, sched, model.parameters())
    return model.eval()


@torch.no_grad()
def predict(model: TaskModel, ds: SpeechSet, tokenizer, audio: AudioConfig = AudioConfig(), *,
            states: TextStates | None = None, batch_size: int = 32, device="cpu") -> tuple[np.ndarray, np.ndarray]:
    """(head outputs, h_fuse embeddings) for every utterance of ``ds``."""
    model.eval()
    outs, embs = [], []
    for idx in batches(len(ds), batch_size):
        batch = to_device(collate(ds, idx, tokenizer, audio, max_text_len=model.ctal.cfg.max_text_len,
                                  states=states), device)
        out, h, _ = model(batch)
        outs.append(out.float().cpu().numpy())
        embs.append(h.float().cpu().numpy())
    return np.concatenate(outs), np.concatenate(embs)


def run_emotion(ctal: CTAL, ds: SpeechSet, tokenizer, settings=CTALFinetuneConfig(), audio=AudioConfig(), *,
                folds: int | None = None, states: TextStates | None = None, device="cpu",
                items: dict | None = None) -> dict[str, float]:
    """Cross-validation over speaker groups: each group is the test set once; WA, UA and VA averaged.
    ``items`` (a dict, filled in): ``item`` (each test utterance's position in ``ds``) and ``pred``."""
    groups = sorted(ds.table.group.unique())[: folds or None]
    scores, where, preds = [], [], []
    for g in groups:
        test = (ds.table.group == g).to_numpy()
        tr = ds.subset(~test)
        m = finetune(ctal, tr, tr.table.label.to_numpy(), "ce", len(EMOTIONS), tokenizer, settings, audio,
                     states=states, device=device)
        out, _ = predict(m, ds.subset(test), tokenizer, audio, states=states, device=device)
        scores.append(emotion_metrics(ds.table.label[test], out.argmax(1)))
        where.append(np.flatnonzero(test)), preds.append(out.argmax(1))
    if items is not None:
        items |= {"item": np.concatenate(where).tolist(), "pred": np.concatenate(preds).astype(int).tolist()}
    return pd.DataFrame(scores).mean().to_dict()


def run_sentiment(ctal: CTAL, ds: SpeechSet, tokenizer, settings=CTALFinetuneConfig(), audio=AudioConfig(), *,
                  states: TextStates | None = None, device="cpu", items: dict | None = None) -> dict[str, float]:
    """Train on the train split, score the test split. ``items`` (a dict, filled in): ``item`` (each test
    item's position in ``ds``), ``pred`` (the regression's score, clipped to [-3, 3]) and, where the
    regression collapsed, ``pred_sign`` (the sign head's ±1)."""
    tr, te = ds.subset(ds.table.split == "train"), ds.subset(ds.table.split == "test")
    m = finetune(ctal, tr, tr.table.score.to_numpy(np.float32), "l1", 1, tokenizer, settings, audio, states=states,
                 device=device)
    out, _ = predict(m, te, tokenizer, audio, states=states, device=device)
    pred = out[:, 0].clip(-3, 3)
    result = sentiment_metrics(te.table.score, pred) | {"collapsed": float(collapsed(pred, te.table.score))}
    per_item = {"item": np.flatnonzero((ds.table.split == "test").to_numpy()).tolist(), "pred": pred.astype(float).tolist()}
    if result["collapsed"]:  # the sign as a classification, reported beside the regression's
        m = finetune(ctal, tr, (tr.table.score > 0).to_numpy(np.int64), "ce", 2, tokenizer, settings, audio,
                     states=states, device=device)
        out, _ = predict(m, te, tokenizer, audio, states=states, device=device)
        sign = np.where(out.argmax(1) == 1, 1.0, -1.0)
        result |= {k + "_sign": v for k, v in sentiment_metrics(te.table.score, sign).items() if k in ("Acc2", "F1")}
        per_item["pred_sign"] = sign.tolist()
    if items is not None:
        items |= per_item
    return result


def run_verification(ctal: CTAL, ds: SpeechSet, tokenizer, settings=CTALFinetuneConfig(), audio=AudioConfig(), *,
                     real: SpeechSet | None = None, states: TextStates | None = None,
                     device="cpu", items: dict | None = None) -> dict[str, float]:
    """Speaker classification on seen speakers, then EER on pairs of held-out speakers' utterances
    (and, with ``real``, on pairs of the real clips: ``EER_real``). ``items`` (a dict, filled in):
    ``speaker`` (each test utterance's speaker id) and ``cos`` (every pair's cosine, in the order of
    :func:`pair_scores`), from which :func:`pair_frame` rebuilds the pairs."""
    tr, te = ds.subset(ds.table.split == "train"), ds.subset(ds.table.split == "test")
    classes = {s: i for i, s in enumerate(sorted(tr.table.speaker_id.unique()))}
    m = finetune(ctal, tr, tr.table.speaker_id.map(classes).to_numpy(), "ce", len(classes), tokenizer, settings,
                 audio, states=states, device=device)
    _, emb = predict(m, te, tokenizer, audio, states=states, device=device)
    speakers = te.table.speaker_id.to_numpy()
    same, cos = pair_scores(emb, speakers)
    result = {"EER": equal_error_rate(same, cos)}
    if items is not None:
        items |= {"speaker": speakers.astype(int).tolist(), "cos": cos.astype(float).tolist()}
    if real is not None:
        _, emb = predict(m, real, tokenizer, audio, states=states, device=device)
        result["EER_real"] = equal_error_rate(*pair_scores(emb, real.table.speaker.to_numpy()))
    return result


def pair_frame(speakers, cos) -> pd.DataFrame:
    """The pairs of :func:`pair_scores` (``cos`` in its order) with each utterance's speaker: columns
    a, b (speaker ids), same, cos."""
    speakers = np.asarray(speakers)
    i, j = np.triu_indices(len(speakers), k=1)
    cos = np.asarray(cos, float)
    if len(cos) != len(i):
        raise ValueError(f"{len(cos)} cosines for {len(speakers)} utterances ({len(i)} pairs)")
    return pd.DataFrame({"a": speakers[i], "b": speakers[j], "same": speakers[i] == speakers[j], "cos": cos})


RUNNERS = {"emotion": run_emotion, "sentiment": run_sentiment, "verification": run_verification}
ITEM_FIELDS = {"emotion": {"item", "pred"}, "sentiment": {"item", "pred"}, "verification": {"speaker", "cos"}}


def result_key(variant: str, task: str, base: CTALConfig, ds: SpeechSet, tokenizer, settings: CTALFinetuneConfig,
               audio: AudioConfig, pretrained_key: str | None, folds: int | None,
               real_key: str | None = None) -> tuple[str, dict]:
    """(hash, the specification it hashes) of one fine-tuning result."""
    changes, _ = VARIANTS[variant]
    spec = {"version": FINETUNE_VERSION, "variant": variant, "task": task,
            "model": replace(base, **changes).as_dict(), "settings": asdict(settings), "audio": asdict(audio),
            "data": ds.key, "tokenizer": tokenizer_fingerprint(tokenizer), "pretrained": pretrained_key,
            "folds": folds if task == "emotion" else None, "real": real_key if task == "verification" else None}
    return digest(json.dumps(spec, sort_keys=True)), spec


def _read_result(path, spec) -> dict:
    entry = json.loads(path.read_text(encoding="utf-8"))
    if entry["spec"] != json.loads(json.dumps(spec)):
        raise ValueError(f"{path} was computed for other settings")
    result = {str(k): float(v) for k, v in entry["result"].items()}
    if not result or not all(np.isfinite(list(result.values()))):
        raise ValueError(f"{path} holds no finite result")
    items = entry.get("items")
    if not isinstance(items, dict) or not ITEM_FIELDS[spec["task"]] <= set(items):
        raise ValueError(f"{path} holds no per-item outcomes")
    if spec["task"] == "verification":
        n = len(items["speaker"])
        ok = len(items["cos"]) == n * (n - 1) // 2
    else:
        ok = len(items["item"]) == len(items["pred"]) > 0
    if not ok:
        raise ValueError(f"{path} holds inconsistent per-item outcomes")
    return {"result": result, "items": items}


def evaluate_run(variant: str, task: str, base: CTALConfig, pretrained: dict[str, CTAL], ds: SpeechSet, text: TextModel,
                 settings: CTALFinetuneConfig = CTALFinetuneConfig(), audio: AudioConfig = AudioConfig(), *,
                 folds: int | None = None, real: SpeechSet | None = None, states: TextStates | None = None,
                 device="cpu") -> dict:
    """Fine-tune ``variant`` on ``task`` (from ``pretrained`` where the variant starts from a pre-trained
    model, else with the language stream from ``text``) and return ``{"result": the task's metrics,
    "items": its test outcomes item by item}`` (the runners' ``items``), from the cache when it has
    them. ``real``: real clips whose pairs verification also scores; ``states``: the frozen language
    stream's states (required when ``settings.text_lr`` is 0; the cache key holds that rate and the
    stream's weights, which determine them)."""
    if task not in RUNNERS:
        raise ValueError(f"task must be one of {TASKS}, not {task!r}")
    _, start = VARIANTS[variant]
    pkey = None
    if start is not None:
        if start not in pretrained:
            raise KeyError(f"variant {variant!r} starts from the pre-trained model {start!r}; pass it in `pretrained`.")
        pkey = getattr(pretrained[start], "pretrain_key", None)
        if pkey is None:
            raise ValueError(f"the pre-trained model {start!r} has no pretrain_key (use train.pretrain()); "
                             "without it the fine-tuning result cannot be cached safely.")
    tokenizer = text.tokenizer
    key, spec = result_key(variant, task, base, ds, tokenizer, settings, audio, pkey, folds,
                           None if real is None else real.key)
    kwargs = {"folds": folds} if task == "emotion" else ({"real": real} if task == "verification" and real else {})

    def run() -> dict:
        model = make_variant(variant, base, pretrained, text, settings.seed)
        items: dict = {}
        result = {k: float(v) for k, v in RUNNERS[task](model, ds, tokenizer, settings, audio, states=states,
                                                        device=device, items=items, **kwargs).items()}
        return {"result": result, "items": items}

    out, _ = read_or_build(cache_dir("ctal", "finetune") / f"{task}-{key}.json",
                           load=lambda path: _read_result(path, spec), build=run,
                           dump=lambda r: json.dumps({"spec": spec, **r}).encode("utf-8"))
    return out


def evaluate(variant: str, task: str, base: CTALConfig, pretrained: dict[str, CTAL], ds: SpeechSet, text: TextModel,
             settings: CTALFinetuneConfig = CTALFinetuneConfig(), audio: AudioConfig = AudioConfig(), *,
             folds: int | None = None, real: SpeechSet | None = None, states: TextStates | None = None,
             device="cpu") -> dict[str, float]:
    """The task's metrics of :func:`evaluate_run` (the same cache entry)."""
    return evaluate_run(variant, task, base, pretrained, ds, text, settings, audio, folds=folds, real=real,
                        states=states, device=device)["result"]
