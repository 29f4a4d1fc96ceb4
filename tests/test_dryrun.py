"""The dry run's rule (emnlp21.book.params): the full profile's shapes and lists, its work cut to the least."""

from __future__ import annotations

import pytest

from emnlp21 import book
from emnlp21.book import params

SECTIONS = ("conference", "practice", "kobayashi", "small_models", "sinha", "wei", "yamaguchi", "ctal")


@pytest.fixture()
def dry(monkeypatch):
    monkeypatch.setenv(params.DRY_RUN_ENV, "1")


def test_rule_cuts_steps_checkpoints_sizes_and_seeds_but_keeps_shapes_and_lists(dry):
    full = {s: params.parameters(s, {"profile": "full"}) for s in SECTIONS}
    sm, si, we = full["small_models"], full["sinha"], full["wei"]
    assert sm.dry_run and sm.profile == "full"
    assert (sm.steps, sm.checkpoint_steps, sm.benchmark_steps) == (20, [5, 10], 2)  # 20,000 / 1000; [5000, 10000] too
    assert (si.grammar_steps, si.grammar_checkpoint_steps, si.grammar_agreement_steps) == (20, [2, 5, 10], 20)
    assert sm.previous_recipe["steps"] == 2 and sm.previous_recipe["hidden"] == 64  # at least 2; shapes kept
    assert (sm.layers, sm.hidden, sm.heads, sm.seq_len, sm.vocab_size) == (6, 512, 8, 128, 16000)
    assert si.variants == ["MN", "M4", "M3", "M2", "M1", "MNP", "MUG", "MRI"] and sm.finetune_seeds == [0, 1]  # of 5
    assert (full["wei"].seeds, full["ctal"].recon_seeds) == ([0, 1], [0, 1])  # of 3
    # words: max(floor, 20M / 1000); items: max(16, 20,000 / 1000)
    assert (sm.max_words, sm.n_train, sm.finetune_max_epochs) == (30_000, 20, 1)
    assert we.corpus_words == params.SIZE_FLOORS["corpus_words"]  # None ("all") becomes the floor
    assert full["kobayashi"].model == "bert-base-uncased" and full["kobayashi"].fallback_model == "all-MiniLM-L6-v2"
    assert full["ctal"].max_steps == 512  # frames per utterance: a shape, not a training step
    assert (full["ctal"].speakers, full["ctal"].heldout_speakers, full["ctal"].cv_folds) == (10, 4, 5)  # folds kept


def test_rule_never_raises_a_value_and_keeps_checkpoints_inside_their_run(dry):
    for profile in ("quick", "full"):
        for s in SECTIONS:
            cut = params.parameters(s, {"profile": profile})
            for name, value in cut.items():
                if name in params.SIZE_FLOORS and isinstance(value, int):
                    assert value <= (params.load_profile("quick")[s][name] if profile == "quick" else 10 ** 9)
            for name, run in params.CHECKPOINTS.items():
                if name in cut:
                    assert all(1 <= x <= cut[run] for x in cut[name]) and len(set(cut[name])) == len(cut[name])
    quick = params.parameters("small_models", {"profile": "quick"})
    assert (quick.steps, quick.checkpoint_steps) == (2, [1])  # 1200 steps -> 2; step 500 -> inside 1..2


def test_without_the_switch_nothing_changes(monkeypatch):
    monkeypatch.delenv(params.DRY_RUN_ENV, raising=False)
    sm = params.parameters("small_models", {"profile": "full"})
    assert not sm.dry_run and sm.steps == 20000 and sm.checkpoint_steps == [5000, 10000]


def test_claims_of_a_dry_run_are_marked(dry):
    claims = book.Claims("conference", "full")
    c = claims.add("conference.x", en="x", ja="x", paper="1", source="s", ours="1", kind="check",
                   estimate=book.evidence.Estimate.exact(1.0), region=book.evidence.above(0))
    assert c.dry_run
    path = claims.save()
    assert book.claims.load_all(path.parent)[0].dry_run


@pytest.mark.slow
@pytest.mark.dryrun
def test_the_dry_run_executes_every_chapter_of_the_toc():
    """``make dryrun`` from start to end: every notebook of ``_toc.yml`` runs with the full profile's
    shapes and lists (a cell that raises fails the test) and writes claims marked as a dry run. It runs
    as the user would, in the user's environment: its artefacts go to ``dryrun/`` of the user's cache
    (a second run reuses them), its output is echoed as it comes (``make dryrun`` passes ``-s``)."""
    import json
    import subprocess
    import sys

    from conftest import USER_ENVIRONMENT
    from emnlp21.book.execute import section_of, toc_chapters
    from emnlp21.core.paths import project_root

    root = project_root()  # the dry run points claims and figures at _build/dryrun/ itself
    proc = subprocess.Popen([sys.executable, "-m", "emnlp21.book", "execute", "--profile", "full", "--dry-run",
                             "--force"], cwd=root, env=USER_ENVIRONMENT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = []
    for line in proc.stdout:
        print(line, end="", flush=True)
        lines.append(line)
    output = "".join(lines)
    assert proc.wait() == 0, output[-6000:]
    claims = root / "_build" / "dryrun" / "claims"
    for name in toc_chapters():
        assert f"[book] {name}: done" in output, name
        records = json.loads((claims / f"{section_of(name)}.json").read_text())
        assert records and all(r["dry_run"] for r in records), name
