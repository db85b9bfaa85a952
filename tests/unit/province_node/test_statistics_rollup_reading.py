"""Reading counts from the rollups: which pair and columns answer a question, whose ages differ between two
days, and how partial counts add up."""

from __future__ import annotations

import datetime
import itertools

import pytest

from province_node.domain.statistics import (
    PAIRED_DIMENSIONS,
    ROLLUP_PAIRS,
    CountRow,
    Dimension,
    age_on,
    birthday_number,
    birthdays_between,
    merge_count_rows,
    rollup_reading,
)


def test_every_two_dimensions_but_the_status_are_a_pair() -> None:
    assert len(ROLLUP_PAIRS) == len(PAIRED_DIMENSIONS) * (len(PAIRED_DIMENSIONS) - 1) // 2
    assert Dimension.STATUS not in PAIRED_DIMENSIONS


@pytest.mark.parametrize("dimensions", [list(pair) for pair in itertools.permutations(Dimension, 2)])
def test_any_two_dimensions_are_read_from_one_pair_in_the_order_asked(dimensions: list[Dimension]) -> None:
    reading = rollup_reading(dimensions)
    pair = ROLLUP_PAIRS[reading.pair]
    for dimension, column in zip(dimensions, reading.columns, strict=True):
        expected = "status" if dimension is Dimension.STATUS else f"key{pair.index(dimension) + 1}"
        assert column == expected


@pytest.mark.parametrize("dimension", list(Dimension))
def test_one_dimension_is_read_from_a_pair_holding_it(dimension: Dimension) -> None:
    reading = rollup_reading([dimension])
    assert len(reading.columns) == 1
    if dimension is not Dimension.STATUS:
        assert dimension in ROLLUP_PAIRS[reading.pair]


def _ages_differ(born: datetime.date, one: datetime.date, other: datetime.date) -> bool:
    return age_on(born, one) != age_on(born, other)


def _within(ranges: tuple[tuple[int, int], ...] | None, born: datetime.date) -> bool:
    return ranges is None or any(after < birthday_number(born) <= up_to for after, up_to in ranges)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (datetime.date(2026, 11, 22), datetime.date(2026, 11, 23)),
        (datetime.date(2026, 11, 22), datetime.date(2027, 3, 1)),
        (datetime.date(2027, 2, 28), datetime.date(2027, 3, 1)),
        (datetime.date(2028, 2, 28), datetime.date(2028, 2, 29)),
        (datetime.date(2026, 12, 31), datetime.date(2026, 1, 1)),
        (datetime.date(2026, 6, 1), datetime.date(2026, 6, 1)),
    ],
)
def test_the_birthdays_between_two_days_are_those_of_everyone_whose_age_differs(
    one: datetime.date, other: datetime.date
) -> None:
    ranges = birthdays_between(one, other)
    everyone = [datetime.date(2000, 1, 1) + datetime.timedelta(days=offset) for offset in range(366)]
    assert [born for born in everyone if _ages_differ(born, one, other)] == [
        born for born in everyone if _within(ranges, born)
    ]


def test_days_a_year_or_more_apart_change_anyones_age() -> None:
    assert birthdays_between(datetime.date(2026, 1, 1), datetime.date(2027, 1, 1)) is None
    assert birthdays_between(datetime.date(2029, 1, 1), datetime.date(2026, 1, 1)) is None


def test_partial_counts_add_up_by_keys_with_not_recorded_last() -> None:
    merged = merge_count_rows(
        [CountRow(("2",), 3, 90, 3), CountRow((None,), 1, 0, 0)],
        [CountRow(("2",), 2, 50, 1), CountRow(("1",), 4, 120, 4)],
    )
    assert merged == [CountRow(("1",), 4, 120, 4), CountRow(("2",), 5, 140, 4), CountRow((None,), 1, 0, 0)]
