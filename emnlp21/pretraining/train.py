"""The pre-training loop and its checkpoint cache: the same configuration is trained once, then loaded."""

from __future__ import annotations

import contextlib
import json
import math
import shutil
import time
from pathlib import Path
from typing import Sequence

import pandas as pd
import torch

from ..core.cache import build_lock
from ..core.progress import progress as tqdm
from ..core.runtime import bf16_autocast, resolve_device, seed_everything
from . import cache, distributed
from .config import PretrainConfig, Pretrained
from .data import pack_sequences, special_mask, tokenize_corpus
from .evaluate import unigram_log_probs
from .fingerprints import text_fingerprint, tokenizer_fingerprint
from .modeling import PretrainingModel
from .optim import linear_warmup_decay, param_groups, training_step
from .tokenizer import load_tokenizer

MODEL_FILE, CONFIG_FILE, TOKENIZER_FILE, LOG_FILE = "model.safetensors", "config.json", "tokenizer.json", "log.csv"


def _checkpoint_name(step: int) -> str:
    return f"step-{step:07d}.safetensors"


def load_checkpoint(pretrained: Pretrained, step: int) -> Pretrained:
    """The model of an intermediate checkpoint of ``pretrained`` (kept with ``save_at``), as a
    :class:`Pretrained` whose log stops at that step. Loaded with safetensors (no pickle)."""
    from safetensors.torch import load_file

    if step not in pretrained.checkpoints:
        kept = sorted(pretrained.checkpoints)
        raise KeyError(f"no checkpoint at step {step}; kept: {kept}. Pre-train with save_at=[..., {step}].")
    model = PretrainingModel.from_config(pretrained.config, pretrained.tokenizer)
    model.load_state_dict(load_file(pretrained.checkpoints[step]))
    model.eval()
    # The fine-tuning cache is keyed by the configuration: give the checkpoint its own key, which no
    # trained configuration can have (a run with steps=step would differ in its learning-rate schedule).
    config = pretrained.config.replace(library_version=f"{pretrained.config.library_version}@step{step}")
    log = pretrained.log[pretrained.log.step <= step].reset_index(drop=True) if pretrained.log is not None else None
    return Pretrained(model, pretrained.tokenizer, log, config, pretrained.path, True, {})


def load_pretrained(config: PretrainConfig, tokenizer=None, *, save_at: Sequence[int] = ()) -> Pretrained | None:
    """The cached model of ``config``, or None when there is no valid entry (missing, corrupted,
    or lacking one of the intermediate checkpoints in ``save_at``)."""
    from safetensors.torch import load_file

    folder = cache.entry_dir(config.key())
    if not folder.is_dir():
        return None
    if not cache.is_valid(folder) or any(not (folder / _checkpoint_name(s)).is_file() for s in save_at):
        return None
    stored = PretrainConfig.from_dict(json.loads((folder / CONFIG_FILE).read_text()))
    if stored != config:
        return None
    tokenizer = tokenizer or load_tokenizer(folder / TOKENIZER_FILE)
    model = PretrainingModel.from_config(config, tokenizer)
    model.load_state_dict(load_file(folder / MODEL_FILE))
    model.eval()
    checkpoints = {int(p.stem.split("-")[1]): p for p in folder.glob("step-*.safetensors")}
    return Pretrained(model, tokenizer, pd.read_csv(folder / LOG_FILE), config, folder, True, checkpoints)


def _optimizer(model: torch.nn.Module, config: PretrainConfig, device: torch.device):
    groups = param_groups(model, config.lr, config.weight_decay, decay_norms=False)
    return torch.optim.AdamW(groups, lr=config.lr, betas=(0.9, 0.98), eps=1e-6, fused=device.type == "cuda")


def _save(folder: Path, model, tokenizer, config: PretrainConfig, log: pd.DataFrame) -> None:
    from safetensors.torch import save_file

    save_file({k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}, folder / MODEL_FILE)
    (folder / CONFIG_FILE).write_text(json.dumps(config.as_dict(), indent=1))
    (folder / TOKENIZER_FILE).write_text(tokenizer.backend_tokenizer.to_str())
    log.to_csv(folder / LOG_FILE, index=False)


