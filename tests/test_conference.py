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
