"""Pre-training speed: our loop against a plain ``transformers.Trainer`` on the same model and data.

Both runs train the same encoder size on the same packed rows for the same steps, batch and
sequence length, from scratch and without touching the checkpoint cache. Model-FLOPs utilisation
(MFU) divides achieved model FLOP/s by a peak: the accelerator's bf16 dense peak on CUDA, and on a
CPU the best fp32 matmul FLOP/s measured on this machine (so CPU MFU reads "share of what this
CPU's matmul reaches"). Timings on a shared machine vary.
"""

from __future__ import annotations

import tempfile
import time

import pandas as pd
import torch

from ..core.runtime import resolve_device
from .config import PretrainConfig
from .data import pack_sequences, tokenize_corpus
from .modeling import flops_per_step
from .objectives import MLM
from .train import clear, pretrain

H100_BF16_PEAK = 989e12  # dense bf16 FLOP/s of an H100 SXM


def matmul_peak(device: torch.device, n: int = 2048, repeats: int = 5) -> float:
    """The best FLOP/s of an n×n matmul here (bf16 on CUDA, fp32 on CPU)."""
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    a, b = (torch.randn(n, n, device=device, dtype=dtype) for _ in range(2))
    best = float("inf")
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()
        t = time.perf_counter()
        a @ b
        if device.type == "cuda":
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - t)
    return 2 * n ** 3 / best


def _time_ours(cfg: PretrainConfig, sentences, tok, device: str, compile: bool) -> float:
    clear(cfg)  # a benchmark trains; it neither reads nor leaves a cache entry
    try:
        model = pretrain(cfg, sentences, tok, device=device, progress=False, compile=compile, force=True,
                         log_every=cfg.steps)
    finally:
        clear(cfg)
    return float(model.log["seconds"].iloc[-1])


def _time_trainer(cfg: PretrainConfig, sentences, tok, device: torch.device) -> float:
    from transformers import BertConfig, BertForMaskedLM, DataCollatorForLanguageModeling, Trainer, TrainingArguments

    rows = pack_sequences(tokenize_corpus(sentences, tok), cfg.seq_len, cls_id=tok.cls_token_id,
                          sep_id=tok.sep_token_id, pad_id=tok.pad_token_id)
    data = [{"input_ids": r} for r in rows.tolist()]
    torch.manual_seed(cfg.seed)
    model = BertForMaskedLM(BertConfig(
        vocab_size=cfg.vocab_size, hidden_size=cfg.hidden, num_hidden_layers=cfg.layers,
        num_attention_heads=cfg.heads, intermediate_size=cfg.intermediate,
        max_position_embeddings=cfg.max_positions, attn_implementation="sdpa"))
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(
            output_dir=out, max_steps=cfg.steps, per_device_train_batch_size=cfg.batch_size,
            learning_rate=cfg.lr, warmup_steps=max(1, round(cfg.warmup * cfg.steps)), weight_decay=cfg.weight_decay,
            max_grad_norm=cfg.clip_norm, lr_scheduler_type="linear", logging_steps=cfg.steps,
            save_strategy="no", report_to=[], seed=cfg.seed, use_cpu=device.type == "cpu",
            bf16=device.type == "cuda", dataloader_num_workers=0, disable_tqdm=True)
        trainer = Trainer(model=model, args=args, train_dataset=data,
                          data_collator=DataCollatorForLanguageModeling(tok, mlm_probability=0.15))
        start = time.perf_counter()
        trainer.train()
        return time.perf_counter() - start


def compare_with_trainer(cfg: PretrainConfig, sentences, tok, *, device: str = "auto", compile: bool = False,
                         peak: float | None = None) -> pd.DataFrame:
    """One row per implementation (ours, transformers.Trainer): seconds, tokens/s, model TFLOP/s, MFU;
    ``attrs``: device, threads, peak TFLOP/s and our speed-up in tokens/s.

    FLOPs count what each computes: our MLM head runs on the masked 15 % only, ``BertForMaskedLM``
    runs its head (an H×H transform and the H×V decoder) on every position.
    """
    dev = resolve_device(device)
    peak = peak or (H100_BF16_PEAK if dev.type == "cuda" else matmul_peak(dev))
    ours_flops = flops_per_step(cfg, cfg.vocab_size, MLM().predicted_fraction)
    trainer_flops = flops_per_step(cfg, cfg.vocab_size, 1.0) + 3 * 2 * cfg.hidden ** 2 * cfg.tokens_per_step
    rows = []
    for name, run, flops in (("ours", lambda: _time_ours(cfg, sentences, tok, str(dev), compile), ours_flops),
                             ("transformers.Trainer", lambda: _time_trainer(cfg, sentences, tok, dev), trainer_flops)):
        seconds = run()
        rows.append({"implementation": name, "seconds": seconds,
                     "tokens_per_s": cfg.tokens_per_step * cfg.steps / seconds,
                     "model_tflops_per_s": flops * cfg.steps / seconds / 1e12,
                     "mfu": flops * cfg.steps / seconds / peak})
    out = pd.DataFrame(rows).set_index("implementation")
    out.attrs.update(device=str(dev), threads=torch.get_num_threads(), peak_tflops=peak / 1e12,
                     speedup=out.tokens_per_s["ours"] / out.tokens_per_s["transformers.Trainer"])
    return out
