"""Kobayashi+ 2021 measures: the library's O(n d) path against the per-pair reference of the tests.

Same model, same inputs (real-vocabulary token sequences of a fixed length), one child process per
method so that each one's peak memory is measured on its own (CUDA: max allocated; CPU: peak RSS above
the RSS after loading the model and one warm-up batch). Checks that both give the same numbers.

    python benchmarks/kobayashi_speed.py                      # 256 sequences x 128 tokens, MiniLM
    python benchmarks/kobayashi_speed.py --n-seq 64 --device cuda
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def _inputs(tokenizer, n_seq: int, length: int, seed: int):
    import torch

    g = torch.Generator().manual_seed(seed)
    special = set(tokenizer.all_special_ids)
    vocab = torch.tensor([i for i in range(len(tokenizer)) if i not in special and i > 999])  # skip [unusedN]
    ids = vocab[torch.randint(len(vocab), (n_seq, length - 2), generator=g)]
    ids = torch.cat([torch.full((n_seq, 1), tokenizer.cls_token_id), ids, torch.full((n_seq, 1), tokenizer.sep_token_id)], 1)
    mask = torch.ones_like(ids)
    lengths = torch.randint(length // 2, length + 1, (n_seq,), generator=g)  # padding, as in real batches
    mask[torch.arange(length)[None, :] >= lengths[:, None]] = 0
    ids[mask == 0] = tokenizer.pad_token_id
    return ids, mask


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker(method: str, args, queue) -> None:
    import torch

    from emnlp21 import kobayashi as K
    from kobayashi_reference import reference_ratios

    torch.set_grad_enabled(False)
    loaded = K.load_model(args.model, device=args.device)
    ids, mask = _inputs(loaded.tokenizer, args.n_seq, args.length, args.seed)

    def run(sl):
        batch = {"input_ids": ids[sl].to(args.device), "attention_mask": mask[sl].to(args.device)}
        if method == "fast":
            r = K.batch_ratios(loaded.model, batch)[..., :5]
            return [r[b, : int(mask[sl][b].sum())].transpose(0, 1).cpu() for b in range(r.shape[0])]
        return [r.cpu() for r in reference_ratios(loaded.model, batch)]

    run(slice(0, 2))  # warm-up
    cuda = args.device == "cuda"
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
    else:
        base = _peak_rss_mb()
    t = time.perf_counter()
    out = []
    for start in range(0, args.n_seq, args.batch_size):
        out += run(slice(start, start + args.batch_size))
    if cuda:
        torch.cuda.synchronize()
    seconds = time.perf_counter() - t
    peak = (torch.cuda.max_memory_allocated() - base) / 2**20 if cuda else _peak_rss_mb() - base
    queue.put({"method": method, "seconds": seconds, "peak_extra_mb": max(peak, 1.0),
               "ratios": torch.cat([r.reshape(-1) for r in out]).numpy()})


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="all-MiniLM-L6-v2")
    p.add_argument("--n-seq", type=int, default=256)
    p.add_argument("--length", type=int, default=128)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", type=Path, help="also write the results here")
    args = p.parse_args()

    ctx = mp.get_context("spawn")
    results = {}
    for method in ("fast", "reference"):
        queue = ctx.Queue()
        proc = ctx.Process(target=_worker, args=(method, args, queue))
        proc.start()
        results[method] = queue.get()
        proc.join()
    import numpy as np

    fast, ref = results["fast"], results["reference"]
    diff = float(np.abs(fast["ratios"] - ref["ratios"]).max())
    summary = {
        "model": args.model, "device": args.device, "sequences": args.n_seq, "length": args.length,
        "fast_s": round(fast["seconds"], 2), "reference_s": round(ref["seconds"], 2),
        "speedup": round(ref["seconds"] / fast["seconds"], 1),
        "fast_peak_extra_mb": round(fast["peak_extra_mb"], 1), "reference_peak_extra_mb": round(ref["peak_extra_mb"], 1),
        "memory_ratio": round(ref["peak_extra_mb"] / fast["peak_extra_mb"], 1),
        "max_abs_difference": diff, "ratios_compared": int(fast["ratios"].size),
    }
    print(json.dumps(summary, indent=1))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1))
    if diff > 1e-4:
        sys.exit(f"fast and reference ratios differ by {diff:.2e}")


if __name__ == "__main__":
    main()
