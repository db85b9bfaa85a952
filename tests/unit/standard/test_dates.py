"""Dates in the forms clerks write them."""

from __future__ import annotations

import datetime

import pytest

from exchange.standard import ProblemCode, excel_serial_date, parse_date

MAY_6 = datetime.date(2001, 5, 6)


@pytest.mark.parametrize(
    "written",
    [
        "2001-05-06",
        "2001/5/6",
        "2001.05.06",
        "20010506",
        "2001年5月6日",
        "2001 年 5 月 6 日",
        "２００１－０５－０６",
        "2001-05-06 00:00:00",
        37017,
        37017.0,
        "37017",
        datetime.date(2001, 5, 6),
        datetime.datetime(2001, 5, 6, 14, 30, tzinfo=datetime.UTC),
    ],
)
def test_every_common_form_reads_as_the_same_date(written: object) -> None:
    verdict = parse_date(written, field="joinedOn")
    assert verdict.date == MAY_6
    assert verdict.normalized == "2001-05-06"
    assert verdict.warnings == ()


@pytest.mark.parametrize("written", ["2001-05", "2001/5", "2001年5月", "200105", "2001.5"])
def test_a_year_and_month_is_the_first_of_the_month_with_a_warning(written: str) -> None:
    verdict = parse_date(written, field="birthDate")
    assert verdict.date == datetime.date(2001, 5, 1)
    assert verdict.month_only
    assert [warning.code for warning in verdict.warnings] == [ProblemCode.DATE_MONTH_ONLY]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("2001-02-30", ProblemCode.DATE_IMPOSSIBLE),
        ("20010230", ProblemCode.DATE_IMPOSSIBLE),
        ("2001-13", ProblemCode.DATE_IMPOSSIBLE),
        ("06/05/2001", ProblemCode.DATE_FORMAT),
        ("01-5-6", ProblemCode.DATE_FORMAT),
        ("yesterday", ProblemCode.DATE_FORMAT),
        ("1899-12-31", ProblemCode.DATE_TOO_EARLY),
        (60, ProblemCode.DATE_FORMAT),
        (-3, ProblemCode.DATE_FORMAT),
        (True, ProblemCode.VALUE_TYPE),
        ("", ProblemCode.VALUE_REQUIRED),
        (None, ProblemCode.VALUE_REQUIRED),
    ],
)
def test_ambiguous_or_impossible_dates_are_refused(written: object, code: ProblemCode) -> None:
    verdict = parse_date(written, field="foundedOn")
    assert [error.code for error in verdict.errors] == [code]
    assert verdict.date is None


@pytest.mark.parametrize(
    ("serial", "day"),
    [(1, datetime.date(1900, 1, 1)), (59, datetime.date(1900, 2, 28)), (61, datetime.date(1900, 3, 1))],
)
def test_excel_serials_around_the_phantom_leap_day(serial: int, day: datetime.date) -> None:
    assert excel_serial_date(serial) == day


def test_serial_sixty_is_the_day_that_never_was() -> None:
    assert excel_serial_date(60) is None
