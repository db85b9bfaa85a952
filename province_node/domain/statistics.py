"""Statistics dimensions: what members can be counted by, and how a member falls into each."""

from __future__ import annotations

import datetime
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


# Upper bounds (exclusive) of the age bands 1..5; band 6 is 60 and over.
_AGE_BAND_LIMITS = (25, 35, 45, 55, 60)


def age_on(birth: datetime.date, day: datetime.date) -> int:
    """Age in whole years on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_band(birth: datetime.date, day: datetime.date) -> str:
    """The ``age_band`` code of someone born on ``birth``, on ``day``."""
    age = age_on(birth, day)
    for band, limit in enumerate(_AGE_BAND_LIMITS, start=1):
        if age < limit:
            return str(band)
    return str(len(_AGE_BAND_LIMITS) + 1)


def age_band_birth_ranges(day: datetime.date) -> list[tuple[str, datetime.date | None, datetime.date | None]]:
    """For each age band on ``day``: (code, earliest birth date, latest birth date), open ends as ``None``.

    Lets the database count by age band with plain date comparisons on an indexed birth date.
    """
    ranges: list[tuple[str, datetime.date | None, datetime.date | None]] = []
    lower_ages = (0, *_AGE_BAND_LIMITS)
    for band, low in enumerate(lower_ages, start=1):
        high = _AGE_BAND_LIMITS[band - 1] if band <= len(_AGE_BAND_LIMITS) else None
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
