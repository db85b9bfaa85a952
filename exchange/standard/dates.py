"""Dates in the forms clerks write them: ``2001-05-06``, ``2001/5/6``, ``2001.05.06``, ``20010506``,
``2001年5月6日``, Excel date serials (a number, or a 5-digit text the cell was turned into), and date cells.

A year and month alone (``2001-05``, ``2001年5月``, ``200105``; the seeds' 出生年月) are accepted as the 1st
of the month with a warning. Day-first or two-digit-year forms (``06/05/2001``, ``01-5-6``) are refused:
they are ambiguous and guessing would store a wrong date silently.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Final
from zoneinfo import ZoneInfo

from exchange.standard.problems import Problem, ProblemCode, problem
from exchange.standard.text import clean_text, describe_kind, shown
from exchange.standard.verdict import DateVerdict

CHINA: Final = ZoneInfo("Asia/Shanghai")
_EARLIEST: Final = datetime.date(1900, 1, 1)
_EXCEL_EPOCH: Final = datetime.date(1899, 12, 30)
# Excel counts 1900-02-29, which never existed, as serial 60; serials before it are off by one.
_EXCEL_PHANTOM_LEAP_DAY: Final = 60
_LARGEST_SERIAL: Final = 2958465  # 9999-12-31
_TIME_SUFFIX = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_FULL = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?" + _TIME_SUFFIX)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_COMPACT_MONTH = re.compile(r"(\d{4})(\d{2})")
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")


def _refuse(value: object, error: Problem) -> DateVerdict:
    return DateVerdict(input=value, normalized=None, errors=(error,))


def _accept(value: object, day: datetime.date, field: str, *, month_only: bool = False) -> DateVerdict:
    if day < _EARLIEST:
        return _refuse(value, problem(ProblemCode.DATE_TOO_EARLY, field, value=day.isoformat()))
    warnings = (problem(ProblemCode.DATE_MONTH_ONLY, field, value=shown(value)),) if month_only else ()
    return DateVerdict(input=value, normalized=day.isoformat(), warnings=warnings, date=day, month_only=month_only)


def china_today() -> datetime.date:
    """Today's date in China, whatever time zone the server runs in (dates in records are Beijing dates)."""
    return datetime.datetime.now(CHINA).date()


def excel_serial_date(serial: float) -> datetime.date | None:
    """The date of an Excel (1900 system) serial number, ``None`` if it is not one."""
    if not math.isfinite(serial) or not 1 <= serial <= _LARGEST_SERIAL:
        return None
    whole = int(serial)
    if whole == _EXCEL_PHANTOM_LEAP_DAY:
        return None
    if whole < _EXCEL_PHANTOM_LEAP_DAY:
        whole += 1
    return _EXCEL_EPOCH + datetime.timedelta(days=whole)


def _from_parts(value: object, year: str, month: str, day: str, field: str, *, month_only: bool) -> DateVerdict:
    try:
        parsed = datetime.date(int(year), int(month), int(day))
    except ValueError:
        return _refuse(value, problem(ProblemCode.DATE_IMPOSSIBLE, field, value=shown(value)))
    return _accept(value, parsed, field, month_only=month_only)


def parse_date(value: object, *, field: str) -> DateVerdict:
    """Read a date from a cell; an empty cell is ``VALUE_REQUIRED`` (callers decide if that matters)."""
    if isinstance(value, datetime.datetime):
        return _accept(value, value.date(), field)
    if isinstance(value, datetime.date):
        return _accept(value, value, field)
    if isinstance(value, int | float) and not isinstance(value, bool):
        day = excel_serial_date(float(value))
        if day is None:
            return _refuse(value, problem(ProblemCode.DATE_FORMAT, field, value=shown(value)))
        return _accept(value, day, field)
    if value is None:
        return _refuse(value, problem(ProblemCode.VALUE_REQUIRED, field))
    if not isinstance(value, str):
        return _refuse(value, problem(ProblemCode.VALUE_TYPE, field, kind=describe_kind(value)))
    if len(value) > 100:
        return _refuse(value, problem(ProblemCode.DATE_FORMAT, field, value=shown(value)))
    text = clean_text(value)
    if not text:
        return _refuse(value, problem(ProblemCode.VALUE_REQUIRED, field))
    for pattern, month_only in ((_FULL, False), (_COMPACT, False), (_MONTH, True), (_COMPACT_MONTH, True)):
        match = pattern.fullmatch(text)
        if match:
            day_of_month = "1" if month_only else match[3]
            return _from_parts(value, match[1], match[2], day_of_month, field, month_only=month_only)
    if _SERIAL_TEXT.fullmatch(text):
        serial_day = excel_serial_date(float(text))
        if serial_day is not None:
            return _accept(value, serial_day, field)
    return _refuse(value, problem(ProblemCode.DATE_FORMAT, field, value=shown(value)))
