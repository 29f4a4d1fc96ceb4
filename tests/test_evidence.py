"""Verdicts are earned: one statistic (a paired multi-bootstrap interval) against a region stated in
advance, kinds, positive controls and enough pre-training runs."""

import ast
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from emnlp21 import book
from emnlp21.core import evidence
from emnlp21.book.claims import Claims, counts, load_all
from emnlp21.core.evidence import Estimate, above, below, decide, within

ROOT = Path(__file__).resolve().parents[1]
CLAIM = dict(en="A beats B.", ja="A は B に勝つ。", paper="+3", source="paper, Table 1", ours="+5")
INSIDE, OUTSIDE, ACROSS = Estimate(2.0, 1.0, 3.0), Estimate(-2.0, -3.0, -1.0), Estimate(0.5, -0.5, 1.5)


@pytest.fixture()
def board(tmp_path, monkeypatch):
    monkeypatch.setenv("EMNLP21_CLAIMS", str(tmp_path))
    return Claims("demo", "quick")


@pytest.mark.parametrize("region", [above(0.0), below(0.0), within(1.0), within(0.5, center=2.0)])
def test_a_region_holds_inside_fails_outside_and_is_inconclusive_across_its_edge(region):
    for est in (INSIDE, OUTSIDE, ACROSS, Estimate(0.0, -5.0, 5.0), Estimate.exact(0.25)):
        inside = region.low < est.low and est.high < region.high
        outside = est.high <= region.low or est.low >= region.high
        assert region.judge(est) == ("holds" if inside else "fails" if outside else "inconclusive"), (region, est)
    assert above(0).judge(INSIDE) == "holds" and above(0).judge(OUTSIDE) == "fails"
    assert above(0).judge(ACROSS) == "inconclusive"
    assert within(2.0).judge(Estimate(0.1, -1.0, 1.2)) == "holds"
    assert within(2.0).judge(Estimate(0.1, -2.5, 1.2)) == "inconclusive"  # closeness needs the whole interval
    assert within(2.0).judge(Estimate(4.0, 3.0, 5.0)) == "fails"


def test_regions_say_where_they_hold_in_both_languages():
    assert above(0, unit="points").words("en") == "> 0 points"
    assert within(2.5, unit="points", unit_ja="ポイント").words("ja") == "±2.5 ポイント 以内"
    assert within(2.5, unit="points").words("en") == "within ±2.5 points"
    with pytest.raises(ValueError):
        within(0.0)


def test_a_finding_whose_control_failed_or_that_rests_on_one_pretraining_run_is_inconclusive():
    failed = book.Control("MN above MRI", "MN が MRI を上回る", passed=False)
    ok = book.Control("past the unigram loss", "ユニグラム損失を下回る", passed=True)
    assert decide("finding", INSIDE, above(0), [ok]).verdict == "holds"
    assert decide("finding", OUTSIDE, above(0), [ok]).verdict == "fails"
    d = decide("finding", INSIDE, above(0), [ok, failed])
    assert d.verdict == "inconclusive" and d.reasons == (("MN above MRI", "MN が MRI を上回る"),)
    one_run = Estimate(2.0, 1.0, 3.0, pretrain_seeds=1)
    assert decide("finding", one_run, above(0), procedure=True).verdict == "inconclusive"
    assert decide("finding", one_run, above(0), procedure=False).verdict == "holds"
    three = Estimate(2.0, 1.0, 3.0, pretrain_seeds=evidence.MIN_SEEDS)
    assert decide("finding", three, above(0), procedure=True).verdict == "holds"
    # checks and constructions are judged by the region alone: they are not evidence for a paper
    assert decide("check", one_run, above(0), [failed], procedure=True).verdict == "holds"
    with pytest.raises(ValueError, match="kind"):
        decide("proof", INSIDE, above(0))


def _paired_arms(n=400, shift=0.06, seed=0):
    """Two arms scored on the same items; item difficulty is shared, so the arms' errors correlate."""
    rng = np.random.default_rng(seed)
    easy = rng.choice([0.03, 0.5, 0.97], n)  # most items are decided by their difficulty, not by the run
    rows = []
    for arm, bonus in (("A", shift), ("B", 0.0)):
        for f in (0, 1, 2):
            correct = rng.uniform(size=n) < np.clip(easy + bonus, 0, 1)
            rows.append(pd.DataFrame({"arm": arm, "finetune_seed": f, "item": np.arange(n), "score": correct * 1.0}))
    return pd.concat(rows, ignore_index=True)


