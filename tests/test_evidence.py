"""Verdicts are earned: kinds, positive controls, and margins from measured noise."""

import json

import pytest

from emnlp21 import book
from emnlp21.book import evidence
from emnlp21.book.claims import Claims, counts, load_all

CLAIM = dict(en="A beats B.", ja="A は B に勝つ。", paper="+3", source="paper, Table 1", ours="+5")


@pytest.fixture()
def board(tmp_path, monkeypatch):
    monkeypatch.setenv("EMNLP21_CLAIMS", str(tmp_path))
    return Claims("demo", "quick")


def test_a_finding_whose_control_fails_is_inconclusive_whatever_it_measured(board):
    failed = book.Control("MN above MRI on sentiment", "sentiment で MN が MRI を上回る", passed=False)
    passed = book.Control("past the unigram loss", "ユニグラム損失を下回る", passed=True)
    for holds in (True, False):
        c = board.add(f"demo.f{int(holds)}", **CLAIM, holds=holds, controls=[passed, failed])
        assert c.verdict == "inconclusive" and not c.holds
        assert [f["en"] for f in c.failed_controls] == ["MN above MRI on sentiment"]
    ok = board.add("demo.ok", **CLAIM, holds=True, controls=[passed])
    assert ok.verdict == "holds" and ok.holds
    bad = board.add("demo.bad", **CLAIM, holds=False, controls=[passed])
    assert bad.verdict == "fails"


def test_checks_and_constructions_are_counted_apart_from_findings(board):
    board.add("demo.a", **CLAIM, holds=True)
    board.add("demo.b", **CLAIM, holds=True, kind="construction")
    board.add("demo.c", **CLAIM, holds=False, kind="check")
    board.add("demo.d", **CLAIM, holds=True, controls=[book.Control("x", "x", False)])
    assert board.counts() == {"finding_holds": 1, "finding_fails": 0, "finding_inconclusive": 1,
                              "check": 1, "construction": 1}
    with pytest.raises(ValueError, match="kind"):
        board.add("demo.e", **CLAIM, holds=True, kind="proof")


def test_claims_keep_both_languages_and_round_trip(board):
    board.add("demo.t", en="x", ja="x", paper=("3 points", "3 ポイント"), source=("Table 1", "表 1"),
              ours="4.0", holds=True)
    path = board.save()
    (c,) = load_all(path.parent)
    assert (c.text("paper", "ja"), c.text("paper", "en"), c.text("ours", "ja")) == ("3 ポイント", "3 points", "4.0")
    assert c.verdict == "holds" and c.kind == "finding"
    assert counts([c])["finding_holds"] == 1


def test_old_claim_files_without_a_verdict_read_as_their_holds(tmp_path):
    (tmp_path / "old.json").write_text(json.dumps([{**CLAIM, "id": "old.x", "holds": False}]))
    (c,) = load_all(tmp_path)
    assert c.verdict == "fails" and c.kind == "finding"


def test_zero_against_seven_errors_in_500_is_not_significant_at_the_books_level_but_thirty_is():
    significant, p = evidence.counts_differ(0, 500, 7, 500)
    assert not significant and 0.01 < p < 0.05  # a bare `<` would have called this a difference
    significant, p = evidence.counts_differ(0, 500, 30, 500)
    assert significant and p < 1e-6


def test_a_difference_counts_only_beyond_the_seed_and_test_set_noise():
    # 400 test items: the binomial noise alone is about 2.5 points per model
    assert not evidence.exceeds([0.62, 0.60], [0.58, 0.59], 400)
    assert evidence.exceeds([0.80, 0.79], [0.60, 0.61], 400)
    # spread over seeds widens the margin
    assert evidence.difference_margin([0.5, 0.7], [0.5, 0.5], 400) > evidence.difference_margin([0.6, 0.6], [0.5, 0.5], 400)
    lo, hi = evidence.binomial_interval(45, 100)
    assert lo < 0.45 < hi and hi - lo > 0.2


def test_a_chapters_claims_table_speaks_the_pages_language():
    claims = Claims("conference", "quick")
    failed = evidence.Control("a control that failed", "成り立たなかった対照", False)
    claims.add("conference.x", en="x", ja="x", paper=("3 of 4", "4 件中 3 件"), source="s",
               ours=("2 of 4", "4 件中 2 件"), holds=True, controls=[failed])
    en, ja = claims.table("en"), claims.table("ja")
    assert list(en.columns) == ["claim", "kind", "paper", "ours", "verdict", "failed control"]
    assert en.iloc[0].tolist() == ["conference.x", "finding", "3 of 4", "2 of 4", "inconclusive", "a control that failed"]
    assert ja.iloc[0].tolist() == ["conference.x", "知見", "4 件中 3 件", "4 件中 2 件", "判定不能", "成り立たなかった対照"]
