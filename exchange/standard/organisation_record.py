"""Validators of union organisation and unit records, against the standard and a profile.

Union organisation (工会组织): name, union type (code), credit code (USCC or temporary code; a union's USCC
is issued by the trade-union authority, ``81`` grassroots or ``89`` other), founding date, term, leader,
contact phone (mobile or landline). Unit (单位): name, credit code, nature (code), address, employee count.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from exchange.standard.credit_codes import UNION_USCC_PREFIXES, is_temporary_code, validate_credit_code
from exchange.standard.dates import china_today
from exchange.standard.problems import Problem, ProblemCode, problem
from exchange.standard.profiles import Profile
from exchange.standard.record_fields import (
    RecordCheck,
    check_code,
    check_count,
    check_date,
    check_phone,
    check_required,
    check_text,
)

GRASSROOTS_LEVEL = "6"
GRASSROOTS_UNION_TYPES = frozenset({"1", "2"})  # 单独基层工会（单建）, 联合基层工会
LONGEST_NAME = 200
LONGEST_TEXT = 200
LONGEST_PERSON_NAME = 50


@dataclass(frozen=True, slots=True)
class RecordVerdict:
    """A checked organisation or unit record: normalised ``values`` and the problems found."""

    values: dict[str, object]
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def valid(self) -> bool:
        """True when the record may be stored."""
        return not self.errors


def _verdict(check: RecordCheck) -> RecordVerdict:
    return RecordVerdict(values=check.values, errors=tuple(check.errors), warnings=tuple(check.warnings))


def _credit_code(check: RecordCheck) -> None:
    if not check.present("creditCode"):
        return
    verdict = validate_credit_code(check.raw["creditCode"])
    check.errors.extend(verdict.errors)
    if verdict.valid:
        check.values["creditCode"] = verdict.normalized


def is_grassroots(values: Mapping[str, object]) -> bool:
    """True for a grassroots union (at the grassroots level, or of a grassroots union type)."""
    return values.get("orgLevel") == GRASSROOTS_LEVEL or values.get("unionType") in GRASSROOTS_UNION_TYPES


def validate_union_record(
    record: Mapping[str, object], profile: Profile, *, today: datetime.date | None = None
) -> RecordVerdict:
    """Check a union organisation record; a grassroots union must have a credit code."""
    check = RecordCheck(record, today or china_today())
    check_text(check, "name", LONGEST_NAME)
    check_code(check, "unionType", "union_type")
    check_code(check, "orgLevel", "org_level")
    _credit_code(check)
    check_date(check, "foundedOn")
    check_date(check, "termStart")
    check_date(check, "termEnd", future_allowed=True)
    check_text(check, "leader", LONGEST_PERSON_NAME)
    check_phone(check, "phone", allow_landline=True)
    code = check.values.get("creditCode")
    if isinstance(code, str) and not is_temporary_code(code) and not code.startswith(UNION_USCC_PREFIXES):
        check.warnings.append(problem(ProblemCode.USCC_NOT_UNION, "creditCode", value=code))
    start, end = check.values.get("termStart"), check.values.get("termEnd")
    if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end <= start:
        check.errors.append(problem(ProblemCode.TERM_ORDER, "termEnd", start=start, end=end))
    required = profile.union | {"name", "unionType", "orgLevel"}
    check_required(check, required | {"creditCode"} if is_grassroots(check.values) else required)
    return _verdict(check)


def validate_unit_record(
    record: Mapping[str, object], profile: Profile, *, today: datetime.date | None = None
) -> RecordVerdict:
    """Check a unit (employer) record."""
    check = RecordCheck(record, today or china_today())
    check_text(check, "name", LONGEST_NAME)
    _credit_code(check)
    check_code(check, "nature", "unit_nature")
    check_text(check, "address", LONGEST_TEXT)
    check_count(check, "employeeCount")
    check_required(check, profile.unit | {"name", "creditCode"})
    return _verdict(check)
