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

from emnlp21 import book, corpora
from emnlp21 import pretraining as pt
from emnlp21.pretraining.benchmark import compare_with_trainer


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
    corpus = corpora.load_corpus(max_words=a.max_words)
    tok = pt.train_tokenizer(corpus.train, vocab_size=a.vocab_size)
    cfg = pt.PretrainConfig.for_corpus(
        "benchmark", corpus.train, tok, layers=a.layers, hidden=a.hidden, heads=a.heads,
        intermediate=a.intermediate, seq_len=a.seq_len, max_positions=max(128, a.seq_len),
        batch_size=a.batch_size, steps=a.steps, lr=5e-4)
    table = compare_with_trainer(cfg, corpus.train, tok, device=a.device, compile=a.compile,
                                 peak=a.peak_tflops * 1e12 if a.peak_tflops else None)
    print(json.dumps({**table.attrs,
                      "config": {k: getattr(cfg, k) for k in ("layers", "hidden", "heads", "seq_len", "batch_size", "steps")},
                      "results": table.round(4).to_dict(orient="index"),
                      "speedup": round(table.attrs["speedup"], 2)},
                     indent=1))


if __name__ == "__main__":
    main()
