"""Pre-training throughput: our loop (emnlp21.pretraining) against a plain transformers.Trainer.

Same encoder size, same packed data, same steps, batch and sequence length. Prints tokens/s and
model-FLOPs utilisation (MFU). On CUDA the peak is the GPU's bf16 dense peak (--peak-tflops, H100
SXM: 989); on CPU it is measured: the best fp32 matmul FLOP/s of this machine (so CPU MFU reads
"share of what this CPU's matmul reaches"). Timings on a shared machine vary: run it alone.

    .venv/bin/python benchmarks/pretraining_speed.py --steps 60
    .venv/bin/python benchmarks/pretraining_speed.py --device cuda --layers 6 --hidden 512 --heads 8 \
        --intermediate 2048 --seq-len 128 --batch-size 128 --steps 200 --compile
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

import torch

from emnlp21 import book, corpora
from emnlp21 import pretraining as pt
from emnlp21.pretraining.data import pack_sequences, tokenize_corpus
from emnlp21.pretraining.train import clear


def matmul_peak(device: torch.device, n: int = 2048, repeats: int = 5) -> float:
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


def run_ours(cfg, sentences, tok, device: str, compile: bool) -> float:
    clear(cfg)
    model = pt.pretrain(cfg, sentences, tok, device=device, progress=False, compile=compile, force=True,
                        log_every=cfg.steps)
    clear(cfg)
    return model.log["seconds"].iloc[-1]


def run_trainer(cfg, sentences, tok, device: torch.device) -> float:
    from transformers import (BertConfig, BertForMaskedLM, DataCollatorForLanguageModeling, Trainer,
                              TrainingArguments)

    rows = pack_sequences(tokenize_corpus(sentences, tok), cfg.seq_len, cls_id=tok.cls_token_id,
                          sep_id=tok.sep_token_id, pad_id=tok.pad_token_id)
    data = [{"input_ids": r} for r in rows.tolist()]
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="auto", choices=book.params.DEVICES)
    ap.add_argument("--max-words", type=int, default=300_000)
    ap.add_argument("--vocab-size", type=int, default=8000)
    for name, default in (("layers", 2), ("hidden", 128), ("heads", 2), ("intermediate", 512),
                          ("seq-len", 64), ("batch-size", 32), ("steps", 60)):
        ap.add_argument(f"--{name}", type=int, default=default)
    ap.add_argument("--compile", action="store_true", help="torch.compile our loop (CUDA only)")
    ap.add_argument("--peak-tflops", type=float, default=None,
                    help="accelerator's dense peak; default: 989 (H100 bf16) on CUDA, measured matmul on CPU")
    a = ap.parse_args()
    device = book.resolve_device(a.device)
    corpus = corpora.load_corpus(max_words=a.max_words)
    tok = pt.train_tokenizer(corpus.train, vocab_size=a.vocab_size)
    cfg = pt.PretrainConfig.for_corpus(
        "benchmark", corpus.train, tok, layers=a.layers, hidden=a.hidden, heads=a.heads,
        intermediate=a.intermediate, seq_len=a.seq_len, max_positions=max(128, a.seq_len),
        batch_size=a.batch_size, steps=a.steps, lr=5e-4)
    peak = a.peak_tflops * 1e12 if a.peak_tflops else (989e12 if device.type == "cuda" else matmul_peak(device))
    mlm = pt.MLM()
    ours_flops = pt.flops_per_step(cfg, len(tok), mlm.predicted_fraction)
    # BertForMaskedLM runs its head (dense H×H + decoder H×V) on every position, masked or not.
    trainer_flops = pt.flops_per_step(cfg, len(tok), 1.0) + 3 * 2 * cfg.hidden ** 2 * cfg.tokens_per_step
    results = {}
    for name, run, flops in (("ours", lambda: run_ours(cfg, corpus.train, tok, a.device, a.compile), ours_flops),
                             ("transformers.Trainer", lambda: run_trainer(cfg, corpus.train, tok, device), trainer_flops)):
        seconds = run()
        results[name] = {"seconds": round(seconds, 2),
                         "tokens_per_s": round(cfg.tokens_per_step * cfg.steps / seconds),
                         "model_tflops_per_s": round(flops * cfg.steps / seconds / 1e12, 4),
                         "mfu": round(flops * cfg.steps / seconds / peak, 4)}
    print(json.dumps({"device": str(device), "threads": torch.get_num_threads(), "peak_tflops": round(peak / 1e12, 3),
                      "config": {k: getattr(cfg, k) for k in ("layers", "hidden", "heads", "seq_len", "batch_size", "steps")},
                      "results": results,
                      "speedup": round(results["ours"]["tokens_per_s"] / results["transformers.Trainer"]["tokens_per_s"], 2)},
                     indent=1))


if __name__ == "__main__":
    main()