def test_a_paired_comparison_on_the_same_items_is_narrower_than_the_unpaired_one_on_the_same_numbers():
    df = _paired_arms()
    paired = evidence.difference(df, "A", "B", resamples=2000, level=0.95)
    unpaired_df = df.assign(item=np.where(df["arm"] == "B", df["item"] + 10_000, df["item"]))
    unpaired = evidence.difference(unpaired_df, "A", "B", resamples=2000, level=0.95)
    assert paired.value == pytest.approx(unpaired.value)
    assert paired.value == pytest.approx(df[df.arm == "A"].score.mean() - df[df.arm == "B"].score.mean())
    assert (paired.high - paired.low) < 0.8 * (unpaired.high - unpaired.low)
    assert paired.low < 0.06 < paired.high  # the truth is inside
    assert (paired.finetune_seeds, paired.pretrain_seeds, paired.items) == (3, 1, 400)


def test_a_two_seed_arm_does_not_give_a_narrow_interval_by_accident():
    # two pre-training runs, 0.6 and 0.8, with no noise inside a run: the plain bootstrap of two units
    # sees half their variance; ours scales their deviations so the interval is wider than the two values
    rows = [pd.DataFrame({"arm": "A", "pretrain_seed": p, "item": np.arange(50), "score": v})
            for p, v in ((0, 0.6), (1, 0.8))]
    est = evidence.mean_score(pd.concat(rows), "A")
    assert est.value == pytest.approx(0.7)
    assert est.low < 0.6 - 0.03 and est.high > 0.8 + 0.03
    assert est.pretrain_seeds == 2
    assert decide("finding", Estimate(0.7, 0.65, 0.75, pretrain_seeds=2), above(0), procedure=True).verdict == "inconclusive"


def test_clustered_items_are_resampled_as_clusters():
    rng = np.random.default_rng(1)
    verbs = np.repeat(np.arange(20), 25)  # 20 verbs, 25 items each; a verb decides most of its items
    verb_effect = rng.normal(0, 0.3, 20)[verbs]
    score = (rng.uniform(size=len(verbs)) < np.clip(0.5 + verb_effect, 0, 1)) * 1.0
    df = pd.DataFrame({"arm": "A", "item": np.arange(len(verbs)), "verb": verbs, "score": score})
    flat = evidence.mean_score(df, "A", resamples=2000, level=0.95)
    clustered = evidence.mean_score(df, "A", clusters="verb", resamples=2000, level=0.95)
    assert clustered.high - clustered.low > 1.5 * (flat.high - flat.low)
    assert clustered.items == 20


def test_the_bootstrap_is_seeded_and_refuses_too_few_resamples_or_nan():
    df = _paired_arms(n=100)
    a = evidence.difference(df, "A", "B", resamples=1000, level=0.9)
    b = evidence.difference(df, "A", "B", resamples=1000, level=0.9)
    assert (a.low, a.high) == (b.low, b.high)
    with pytest.raises(ValueError, match="too few"):
        evidence.difference(df, "A", "B", resamples=1000)  # 99 % needs 10,000
    with pytest.raises(ValueError, match="NaN"):
        evidence.mean_score(df.assign(score=np.nan), "A", resamples=1000, level=0.9)


def test_the_books_level_is_one_alpha_with_enough_resamples():
    assert evidence.ALPHA == 0.01 and evidence.LEVEL == 0.99
    assert evidence.RESAMPLES >= evidence.min_resamples(evidence.LEVEL) == 10_000
    assert evidence.chance_held(52) == pytest.approx(0.26)


def test_checks_and_constructions_are_counted_apart_from_findings(board):
    board.add("demo.a", **CLAIM, estimate=INSIDE, region=above(0))
    board.add("demo.b", **CLAIM, estimate=INSIDE, region=above(0), kind="construction")
    board.add("demo.c", **CLAIM, estimate=OUTSIDE, region=above(0), kind="check")
    board.add("demo.d", **CLAIM, estimate=INSIDE, region=above(0), controls=[book.Control("x", "x", False)])
    assert board.counts() == {"finding_holds": 1, "finding_fails": 0, "finding_inconclusive": 1,
                              "check": 1, "construction": 1}
    with pytest.raises(ValueError, match="kind"):
        board.add("demo.e", **CLAIM, estimate=INSIDE, region=above(0), kind="proof")
    with pytest.raises(TypeError):
        board.add("demo.f", **CLAIM, holds=True)  # a bare boolean decides nothing


