"""Held-out evaluation of a masked language model against the unigram floor it must get past.

A model that has learned only word frequencies predicts every masked token with the training
text's unigram distribution; its loss is the unigram cross-entropy of the held-out tokens. Both
numbers are computed here on *the same* masked positions of the same held-out rows, so their
difference is what the model learned from context.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
from torch.nn import functional as F

from .data import pack_sequences, special_mask, tokenize_corpus
from .objectives import IGNORE, MLM

EVAL_SEED = 1234  # one masking of the held-out rows, the same for every model


def unigram_log_probs(token_ids: Sequence[Sequence[int]], vocab_size: int) -> torch.Tensor:
    """Add-one smoothed log-probabilities of each vocabulary id in ``token_ids`` (training text)."""
    flat = np.fromiter((i for ids in token_ids for i in ids), dtype=np.int64)
    counts = np.bincount(flat, minlength=vocab_size).astype(np.float64) + 1.0
    return torch.from_numpy(np.log(counts / counts.sum()))


@dataclass(frozen=True)
class HeldoutBatches:
    """Held-out rows, masked once (:data:`EVAL_SEED`), as the MLM objective masks training rows."""

    input_ids: torch.Tensor
    labels: torch.Tensor
    attention_mask: torch.Tensor

    @property
    def n_predicted(self) -> int:
        return int((self.labels != IGNORE).sum())


def heldout_batches(sentences: Sequence[str], tokenizer, seq_len: int, *, max_tokens: int = 65_536,
                    seed: int = EVAL_SEED) -> HeldoutBatches:
    """About ``max_tokens`` of ``sentences`` packed in rows of ``seq_len`` (as the model was trained),
    masked with BERT's 15 % / 80-10-10 rule."""
    rows = pack_sequences(tokenize_corpus(sentences, tokenizer), seq_len, cls_id=tokenizer.cls_token_id,
                          sep_id=tokenizer.sep_token_id, pad_id=tokenizer.pad_token_id)
    # rows spread evenly over the whole held-out text, so every source is represented as it is there
    rows = rows[np.unique(np.linspace(0, len(rows) - 1, min(len(rows), max(1, max_tokens // seq_len))).astype(int))]
    if not len(rows):
        raise ValueError("no held-out text to evaluate on: pass a non-empty list of sentences")
    batch = MLM().make_batch(rows, special_mask(rows, tokenizer), tokenizer, torch.Generator().manual_seed(seed))
    return HeldoutBatches(batch.input_ids, batch.labels, batch.attention_mask)


def unigram_loss(batches: HeldoutBatches, log_probs: torch.Tensor) -> float:
    """Mean −log p_unigram(token) over the masked positions: the loss of a model that knows only
    how frequent each token is in the training text."""
    labels = batches.labels[batches.labels != IGNORE]
    return float(-log_probs[labels].mean())


@torch.inference_mode()
def mlm_loss(encoder, head, batches: HeldoutBatches, *, batch_size: int = 128, device="cpu") -> float:
    """Mean cross-entropy of an MLM (``encoder`` + vocabulary ``head``) on the masked positions."""
    was_training = encoder.training
    encoder.eval()
    total, count = 0.0, 0
    for k in range(0, len(batches.input_ids), batch_size):
        ids, mask, labels = (t[k:k + batch_size].to(device) for t in
                             (batches.input_ids, batches.attention_mask, batches.labels))
        hidden = encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        where = labels != IGNORE
        total += float(F.cross_entropy(head(hidden[where]).float(), labels[where], reduction="sum"))
        count += int(where.sum())
    encoder.train(was_training)
    return total / count


def heldout_report(pretrained, heldout: Sequence[str], train: Sequence[str], *, max_tokens: int = 65_536,
                   device="cpu") -> dict[str, float]:
    """Held-out MLM loss of ``pretrained`` (an MLM-objective :class:`~.config.Pretrained`) beside the
    unigram cross-entropy of the same masked tokens under the ``train`` text's token frequencies, in
    nats; ``gain`` = unigram − loss is what the model learned beyond word frequencies."""
    if pretrained.config.objective != "mlm":
        raise ValueError(f"held-out MLM loss needs an MLM model, not objective {pretrained.config.objective!r}")
    tok = pretrained.tokenizer
    batches = heldout_batches(heldout, tok, pretrained.config.seq_len, max_tokens=max_tokens)
    uni = unigram_loss(batches, unigram_log_probs(tokenize_corpus(train, tok), len(tok)))
    model = pretrained.model.to(device)
    loss = mlm_loss(model.encoder, model.head, batches, device=device)
    return {"heldout_loss": loss, "unigram_entropy": uni, "gain": uni - loss, "masked_tokens": batches.n_predicted}


# --- two forms at one [MASK]: the zero-shot agreement probes (Sinha+'s grammar, Wei+) -----------

def whole_word_ids(tokenizer, forms: Sequence[str]) -> dict[str, int]:
    """The vocabulary id of every form that is a single token of ``tokenizer`` (others are left out:
    comparing one token's probability with a multi-token form's would not be fair)."""
    vocab = tokenizer.get_vocab()
    return {f: vocab[f] for f in forms if f in vocab}


@torch.no_grad()
def mask_logits(pretrained, masked: Sequence[str], candidate_ids: Sequence[int], *, batch_size: int = 128,
                device: str | torch.device = "cpu") -> np.ndarray:
    """Logits of ``candidate_ids`` at the single ``[MASK]`` of each sentence: float32 [N, K].

    ``pretrained`` is the toolkit's :class:`~emnlp21.pretraining.Pretrained` (an MLM encoder + head).
    Comparing two candidates' logits is comparing their log-probabilities (same softmax).
    """
    tok, model = pretrained.tokenizer, pretrained.model
    model.eval().to(device)
    cand = torch.as_tensor(list(candidate_ids), dtype=torch.long, device=device)
    out = []
    for i in range(0, len(masked), batch_size):
        enc = tok(list(masked[i:i + batch_size]), padding=True, truncation=True,
                  max_length=model.encoder.config.max_position_embeddings, return_tensors="pt").to(device)
        where = enc["input_ids"] == tok.mask_token_id
        n_masks = where.sum(dim=1)
        if not torch.all(n_masks == 1):
            bad = masked[i + int(torch.nonzero(n_masks != 1)[0, 0])]
            raise ValueError(f"each sentence needs exactly one {tok.mask_token} (after truncation), got: {bad!r}")
        hidden = model.encoder(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
        logits = model.head(hidden[where])
        out.append(logits[:, cand].float().cpu().numpy())
    return np.concatenate(out) if out else np.zeros((0, len(cand)), dtype=np.float32)


def score_forms(items, pretrained, **kw):
    """Which of two forms the MLM prefers at the ``[MASK]`` of ``items["masked"]``: adds ``margin``
    (logit of ``correct`` − logit of ``wrong``) and ``error`` (wrong scored ≥ correct) to a copy of ``items``."""
    forms = sorted(set(items["correct"]) | set(items["wrong"]))
    ids = whole_word_ids(pretrained.tokenizer, forms)
    missing = [f for f in forms if f not in ids]
    if missing:
        raise ValueError(f"forms not in the vocabulary as single tokens: {missing[:10]}; filter the items first")
    col = {f: j for j, f in enumerate(forms)}
    logits = mask_logits(pretrained, items["masked"].tolist(), [ids[f] for f in forms], **kw)
    rows = np.arange(len(items))
    out = items.copy()
    out["margin"] = logits[rows, items["correct"].map(col)] - logits[rows, items["wrong"].map(col)]
    out["error"] = (out["margin"] <= 0).astype(float)
    return out


@torch.inference_mode()
def pseudo_log_likelihood(pretrained, sentences: Sequence[str], *, batch_size: int = 512, device="cpu") -> np.ndarray:
    """Each sentence's pseudo-log-likelihood (Salazar+ 2020): the sum over its tokens of
    log p(token | the sentence with that one token masked), in nats. One row per (sentence, position),
    batched; a sentence is cut to the model's position table."""
    tok = pretrained.tokenizer
    model = pretrained.model.to(device).eval()
    limit = pretrained.config.max_positions - 2
    encoded = [ids[:limit] for ids in tokenize_corpus(sentences, tok)]
    rows, owner, targets, where = [], [], [], []
    for s, ids in enumerate(encoded):
        full = [tok.cls_token_id, *ids, tok.sep_token_id]
        for k in range(1, len(full) - 1):
            masked = list(full)
            masked[k] = tok.mask_token_id
            rows.append(masked)
            owner.append(s)
            targets.append(full[k])
            where.append(k)
    total = np.zeros(len(encoded))
    for i in range(0, len(rows), batch_size):
        chunk = rows[i:i + batch_size]
        width = max(len(r) for r in chunk)
        ids = torch.full((len(chunk), width), tok.pad_token_id, dtype=torch.long)
        for r, row in enumerate(chunk):
            ids[r, :len(row)] = torch.tensor(row)
        ids = ids.to(device)
        hidden = model.encoder(input_ids=ids, attention_mask=(ids != tok.pad_token_id).long()).last_hidden_state
        pos = torch.tensor(where[i:i + batch_size], device=device)
        logp = torch.log_softmax(model.head(hidden[torch.arange(len(chunk), device=device), pos]).float(), -1)
        gold = torch.tensor(targets[i:i + batch_size], device=device)
        np.add.at(total, owner[i:i + batch_size], logp.gather(1, gold[:, None]).squeeze(1).cpu().numpy())
    return total