def pretrain(config: PretrainConfig, sentences: Sequence[str], tokenizer, *, device: str = "auto",
             progress: bool = True, save_at: Sequence[int] = (), compile: bool = False,
             log_every: int | None = None, force: bool = False) -> Pretrained:
    """Pre-train the model that ``config`` describes on ``sentences``, or load it from the cache.

    ``sentences`` and ``tokenizer`` must be the ones the configuration was made for
    (:meth:`PretrainConfig.for_corpus`); their fingerprints are checked. ``save_at`` lists steps at
    which the model's weights are also kept (compute-efficiency curves). On CUDA the loop runs in
    bf16 autocast, optionally ``torch.compile``d; the device never changes the cache key. Under
    ``torchrun`` the ranks share each global batch (:mod:`.distributed`); rank 0 writes the entry.
    """
    if text_fingerprint(sentences) != config.corpus_fingerprint:
        raise ValueError("These sentences are not the ones the configuration was made for (corpus fingerprint "
                         "differs). Build it with PretrainConfig.for_corpus(corpus_id, sentences, tokenizer).")
    if tokenizer_fingerprint(tokenizer) != config.tokenizer_fingerprint or len(tokenizer) != config.vocab_size:
        raise ValueError("This tokenizer is not the one the configuration was made for; build the configuration "
                         "with PretrainConfig.for_corpus(corpus_id, sentences, tokenizer).")
    bad = [s for s in save_at if not 0 < s <= config.steps]
    if bad:
        raise ValueError(f"save_at steps {bad} are outside 1..{config.steps}")
    if not force and (found := load_pretrained(config, tokenizer, save_at=save_at)) is not None:
        return found
    # One process trains an entry while another that asks for it waits (chapters run side by side);
    # under torchrun the ranks train it together, unlocked.
    with contextlib.nullcontext() if distributed.active() else build_lock(cache.entry_dir(config.key())):
        if not force and (found := load_pretrained(config, tokenizer, save_at=save_at)) is not None:
            return found
        return _train(config, sentences, tokenizer, device, progress, save_at, compile, log_every)


def _train(config: PretrainConfig, sentences: Sequence[str], tokenizer, device: str, progress: bool,
           save_at: Sequence[int], compile: bool, log_every: int | None) -> Pretrained:
    dev = resolve_device(device)
    distributed.init(dev)
    distributed.check_batch(config.batch_size)
    seed_everything(config.seed)
    model = PretrainingModel.from_config(config, tokenizer).to(dev)
    token_ids = tokenize_corpus(sentences, tokenizer)
    model.objective.init_head(model.head, unigram_log_probs(token_ids, len(tokenizer)))
    rows = pack_sequences(token_ids, config.seq_len, cls_id=tokenizer.cls_token_id,
                          sep_id=tokenizer.sep_token_id, pad_id=tokenizer.pad_token_id)
    specials = special_mask(rows, tokenizer)
    gen = torch.Generator().manual_seed(config.seed)
    optimizer = _optimizer(model, config, dev)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, linear_warmup_decay(config.steps, config.warmup))
    step_fn = distributed.wrap(model, dev)
    step_fn = torch.compile(step_fn) if compile and dev.type == "cuda" else step_fn
    log_every = log_every or max(1, config.steps // 100)
    save_at = set(save_at)

    records, order, cursor, tokens, running, n_running = [], torch.empty(0, dtype=torch.long), 0, 0, 0.0, 0
    model.train()
    start = time.perf_counter()
    # rank 0 writes the entry; the other ranks write nothing (no folder)
    with cache.EntryWriter(config.key()) if distributed.is_main() else contextlib.nullcontext() as folder:
        for step in tqdm(range(1, config.steps + 1), desc=f"pre-train {config.objective}", disable=not progress):
            if cursor + config.batch_size > len(order):  # a new epoch: every row once, in a fresh order
                order, cursor = torch.randperm(len(rows), generator=gen), 0
            idx = order[cursor:cursor + config.batch_size]
            cursor += config.batch_size
            whole = model.objective.make_batch(rows[idx], specials[idx], tokenizer, gen)
            batch, weight = distributed.shard(whole)  # this rank's rows (all of them in one process)
            batch = batch.to(dev)
            with bf16_autocast(dev):
                loss = step_fn(batch.input_ids, batch.attention_mask, batch.labels) * weight
            training_step(loss, optimizer, scheduler, model.parameters(), clip_norm=config.clip_norm)
            tokens += int(whole.attention_mask.sum())
            running += loss.detach() / distributed.world_size()
            n_running += 1
            if step % log_every == 0 or step == config.steps:
                value = float(distributed.reduce_sum(running)) / n_running
                if not math.isfinite(value):
                    raise FloatingPointError(f"pre-training loss became {value} at step {step}; lower lr={config.lr}.")
                records.append({"step": step, "loss": value, "tokens": tokens,
                                "seconds": time.perf_counter() - start, "lr": scheduler.get_last_lr()[0]})
                running, n_running = 0.0, 0
            if step in save_at and distributed.is_main():
                from safetensors.torch import save_file

                save_file({k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()},
                          folder / _checkpoint_name(step))
        log = pd.DataFrame(records, columns=["step", "loss", "tokens", "seconds", "lr"])
        model.eval()
        if distributed.is_main():
            _save(folder, model, tokenizer, config, log)
    distributed.barrier()  # the entry is in place: the other ranks load rank 0's files
    if not distributed.is_main():
        found = load_pretrained(config, tokenizer, save_at=save_at)
        if found is None:
            raise RuntimeError(f"rank {distributed.rank()}: rank 0 wrote no valid cache entry for {config.key()}")
        return found
    path = cache.entry_dir(config.key())
    checkpoints = {s: path / _checkpoint_name(s) for s in sorted(save_at)}
    return Pretrained(model.cpu(), tokenizer, log, config, path, False, checkpoints)


def clear(config: PretrainConfig) -> None:
    """Remove the cache entry of ``config`` (the next :func:`pretrain` trains again)."""
    shutil.rmtree(cache.entry_dir(config.key()), ignore_errors=True)
