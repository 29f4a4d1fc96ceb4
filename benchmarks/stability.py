"""Do the verdicts survive another seed, another thread count? Every claim's verdict, side by side.

Re-executes chosen chapters of the book with other pre-training and fine-tuning seeds (``seed1``: the
overrides of :data:`OTHER_SEEDS`) or another torch thread count (``threads2``), each run into its own
folder ``_build/stability/<run>/`` (the executed notebooks, their claims and figures; the book's pages
are not touched), then prints each claim's verdict for the book's own run and for every other run,
and writes the table to ``_build/stability/verdicts.md``. The book's procedure promises that another
seed or CPU moves a verdict at most between holds (or fails) and inconclusive: a move between holds
and fails is a *flip*, listed at the end, and the command exits with status 1 when there is one.

A seed run builds the models of its seeds through the user's artefact cache (as a reader's papermill
run with those parameters would). A thread run trains everything again in a cache of its own
(``stability-threads<N>/`` inside the user's cache), since cached models are keyed by their
configuration alone. Not in CI: a run costs what a cold chapter costs. Run it alone on the machine.

    .venv/bin/python benchmarks/stability.py wei ctal                 # seed1
    .venv/bin/python benchmarks/stability.py ctal --runs seed1 threads2
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import pandas as pd

from emnlp21.book.execute import thread_environment, use_own_cache
from emnlp21.core.paths import build_dir, claims_dir
from emnlp21.book.sphinxext.pages import chapters

# Another pre-training and fine-tuning seed per chapter (profile parameters; see profiles/quick.yaml).
OTHER_SEEDS = {
    "kobayashi": {"seed": 1},
    "small_models": {"seed": 1, "finetune_seeds": [2, 3]},
    "sinha": {"seed": 1, "finetune_seeds": [2, 3]},
    "wei": {"seeds": [1]},
    "yamaguchi": {"seed": 1, "finetune_seeds": [2, 3]},
    "ctal": {"seed": 1, "recon_seeds": [3, 4, 5], "finetune_seeds": [2, 3]},
}


def run_spec(run: str) -> tuple[str, int | None]:
    """``seed1`` -> ("seed", None); ``threads2`` -> ("threads", 2)."""
    if run == "seed1":
        return "seed", None
    if run.startswith("threads") and run[len("threads"):].isdigit():
        return "threads", int(run[len("threads"):])
    raise SystemExit(f"unknown run {run!r}: use seed1 or threads<N>")


def execute(name: str, parameters: dict, folder: Path) -> float:
    """Execute notebooks/<name>.py with ``parameters`` into ``folder``; its seconds."""
    import jupytext
    import nbformat
    import papermill

    root = Path.cwd()
    folder.mkdir(parents=True, exist_ok=True)
    draft = folder / f"{name}.ipynb"
    nbformat.write(jupytext.read(root / "notebooks" / f"{name}.py"), draft)
    started = time.perf_counter()
    papermill.execute_notebook(str(draft), str(draft), parameters={"profile": "quick", **parameters},
                               cwd=str(root), kernel_name="python3", progress_bar=False)
    return time.perf_counter() - started


def verdicts(folder: Path) -> dict[str, str]:
    """claim id -> verdict (with the kind when it is not a finding) of every claims file in ``folder``."""
    out = {}
    for path in sorted(folder.glob("*.json")):
        for c in json.loads(path.read_text(encoding="utf-8")):
            out[c["id"]] = c["verdict"] if c["kind"] == "finding" else f"{c['verdict']} ({c['kind']})"
    return out


def flips(table: pd.DataFrame) -> list[str]:
    """The claims whose verdict moves between holds and fails across the columns of ``table``."""
    out = []
    for claim, row in table.iterrows():
        seen = {str(v).split(" ")[0] for v in row.dropna()}
        if {"holds", "fails"} <= seen:
            out.append(claim)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sections", nargs="+", help="chapters by section name: " + ", ".join(OTHER_SEEDS))
    ap.add_argument("--runs", nargs="+", default=["seed1"], help="seed1 and/or threads<N> (default: seed1)")
    args = ap.parse_args()
    names = {section: page.rsplit("/", 1)[-1] for section, page in chapters(Path.cwd())}
    unknown = [s for s in args.sections if s not in OTHER_SEEDS or s not in names]
    if unknown:
        raise SystemExit(f"unknown or seedless chapters {unknown}: choose from {sorted(OTHER_SEEDS)}")
    base = build_dir("stability")
    book = verdicts(claims_dir())
    columns = {"book": {k: v for k, v in book.items() if k.split(".")[0] in args.sections}}
    timing = []
    for run in args.runs:
        kind, threads = run_spec(run)
        folder = base / run
        os.environ["EMNLP21_CLAIMS"] = str(folder / "claims")
        os.environ["EMNLP21_FIGURES"] = str(folder / "figures")
        if kind == "threads":
            os.environ["EMNLP21_THREADS"] = str(threads)
            os.environ.update(thread_environment(threads))
            use_own_cache(f"stability-threads{threads}")
        for section in args.sections:
            parameters = OTHER_SEEDS[section] if kind == "seed" else {}
            print(f"[stability] {run}: {section} {parameters or ''}", flush=True)
            seconds = execute(names[section], parameters, folder)
            timing.append(f"{run} {section}: {seconds:.0f} s")
            print(f"[stability] {run}: {section} done in {seconds:.0f} s", flush=True)
        columns[run] = verdicts(folder / "claims")
    table = pd.DataFrame(columns).sort_index()
    moved = flips(table)
    text = (table.fillna("—").to_markdown() + "\n\n" + "\n".join(timing) + "\n\n"
            + (f"Flips between holds and fails: {', '.join(moved)}\n" if moved
               else "No verdict flips between holds and fails.\n"))
    (base / "verdicts.md").write_text(text, encoding="utf-8")
    print(text)
    sys.exit(1 if moved else 0)


if __name__ == "__main__":
    main()
