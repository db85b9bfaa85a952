"""Field checks shared by the record validators (members, union organisations, units).

A ``RecordCheck`` holds the raw record, the normalised values found so far and the problems. Each
``check_*`` function reads one field: a blank field is left alone (``check_required`` reports blanks
the profile needs), a filled one is normalised into ``values`` or reported.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from exchange.standard.code_lists import code_list
from exchange.standard.dates import parse_date
from exchange.standard.phones import validate_phone
from exchange.standard.problems import Problem, ProblemCode, problem
from exchange.standard.text import cell_text, clean_text, shown
from exchange.standard.verdict import DateVerdict

LARGEST_COUNT = 10_000_000
_COUNT_DIGITS = 12  # room for leading zeros


def is_blank(value: object) -> bool:
    """True for an empty cell: ``None`` or text with nothing visible in it."""
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    return not value.strip() if value.isascii() else not clean_text(value)


@dataclass
class RecordCheck:
    """A record being checked: raw cells in, normalised ``values`` and problems out."""

    raw: Mapping[str, object]
    today: datetime.date
    values: dict[str, object] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def present(self, name: str) -> bool:
        """True when the record has a non-blank ``name``."""
        return not is_blank(self.raw.get(name))

    def failed(self, name: str) -> bool:
        """True when an error has been reported for ``name``."""
        return any(error.field == name for error in self.errors)


def check_text(check: RecordCheck, name: str, limit: int) -> str | None:
    """Clean text of at most ``limit`` characters, without control characters; ``""`` when blank."""
    text = cell_text(check.raw.get(name), name)
    if isinstance(text, Problem):
        check.errors.append(text)
        return None
    cleaned = clean_text(text)
    if len(cleaned) > limit:
        check.errors.append(problem(ProblemCode.VALUE_TOO_LONG, name, length=len(cleaned), limit=limit))
        return None
    if not cleaned.isprintable():
        bad = "、".join(dict.fromkeys(shown(char) for char in cleaned if not char.isprintable()))
        check.errors.append(problem(ProblemCode.VALUE_CHARACTERS, name, value=shown(cleaned), chars=bad))
        return None
    if cleaned:
        check.values[name] = cleaned
    return cleaned


def check_code(check: RecordCheck, name: str, list_name: str) -> None:
    """A label, alias or code of ``list_name``, stored as the code."""
    if not check.present(name):
        return
    entry = code_list(list_name).find(check.raw[name])
    if entry is None:
        examples = "、".join(item.label for item in list(code_list(list_name))[:6])
        check.errors.append(problem(ProblemCode.CODE_UNKNOWN, name, value=shown(check.raw[name]), examples=examples))
    else:
        check.values[name] = entry.code


def check_date(check: RecordCheck, name: str, *, future_allowed: bool = False) -> DateVerdict | None:
    """A date, refused when in the future unless ``future_allowed``; the verdict, or ``None`` when blank."""
    if not check.present(name):
        return None
    verdict = parse_date(check.raw[name], field=name)
    check.errors.extend(verdict.errors)
    check.warnings.extend(verdict.warnings)
    if verdict.date is not None and verdict.date > check.today and not future_allowed:
        check.errors.append(problem(ProblemCode.DATE_FUTURE, name, date=verdict.date.isoformat()))
    elif verdict.date is not None:
        check.values[name] = verdict.date
    return verdict


def check_phone(check: RecordCheck, name: str, *, allow_landline: bool) -> None:
    """A mobile number, or also a landline when ``allow_landline``."""
    if not check.present(name):
        return
    verdict = validate_phone(check.raw[name], allow_landline=allow_landline, field=name)
    check.errors.extend(verdict.errors)
    if verdict.valid:
        check.values[name] = verdict.normalized


def check_count(check: RecordCheck, name: str) -> None:
    """A whole number of people, 0 or more."""
    if not check.present(name):
        return
    raw = check.raw[name]
    if isinstance(raw, str):
        text = clean_text(raw)
        # Only a few ASCII digits go to int(): it refuses 4,300 digits or more, and reads other scripts' digits.
        if text.isascii() and text.isdigit() and len(text) <= _COUNT_DIGITS:
            raw = int(text)
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= LARGEST_COUNT:
        check.errors.append(problem(ProblemCode.VALUE_NOT_COUNT, name, value=shown(raw)))
    else:
        check.values[name] = raw


def check_required(check: RecordCheck, required: frozenset[str]) -> None:
    """``VALUE_REQUIRED`` for every required field left blank (a filled but refused one has its error)."""
    for name in sorted(required):
        if name not in check.values and not check.present(name):
            check.errors.append(problem(ProblemCode.VALUE_REQUIRED, name))
