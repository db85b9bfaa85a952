"""Statistics dimensions: what members can be counted by, and how a member falls into each."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Dimension(StrEnum):
    """A way to group members; each value is a code of the named code list."""

    ORG_LEVEL = "org_level"
    UNION_TYPE = "union_type"
    UNIT_NATURE = "unit_nature"
    GENDER = "gender"
    AGE_BAND = "age_band"
    EDUCATION = "education"
    POLITICAL_STATUS = "political_status"
    HOUSEHOLD_TYPE = "household_type"
    NEW_EMPLOYMENT_FORM = "new_employment_form"
    STATUS = "member_status"


MAX_GROUP_DIMENSIONS = 2


@dataclass(frozen=True, slots=True)
class CountRow:
    """The number of members with one combination of dimension values (``None``: not recorded), and the sum of
    the ages of those of them whose birth date is recorded (``aged``)."""

    keys: tuple[str | None, ...]
    count: int
    age_sum: int = 0
    aged: int = 0


def merge_count_rows(*parts: Sequence[CountRow]) -> list[CountRow]:
    """Counts of disjoint sets of members added up by keys, in key order with "not recorded" last."""
    merged: dict[tuple[str | None, ...], CountRow] = {}
    for row in itertools.chain(*parts):
        seen = merged.get(row.keys)
        merged[row.keys] = (
            row
            if seen is None
            else CountRow(row.keys, seen.count + row.count, seen.age_sum + row.age_sum, seen.aged + row.aged)
        )
    return sorted(merged.values(), key=lambda row: tuple((key is None, key or "") for key in row.keys))


# Upper bounds (exclusive) of the age bands 1..5; band 6 is 60 and over.
AGE_BAND_LIMITS = (25, 35, 45, 55, 60)

# Rollups keep, per organisation, the members below it counted by every pair of these dimensions, each row
# also keyed by membership status; one or two dimensions of any question are read from one pair.
PAIRED_DIMENSIONS = tuple(dimension for dimension in Dimension if dimension is not Dimension.STATUS)
ROLLUP_PAIRS = tuple(itertools.combinations(PAIRED_DIMENSIONS, 2))


@dataclass(frozen=True, slots=True)
class RollupReading:
    """Where a question's answer is in the rollups: the pair's index in ``ROLLUP_PAIRS`` and, for each asked
    dimension in order, the rollup column holding it (``key1``, ``key2`` or ``status``)."""

    pair: int
    columns: tuple[str, ...]


def rollup_reading(dimensions: Sequence[Dimension]) -> RollupReading:
    """How to read counts by ``dimensions`` (one or two, distinct) from the rollups."""
    paired = [dimension for dimension in dimensions if dimension is not Dimension.STATUS]
    pair = next(index for index, candidate in enumerate(ROLLUP_PAIRS) if set(paired) <= set(candidate))

    def column(dimension: Dimension) -> str:
        return "status" if dimension is Dimension.STATUS else f"key{ROLLUP_PAIRS[pair].index(dimension) + 1}"

    return RollupReading(pair=pair, columns=tuple(column(dimension) for dimension in dimensions))


def age_on(birth: datetime.date, day: datetime.date) -> int:
    """Age in whole years on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_band(birth: datetime.date, day: datetime.date) -> str:
    """The ``age_band`` code of someone born on ``birth``, on ``day``."""
    age = age_on(birth, day)
    for band, limit in enumerate(AGE_BAND_LIMITS, start=1):
        if age < limit:
            return str(band)
    return str(len(AGE_BAND_LIMITS) + 1)


def age_band_birth_ranges(day: datetime.date) -> list[tuple[str, datetime.date | None, datetime.date | None]]:
    """For each age band on ``day``: (code, earliest birth date, latest birth date), open ends as ``None``.

    Lets the database count by age band with plain date comparisons on an indexed birth date.
    """
    ranges: list[tuple[str, datetime.date | None, datetime.date | None]] = []
    lower_ages = (0, *AGE_BAND_LIMITS)
    for band, low in enumerate(lower_ages, start=1):
        high = AGE_BAND_LIMITS[band - 1] if band <= len(AGE_BAND_LIMITS) else None
        latest = years_before(day, low)  # born on or before this date: at least `low` years old
        earliest = years_before(day, high) + datetime.timedelta(days=1) if high is not None else None
        ranges.append((str(band), earliest, latest))
    return ranges


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` earlier (28 February for a 29 February that did not exist)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def birthday_number(day: datetime.date) -> int:
    """``month * 100 + day``: birthdays in calendar order as plain numbers (29 February is 229)."""
    return day.month * 100 + day.day


def birthdays_between(one: datetime.date, other: datetime.date) -> tuple[tuple[int, int], ...] | None:
    """The birthdays (as ``birthday_number``) of the people whose age differs between two days, as ranges
    ``(after, up_to)``; ``None`` when the days are a year or more apart, so anyone's may."""
    earlier, later = sorted((one, other))
    if (later - earlier).days >= 365:
        return None
    if earlier == later:
        return ()
    after, up_to = birthday_number(earlier), birthday_number(later)
    if earlier.year == later.year:
        return ((after, up_to),)
    return ((after, 1231), (0, up_to))
