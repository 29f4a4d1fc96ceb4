"""``pretrain`` under ``torchrun --nproc_per_node 2`` (gloo, CPU) against one process with the same global batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

WORKER = r'''
import json, os, random, sys
import torch
torch.set_num_threads(1)
from emnlp21 import pretraining as pt
from emnlp21.pretraining import distributed

words = "one two three four five six seven eight nine ten eleven twelve the a film good bad".split()
rng = random.Random(0)
text = [" ".join(rng.choice(words) for _ in range(rng.randint(4, 12))) for _ in range(600)]
tok = pt.train_tokenizer(text, vocab_size=120)
cfg = pt.PretrainConfig.for_corpus("ddp", text, tok, layers=1, hidden=32, heads=2, intermediate=64,
                                   max_positions=32, seq_len=32, batch_size=16, steps=8, lr=3e-3, dropout=0.0,
                                   objective_settings={"prior_bias": False})  # from zero: the loss must fall
model = pt.pretrain(cfg, text, tok, device="cpu", progress=False, save_at=[4], log_every=1)
weights = float(sum(v.double().abs().sum() for v in model.model.state_dict().values()))
out = {"world": distributed.world_size(), "rank": distributed.rank(), "key": cfg.key(), "from_cache": model.from_cache,
       "loss": model.log["loss"].tolist(), "tokens": model.log["tokens"].tolist(), "weights": weights,
       "checkpoints": sorted(model.checkpoints)}
with open(os.path.join(sys.argv[1], f"rank{distributed.rank()}.json"), "w") as f:
    json.dump(out, f)
'''


def _run(tmp: Path, name: str, nproc: int) -> tuple[Path, list[dict]]:
    """Run the worker in ``nproc`` processes (torchrun when more than one) in its own cache; each rank's results."""
    cache, results = tmp / f"cache-{name}", tmp / f"out-{name}"
    results.mkdir()
    script = tmp / "worker.py"
    script.write_text(WORKER)
    env = {**os.environ, "EMNLP21_CACHE": str(cache), "OMP_NUM_THREADS": "1"}
    env = {k: v for k, v in env.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}
    launcher = ([sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={nproc}"]
                if nproc > 1 else [sys.executable])
    done = subprocess.run([*launcher, str(script), str(results)], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return cache, [json.loads(p.read_text()) for p in sorted(results.glob("rank*.json"))]


@pytest.mark.slow
def test_two_processes_train_the_one_process_model(tmp_path):
    _, (single,) = _run(tmp_path, "one", 1)
    cache2, ranks = _run(tmp_path, "two", 2)
    assert [r["world"] for r in ranks] == [2, 2] and [r["rank"] for r in ranks] == [0, 1]
    main, other = ranks
    # the configuration, hence the cache key, does not know how many processes trained it
    assert single["key"] == main["key"] == other["key"]
    entries = [p.name for p in (cache2 / "pretraining").iterdir()]
    assert entries == [main["key"]]  # exactly one entry, no temporary folder left behind
    files = sorted(p.name for p in (cache2 / "pretraining" / main["key"]).iterdir())
    assert files == ["config.json", "log.csv", "manifest.json", "model.safetensors", "step-0000004.safetensors",
                     "tokenizer.json"]
    assert not main["from_cache"] and other["from_cache"]  # rank 1 loaded what rank 0 wrote
    assert other["weights"] == main["weights"] and other["checkpoints"] == main["checkpoints"] == [4]
    # the same global batch: the same tokens, and the same losses up to float summation order
    assert main["tokens"] == single["tokens"]
    print("one process :", [round(x, 5) for x in single["loss"]])
    print("two processes:", [round(x, 5) for x in main["loss"]])
    assert len(main["loss"]) == 8 and single["loss"][-1] < single["loss"][0] - 0.3  # it trained
    diff = max(abs(a - b) for a, b in zip(single["loss"], main["loss"]))
    print(f"max |loss difference| = {diff:.1e}")
    assert diff < 1e-4
    assert main["weights"] == pytest.approx(single["weights"], rel=1e-4)
