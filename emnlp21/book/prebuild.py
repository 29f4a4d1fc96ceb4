"""Pre-train a profile's shared models into the cache, on one or several processes:

    torchrun --nproc_per_node 8 -m emnlp21.book.prebuild --profile full
    make book PROFILE=full      # the chapters then load them from the cache

The notebooks themselves run in one process each (papermill starts one kernel): under ``torchrun``
every rank would execute the whole chapter. What is worth several GPUs is the pre-training, so this
entry point builds the shared real-text MLM (small_models, Sinha+'s MN, Yamaguchi+'s MLM) and the
grammar MLM (Sinha+ and Yamaguchi+) with exactly the configurations and checkpoints the chapters ask
for; their cache keys do not depend on the number of processes. The other variants (Sinha+'s
M1–M4 …, Yamaguchi+'s objectives) still train inside their chapters, on one GPU.
"""

from __future__ import annotations

import argparse
import sys

from ..core.runtime import resolve_device, use_threads
from ..pretraining import distributed
from .params import execution
from .shared_models import grammar_inputs, grammar_model, real_text_inputs, real_text_model

# name -> (what prepares the inputs: corpus download, tokenizer; what trains or loads the model)
MODELS = {"real_text": (real_text_inputs, real_text_model), "grammar": (grammar_inputs, grammar_model)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emnlp21.book.prebuild", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="quick", help="parameter profile in profiles/ (default: quick)")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--only", choices=sorted(MODELS), action="append", help="build only this model (repeatable)")
    args = parser.parse_args(argv)

    use_threads(execution(args.profile).threads)  # the book's thread count: the chapters' own models
    distributed.init(resolve_device(args.device))
    for name in args.only or list(MODELS):
        prepare, build = MODELS[name]
        if distributed.is_main():  # downloads and cache files once, before the other ranks read them
            prepare(args.profile)
        distributed.barrier()
        shared = build(args.profile, device=args.device, progress=distributed.is_main())
        if distributed.is_main():
            m = shared.model
            print(f"[prebuild] {name}: {'loaded' if m.from_cache else 'trained'} {m.name} -> {m.path}", flush=True)
    distributed.barrier()
    return 0


if __name__ == "__main__":
    sys.exit(main())
