"""The conference numbers recomputed from data/ must equal the talk's figures."""

import pandas as pd
import pytest

from emnlp21 import conference
from emnlp21.book import data_dir


@pytest.fixture(scope="module")
def stats():
    return conference.statistics("EMNLP")


def test_every_data_row_has_a_source_and_a_known_status():
    for path in data_dir().glob("*.csv"):
        df = pd.read_csv(path)
        assert df["source"].notna().all(), path.name
        assert set(df["status"]) <= conference.STATUSES, path.name


def test_increases_equal_the_talks_slide(stats):
    g = conference.growth(stats, 2017, 2021)
    assert g.increase.tolist() == [813, 645, 483, 241]
    assert g.increase_pct.round().astype(int).tolist() == [57, 29, 17, 7]


def test_growth_needs_every_year(stats):
    with pytest.raises(ValueError, match="no submission count"):
        conference.growth(stats[stats.year != 2019], 2017, 2021)


def test_acceptance_band_holds_2015_to_2021_and_not_beyond(stats):
    band = conference.years_in_band(stats, 0.22, 0.25)
    assert conference.longest_run(band.year, band.in_band) == (2015, 2021)
    assert not band.set_index("year").loc[[2014, 2022], "in_band"].any()


def test_longest_run_picks_the_longest_consecutive_stretch():
    assert conference.longest_run([1, 2, 3, 5, 6, 7, 8], [1, 1, 0, 1, 1, 1, 1]) == (5, 8)
    assert conference.longest_run([1, 2, 4, 5], [1, 1, 1, 1]) == (1, 2)


def test_programme_falls_in_the_japanese_night():
    programme = conference.schedule("America/Santo_Domingo", "Asia/Tokyo")
    first, last = conference.reader_window(programme)
    assert (first, last) == (21.5, 34.0)  # 21:30 to 10:00 the next morning
    assert (programme.start_reader - programme.start).dt.total_seconds().eq(0).all()  # same instants


def test_oral_sessions_count_tracks_not_posters():
    slots = conference.oral_sessions_per_track(conference.schedule())
    assert "In-person Poster" not in slots.index
    assert slots["Information Extraction"] == 5 and slots["Machine Translation and Multilinguality"] == 4


# --- the verdicts: exact estimates against regions stated in advance ---------------------------------------

from emnlp21 import book  # noqa: E402
from emnlp21.conference import verdicts  # noqa: E402


@pytest.fixture()
def board(tmp_path, monkeypatch):
    monkeypatch.setenv("EMNLP21_CLAIMS", str(tmp_path))
    return lambda chapter: book.Claims(chapter, "test")


def _conference_claims(board, stats, named=None, tracks_named=None):
    growth = conference.growth(stats, 2017, 2021)
    band = conference.years_in_band(stats, *verdicts.TALK_BAND)
    named = conference.tracks().set_index("track") if named is None else named
    slots = conference.oral_sessions_per_track(conference.schedule())
    claims = board("conference")
    verdicts.add_conference_claims(claims, growth=growth, band=band, run=conference.longest_run(band.year, band.in_band),
                                   named=named, slots=slots)
    return {c.id: c for c in claims.items}


def test_conference_verdicts_on_the_sourced_tables(board, stats):
    got = _conference_claims(board, stats)
    assert {k: (c.kind, c.verdict) for k, c in got.items()} == {
        "conference.increases": ("check", "holds"), "conference.growth_slowing": ("finding", "holds"),
        "conference.acceptance_band": ("finding", "holds"), "conference.popular_tracks": ("finding", "fails")}
    for c in got.values():
        assert c.interval.low == c.interval.high  # counts from sourced tables: exact
    assert got["conference.popular_tracks"].interval.value == 2  # dialogue and QA are not the program chairs'
    assert got["conference.acceptance_band"].interval.value < 0  # every year inside, by a margin


def test_conference_verdicts_fail_when_the_data_say_otherwise(board, stats):
    bumped = stats.copy()
    bumped.loc[bumped.year == 2019, "submissions"] += 5  # +650 and +478: the talk's counts no longer match
    bumped.loc[bumped.year == 2021, "submissions"] = 3300  # 2021 shrinks: growth no longer every year
    bumped.loc[bumped.year == 2016, "accepted_total"] = 300  # 2016 at 27.6 %, outside the band
    bumped["acceptance_rate"] = bumped["accepted_total"] / bumped["submissions"]
    named = conference.tracks().set_index("track").assign(named_by_program_chairs="yes")
    got = _conference_claims(board, bumped, named=named)
    assert {k: c.verdict for k, c in got.items()} == {
        "conference.increases": "fails", "conference.growth_slowing": "fails",
        "conference.acceptance_band": "fails", "conference.popular_tracks": "holds"}


def test_quote_deviation_is_in_units_of_the_talks_last_digit(stats):
    growth = conference.growth(stats, 2017, 2021)
    assert verdicts.quote_deviation(growth) < 0.5
    assert verdicts.quote_deviation(growth.assign(increase=growth.increase + [0, 0, 1, 0])) == 1.0
    with pytest.raises(ValueError, match="quotes"):
        verdicts.quote_deviation(growth.iloc[:3])


def test_slowdown_and_band_excess_have_the_sign_of_the_claim():
    g = pd.DataFrame({"increase_pct": [50.0, 30.0, 10.0]})
    assert verdicts.slowdown(g) == 10.0
    assert verdicts.slowdown(g.assign(increase_pct=[50.0, 30.0, 35.0])) == -5.0  # sped up again
    assert verdicts.slowdown(g.assign(increase_pct=[50.0, 30.0, -1.0])) == -1.0  # shrank
    band = pd.DataFrame({"year": [1, 2], "acceptance_rate": [0.23, 0.245]})
    assert verdicts.band_excess(band, 0.22, 0.25, (1, 2)) == pytest.approx(-0.5)
    assert verdicts.band_excess(band.assign(acceptance_rate=[0.23, 0.26]), 0.22, 0.25, (1, 2)) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="missing"):
        verdicts.band_excess(band, 0.22, 0.25, (1, 3))


def test_practice_verdicts_on_the_programme_and_on_a_shifted_one(board):
    programme = conference.schedule()
    claims = board("practice")
    verdicts.add_practice_claims(claims, programme=programme, window=conference.reader_window(programme))
    got = {c.id: c for c in claims.items}
    assert (got["practice.night_in_japan"].kind, got["practice.night_in_japan"].verdict) == ("finding", "holds")
    assert (got["practice.session_lengths"].kind, got["practice.session_lengths"].verdict) == ("check", "holds")
    assert 90 < got["practice.night_in_japan"].interval.value < 100
    # the same programme six hours earlier on the venue's clock is a Japanese afternoon and evening
    early = conference.schedule("Asia/Dubai", "Asia/Tokyo")
    early.loc[early.kind == "oral", "end"] += pd.Timedelta(minutes=15)
    claims = board("practice")
    verdicts.add_practice_claims(claims, programme=early, window=conference.reader_window(early))
    assert {c.id: c.verdict for c in claims.items} == {"practice.night_in_japan": "fails", "practice.session_lengths": "fails"}