def test_claims_keep_their_estimate_region_and_both_languages_and_round_trip(board):
    board.add("demo.t", en="x", ja="x", paper=("3 points", "3 ポイント"), source=("Table 1", "表 1"), ours="4.0",
              estimate=Estimate(4.0, 1.5, 6.5, pretrain_seeds=3, finetune_seeds=2, items=500),
              region=above(0, unit="points", unit_ja="ポイント", source="the paper's direction"), procedure=True)
    path = board.save()
    (c,) = load_all(path.parent)
    assert (c.text("paper", "ja"), c.text("paper", "en"), c.text("ours", "ja")) == ("3 ポイント", "3 points", "4.0")
    assert c.verdict == "holds" and c.kind == "finding" and c.procedure
    assert c.interval == Estimate(4.0, 1.5, 6.5, pretrain_seeds=3, finetune_seeds=2, items=500)
    assert c.estimate_text("en").startswith("+4.00 [+1.50, +6.50] points (99 % interval, 3 pre-training")
    assert c.needs_text("ja") == "> 0 ポイント（the paper's direction）"
    assert counts([c])["finding_holds"] == 1


def test_old_claim_files_without_a_verdict_read_as_their_holds(tmp_path):
    (tmp_path / "old.json").write_text(json.dumps([{**CLAIM, "id": "old.x", "holds": False}]))
    (c,) = load_all(tmp_path)
    assert c.verdict == "fails" and c.kind == "finding" and c.interval is None


def test_a_chapters_claims_table_speaks_the_pages_language(board):
    failed = evidence.Control("a control that failed", "成り立たなかった対照", False)
    board.add("demo.x", en="x", ja="x", paper=("3 of 4", "4 件中 3 件"), source="s", ours=("2 of 4", "4 件中 2 件"),
              estimate=INSIDE, region=above(0), controls=[failed])
    en, ja = board.table("en"), board.table("ja")
    assert list(en.columns) == ["claim", "kind", "paper", "ours", "estimate", "holds if", "verdict", "why inconclusive"]
    row = en.iloc[0].tolist()
    assert row[:4] == ["demo.x", "finding", "3 of 4", "2 of 4"] and row[5] == "> 0"
    assert row[6:] == ["inconclusive", "a control that failed"]
    assert ja.iloc[0].tolist()[6:] == ["判定不能", "成り立たなかった対照"]


# --- every claim is decided by the one rule -------------------------------------------------------------

def _undecided_adds(source: str) -> list[str]:
    """``claims.add(...)``-style calls that record a claim (they pass ``en=``) without an estimate and a
    region, or with a bare ``holds=``."""
    bad = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add":
            kws = {k.arg for k in node.keywords}
            if "en" in kws and ("holds" in kws or not {"estimate", "region"} <= kws):
                bad.append(ast.unparse(node)[:80])
    return bad


def _claim_adds_in_notebooks(source: str) -> list[str]:
    return [ast.unparse(n)[:80] for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "add"
            and isinstance(n.func.value, ast.Name) and n.func.value.id == "claims"]


def test_the_scan_finds_a_planted_claim_decided_without_an_interval():
    planted = 'claims.add("x.y", en="a", ja="b", paper="", source="", ours="", holds=gap > 5)'
    assert _undecided_adds(planted) and _claim_adds_in_notebooks(planted)
    fine = 'claims.add("x.y", en="a", ja="b", paper="", source="", ours="", estimate=e, region=above(0))'
    assert not _undecided_adds(fine)


def test_every_claim_in_the_library_is_decided_by_an_estimate_and_a_region_and_none_in_a_notebook():
    library = {p: _undecided_adds(p.read_text(encoding="utf-8")) for p in (ROOT / "emnlp21").rglob("*.py")}
    assert not {str(p): v for p, v in library.items() if v}
    notebooks = {p: _claim_adds_in_notebooks(p.read_text(encoding="utf-8")) for p in (ROOT / "notebooks").glob("*.py")}
    assert not {str(p): v for p, v in notebooks.items() if v}, "claims are recorded by the paper packages"
    assert not math.isnan(evidence.LEVEL)
