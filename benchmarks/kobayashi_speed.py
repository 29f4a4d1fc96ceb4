"""Kobayashi+ 2021 measures: what the analysis costs against the forward pass it needs.

On the same tokenised batches, interleaved in one process batch by batch (so that the machine's load,
e.g. another job on the same cores, affects every method alike), each repeat times:

* ``forward``: the model's forward pass with attentions and hidden states (eager attention), which is
  what any analysis of attentions and hidden states needs;
* ``analysis``: the library's mixing ratios without the linearised FFN (the paper's five measures and
  the whole layer with the FFN ignored), forward pass included;
* ``analysis_ffn``: every measure, the linearised FFN included (three extra products of the FFN's size
  per token: no exact split of the FFN can do with fewer, so this one stays above the forward pass).

It prints the medians and the ratios analysis / forward, and checks the library against the per-pair
reference of the tests on the first batch. By default the inputs are the chapter's (the kobayashi
section of a profile: its sentence pairs, batch size and truncation) on the default model.

``--reference`` also runs the old comparison: the O(n d) path against the per-pair reference, one
child process per method so that each one's peak memory is measured on its own (CUDA: max allocated;
CPU: peak RSS above the RSS after loading the model and one warm-up batch), on random sequences.

    python benchmarks/kobayashi_speed.py                        # chapter inputs, median of 3
    python benchmarks/kobayashi_speed.py --repeats 5 --threads 1
    python benchmarks/kobayashi_speed.py --inputs random --n-seq 256 --length 128
    python benchmarks/kobayashi_speed.py --reference            # + the per-pair reference (slow)
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

TARGET = 1.3  # the analysis should cost at most this many forward passes


def _random_inputs(tokenizer, n_seq: int, length: int, seed: int):
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


def _batches(loaded, args) -> list[dict]:
    """The tokenised batches every method runs on."""
    from emnlp21 import kobayashi as K

    device = args.device
    if args.inputs == "random":
        ids, mask = _random_inputs(loaded.tokenizer, args.n_seq, args.length, args.seed)
        return [{"input_ids": ids[s:s + args.batch_size].to(device), "attention_mask": mask[s:s + args.batch_size].to(device)}
                for s in range(0, args.n_seq, args.batch_size)]
    from emnlp21 import corpora
    from emnlp21.book.params import parameters

    P = parameters("kobayashi", {"profile": args.profile})
    corpus = corpora.load_corpus(tuple(P.corpus_sources), max_words=P.corpus_max_words, seed=P.seed)
    pairs = K.sentence_pairs(corpus.heldout, P.n_pairs, seed=P.seed)
    order = sorted(range(len(pairs)), key=lambda i: len(str(pairs[i])))  # as mixing_ratios batches them
    size = args.batch_size or P.batch_size
    batches = []
    for start in range(0, len(order), size):
        enc = K.tokenize(loaded.tokenizer, [pairs[i] for i in order[start:start + size]], P.max_length, device)
        enc.pop("special_tokens_mask")
        batches.append(enc)
    return batches


def ratio_benchmark(args) -> dict:
    """Forward pass vs analysis, interleaved, median of ``args.repeats``."""
    import torch

    from emnlp21 import kobayashi as K
    from kobayashi_reference import reference_ratios

    torch.set_grad_enabled(False)
    if args.threads:
        torch.set_num_threads(args.threads)
    loaded = K.load_model(args.model, device=args.device)
    model = loaded.model
    batches = _batches(loaded, args)
    sync = torch.cuda.synchronize if args.device == "cuda" else (lambda: None)

    def forward(b):
        model(**b, output_attentions=True, output_hidden_states=True)

    def analysis(b):
        K.packed_ratios(model, b, K.WITHOUT_FFN)

    def analysis_ffn(b):
        K.packed_ratios(model, b, K.MEASURES)

    methods = {"forward": forward, "analysis": analysis, "analysis_ffn": analysis_ffn}
    for f in methods.values():  # warm-up
        for b in batches:
            f(b)
    # Interleaved batch by batch (the order rotating), so that a change of load hits every method alike;
    # each repeat's time of a method is the sum over the batches.
    times = {k: [] for k in methods}
    names = list(methods)
    step = 0
    for r in range(args.repeats):
        total = dict.fromkeys(methods, 0.0)
        for b in batches:
            for k in names[step % len(names):] + names[:step % len(names)]:
                sync()
                t = time.perf_counter()
                methods[k](b)
                sync()
                total[k] += time.perf_counter() - t
            step += 1
        for k in methods:
            times[k].append(total[k])
    med = {k: statistics.median(v) for k, v in times.items()}

    first = batches[0]
    fast = K.batch_ratios(model, first)[..., :5]
    diff = max(float((fast[b, :r.shape[1]].transpose(0, 1).cpu() - r.cpu()).abs().max())
               for b, r in enumerate(reference_ratios(model, first)))
    tokens = sum(int(b["attention_mask"].sum()) for b in batches)
    padded = sum(b["attention_mask"].numel() for b in batches)
    return {
        "model": args.model, "device": args.device, "threads": torch.get_num_threads(),
        "load_average_1min": round(os.getloadavg()[0], 2), "inputs": args.inputs, "batches": len(batches),
        "tokens": tokens, "padded_positions": padded, "repeats": args.repeats,
        "seconds": {k: [round(x, 3) for x in v] for k, v in times.items()},
        "median_s": {k: round(v, 3) for k, v in med.items()},
        "ratio_analysis_to_forward": round(med["analysis"] / med["forward"], 3),
        "ratio_analysis_ffn_to_forward": round(med["analysis_ffn"] / med["forward"], 3),
        "target_ratio": TARGET, "analysis_within_target": med["analysis"] / med["forward"] <= TARGET,
        "max_abs_difference_vs_reference": diff,
    }


# --- the O(n d) path against the per-pair reference, each in its own process -------------------------------

def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker(method: str, args, queue) -> None:
    import torch

    from emnlp21 import kobayashi as K
    from kobayashi_reference import reference_ratios

    torch.set_grad_enabled(False)
    if args.threads:
        torch.set_num_threads(args.threads)
    loaded = K.load_model(args.model, device=args.device)
    ids, mask = _random_inputs(loaded.tokenizer, args.n_seq, args.length, args.seed)

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
    for start in range(0, args.n_seq, args.reference_batch_size):
        out += run(slice(start, start + args.reference_batch_size))
    if cuda:
        torch.cuda.synchronize()
    seconds = time.perf_counter() - t
    peak = (torch.cuda.max_memory_allocated() - base) / 2**20 if cuda else _peak_rss_mb() - base
    queue.put({"method": method, "seconds": seconds, "peak_extra_mb": max(peak, 1.0),
               "ratios": torch.cat([r.reshape(-1) for r in out]).numpy()})


def reference_benchmark(args) -> dict:
    import numpy as np

    ctx = mp.get_context("spawn")
    results = {}
    for method in ("fast", "reference"):
        queue = ctx.Queue()
        proc = ctx.Process(target=_worker, args=(method, args, queue))
        proc.start()
        results[method] = queue.get()
        proc.join()
    fast, ref = results["fast"], results["reference"]
    return {
        "sequences": args.n_seq, "length": args.length,
        "fast_s": round(fast["seconds"], 2), "reference_s": round(ref["seconds"], 2),
        "speedup": round(ref["seconds"] / fast["seconds"], 1),
        "fast_peak_extra_mb": round(fast["peak_extra_mb"], 1), "reference_peak_extra_mb": round(ref["peak_extra_mb"], 1),
        "memory_ratio": round(ref["peak_extra_mb"] / fast["peak_extra_mb"], 1),
        "max_abs_difference": float(np.abs(fast["ratios"] - ref["ratios"]).max()), "ratios_compared": int(fast["ratios"].size),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="all-MiniLM-L6-v2")
    p.add_argument("--inputs", default="chapter", choices=["chapter", "random"],
                   help="the chapter's sentence pairs (profile's kobayashi section) or random sequences")
    p.add_argument("--profile", default="quick", help="profile whose kobayashi section gives the chapter's inputs")
    p.add_argument("--repeats", type=int, default=3, help="interleaved repeats; the medians are reported")
    p.add_argument("--batch-size", type=int, default=0, help="0: the profile's (chapter inputs) / 32 (random)")
    p.add_argument("--n-seq", type=int, default=256, help="random inputs: sequences")
    p.add_argument("--length", type=int, default=128, help="random inputs: tokens per sequence (before padding)")
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--reference", action="store_true", help="also time the per-pair reference (child processes)")
    p.add_argument("--reference-batch-size", type=int, default=32)
    p.add_argument("--json", type=Path, help="also write the results here")
    args = p.parse_args()
    if args.inputs == "random" and not args.batch_size:
        args.batch_size = 32

    summary = ratio_benchmark(args)
    if args.reference:
        summary["reference"] = reference_benchmark(args)
    print(json.dumps(summary, indent=1))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1))
    diffs = [summary["max_abs_difference_vs_reference"], summary.get("reference", {}).get("max_abs_difference", 0.0)]
    if max(diffs) > 1e-4:
        sys.exit(f"library and reference ratios differ by {max(diffs):.2e}")


if __name__ == "__main__":
    main()
