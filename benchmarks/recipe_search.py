"""The quick profile's pre-training recipe search: held-out MLM loss against the unigram floor.

Each candidate is a JSON object of ``PretrainConfig`` fields that change the profile's recipe
(``small_models`` of the chosen profile: its corpus, tokenizer and model; ``{}`` is the recipe
itself). It is trained through the checkpoint cache (a candidate that was trained before is loaded,
and its row keeps the seconds measured when it was trained), evaluated
with ``pt.heldout_report`` and appended to ``data/recipe_search.csv`` with the machine and date, which
the small-models chapter shows. Run it alone on the machine: the seconds are wall time.

    .venv/bin/python benchmarks/recipe_search.py '{"seed": 1}' '{"seed": 1, "objective_settings": {"prior_bias": false}}'
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
from pathlib import Path

import pandas as pd

from emnlp21 import book, corpora
from emnlp21 import pretraining as pt
from emnlp21.book.claims import write_atomic
from emnlp21.core.runtime import machine_description
from emnlp21.pretraining import report

RECIPE = ("batch_size", "dropout", "heads", "hidden", "intermediate", "layers", "lr", "seed", "seq_len", "steps")
COLUMNS = ["recipe", "tokens", "seconds", "heldout_loss", "unigram_entropy", "gain", "machine", "date", "config",
           "source", "status"]


def recipe_fields(config) -> dict:
    """What a row records of its configuration: the recipe, whatever the profile was then."""
    return {**{k: getattr(config, k) for k in RECIPE}, "objective_settings": {"prior_bias": True, **config.settings}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("candidates", nargs="+", help="JSON objects of PretrainConfig fields")
    ap.add_argument("--profile", default="quick")
    ap.add_argument("--out", default=str(book.data_dir() / report.RECIPE_SEARCH_FILE))
    args = ap.parse_args()
    P = book.parameters("small_models", {"profile": args.profile})
    corpus = corpora.load_corpus(max_words=P.max_words)
    tok = pt.train_tokenizer(corpus.train, vocab_size=P.vocab_size)
    for text in args.candidates:
        fields = json.loads(text)
        config = pt.PretrainConfig.from_profile(P.corpus_id, corpus.train, tok, P, **fields)
        # The profile's checkpoints too, so that the profile's own recipe lands in the cache as the book needs it.
        keep = [s for s in P.checkpoint_steps if s <= config.steps]
        model = pt.pretrain(config, corpus.train, tok, device=P.device, progress=False, save_at=keep)
        rep = pt.heldout_report(model, corpus.heldout, corpus.train, max_tokens=P.heldout_tokens)
        # The load average says whether the seconds are the machine's alone.
        row = {"recipe": report.describe_recipe(config), "tokens": int(model.log["tokens"].iloc[-1]),
               "seconds": round(model.train_seconds, 1),
               **{k: round(rep[k], 3) for k in ("heldout_loss", "unigram_entropy", "gain")},
               "machine": f"{machine_description()}; load {os.getloadavg()[0]:.1f}",
               "date": datetime.date.today().isoformat(), "config": json.dumps(recipe_fields(config), sort_keys=True),
               "source": "benchmarks/recipe_search.py", "status": "measured"}
        print(json.dumps(row), flush=True)
        write_row(args.out, row)  # row by row: an interrupted search keeps what it measured


def write_row(path: str, row: dict) -> None:
    old = pd.read_csv(path) if os.path.exists(path) else pd.DataFrame(columns=COLUMNS)
    merged = pd.concat([old[old["config"] != row["config"]], pd.DataFrame([row])])[COLUMNS]
    write_atomic(Path(path), merged.to_csv(index=False).encode("utf-8"))

if __name__ == "__main__":
    main()
