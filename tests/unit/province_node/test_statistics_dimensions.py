"""Statistics dimensions: age bands computed per member and as birth-date ranges must agree."""

from __future__ import annotations

import datetime
import itertools
import random

import pytest

from province_node.domain.statistics import age_band, age_band_birth_ranges, age_on, years_before

TODAY = datetime.date(2026, 11, 22)
LEAP_DAY = datetime.date(2024, 2, 29)


def band_by_ranges(birth: datetime.date, day: datetime.date) -> str:
    """The age band whose birth-date range holds ``birth`` (what the database computes)."""
    matches = [
        code
        for code, earliest, latest in age_band_birth_ranges(day)
        if (earliest is None or birth >= earliest) and (latest is None or birth <= latest)
    ]
    assert len(matches) == 1, (birth, day, matches)
    return matches[0]


def test_age_counts_whole_years_and_turns_on_the_birthday() -> None:
    birth = datetime.date(1990, 11, 22)
    assert age_on(birth, datetime.date(2026, 11, 21)) == 35
    assert age_on(birth, datetime.date(2026, 11, 22)) == 36


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (16, "1"),
        (24, "1"),
        (25, "2"),
        (34, "2"),
        (35, "3"),
        (44, "3"),
        (45, "4"),
        (54, "4"),
        (55, "5"),
        (59, "5"),
        (60, "6"),
        (99, "6"),
    ],
)
def test_each_band_starts_at_its_lower_age(age: int, band: str) -> None:
    assert age_band(years_before(TODAY, age), TODAY) == band


def test_someone_born_on_29_february_turns_a_year_older_on_1_march_in_common_years() -> None:
    assert age_on(LEAP_DAY, datetime.date(2049, 2, 28)) == 24
    assert age_on(LEAP_DAY, datetime.date(2049, 3, 1)) == 25
    assert age_band(LEAP_DAY, datetime.date(2049, 2, 28)) == "1"
    assert age_band(LEAP_DAY, datetime.date(2049, 3, 1)) == "2"


def test_years_before_a_29_february_falls_on_28_february_in_a_common_year() -> None:
    assert years_before(LEAP_DAY, 1) == datetime.date(2023, 2, 28)
    assert years_before(LEAP_DAY, 4) == datetime.date(2020, 2, 29)


def test_the_birth_ranges_cover_every_date_without_overlap() -> None:
    ranges = age_band_birth_ranges(TODAY)
    assert [code for code, _earliest, _latest in ranges] == ["1", "2", "3", "4", "5", "6"]
    assert ranges[0][2] == TODAY
    assert ranges[-1][1] is None
    for (_code, earliest, _latest), (_next_code, _next_earliest, next_latest) in itertools.pairwise(ranges):
        assert next_latest is not None
        assert earliest is not None
        assert next_latest + datetime.timedelta(days=1) == earliest


@pytest.mark.parametrize(
    "day",
    [
        TODAY,
        LEAP_DAY,
        datetime.date(2025, 2, 28),
        datetime.date(2025, 3, 1),
        datetime.date(2028, 2, 29),
        datetime.date(2027, 12, 31),
        datetime.date(2026, 1, 1),
    ],
)
def test_bands_by_birth_range_agree_with_bands_by_age_for_many_birth_dates(day: datetime.date) -> None:
    rng = random.Random(day.toordinal())
    births = [day - datetime.timedelta(days=rng.randrange(100 * 366)) for _ in range(2000)]
    for age in (25, 35, 45, 55, 60):  # the days around each band boundary
        boundary = years_before(day, age)
        births += [boundary + datetime.timedelta(days=offset) for offset in (-2, -1, 0, 1, 2)]
    for birth in births:
        assert band_by_ranges(birth, day) == age_band(birth, day), (birth, day)


@pytest.mark.parametrize("year", range(1960, 2004, 4))  # leap years
def test_people_born_on_29_february_fall_in_the_same_band_either_way(year: int) -> None:
    birth = datetime.date(year, 2, 29)
    for day in (
        datetime.date(2026, 2, 28),
        datetime.date(2026, 3, 1),
        datetime.date(2028, 2, 28),
        datetime.date(2028, 2, 29),
        datetime.date(2028, 3, 1),
    ):
        assert band_by_ranges(birth, day) == age_band(birth, day), (birth, day)
