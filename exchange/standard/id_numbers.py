"""Personal ID numbers of every ``id_type``: validation, normalisation and the identity document.

The resident ID (GB 11643-1999) is the common case. Hard errors: wrong length or characters, wrong check
character, an impossible or future birth date, a first-two-digit prefix that is not a province. The
six-digit region is the code in force when the card was *issued*, so an unknown code is only a warning
and it is never compared with the birth year. Fifteen-digit numbers are upgraded to eighteen. Numbers
that Excel stored as numbers have lost digits and are refused with an explanation.

Residence permits for Hong Kong, Macao and Taiwan residents and the 2023 foreign permanent resident ID
share the GB 11643 layout (six-character prefix, birth date, sequence, check) and its checksum.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable
from typing import Final

from exchange.standard.checksums import mod11_2_check
from exchange.standard.code_lists import code_list
from exchange.standard.dates import china_today
from exchange.standard.identity import IdentityDocument
from exchange.standard.problems import Problem, ProblemCode, problem
from exchange.standard.regions import is_known_region, resident_id_prefixes
from exchange.standard.text import cell_text, clean_text, identifier_cell, shown
from exchange.standard.verdict import PersonIdVerdict

RESIDENT_ID: Final = "01"
HK_MACAO_RESIDENCE_PERMIT: Final = "02"
TAIWAN_RESIDENCE_PERMIT: Final = "03"
HK_MACAO_TRAVEL_PERMIT: Final = "04"
TAIWAN_TRAVEL_PERMIT: Final = "05"
FOREIGN_PERMANENT_RESIDENT_ID: Final = "06"
PASSPORT: Final = "07"

MALE: Final = "1"
FEMALE: Final = "2"

# ASCII digits only: NFKC leaves other scripts' digits (٤٣…) as they are, and a number written in them
# would be a second identity of the same person.
_GB11643 = re.compile(r"\d{17}[\dX]", re.ASCII)
_FIRST_GENERATION = re.compile(r"\d{15}", re.ASCII)
_ID_CHARACTER = re.compile(r"[\dX]", re.ASCII)
_EXCEL_SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+?\d+", re.ASCII)
_HK_MACAO_TRAVEL = re.compile(r"[HM]\d{8}(\d{2})?", re.ASCII)
_TAIWAN_TRAVEL = re.compile(r"\d{8}", re.ASCII)
_FOREIGN_OLD = re.compile(r"(?P<country>[A-Z]{3})\d{12}", re.ASCII)
_PASSPORT = re.compile(r"(?P<country>[A-Z]{3}|[^\x00-\x7f]+?)[\s:\-]*(?P<number>[A-Z0-9]{5,17})")
_EARLIEST_BIRTH_YEAR: Final = 1900


# A prefix rule returns None when the first six characters are acceptable, else the problem.
PrefixRule = Callable[[str, str, str], Problem | None]


def _resident_prefix(number: str, field: str, shown_value: str) -> Problem | None:
    if number[:2] not in resident_id_prefixes():
        return problem(ProblemCode.ID_PROVINCE, field, value=shown_value, prefix=number[:2])
    return None


def _fixed_prefix(prefixes: tuple[str, ...], id_type: str, expected: str) -> PrefixRule:
    def rule(number: str, field: str, shown_value: str) -> Problem | None:
        if number.startswith(prefixes):
            return None
        return problem(ProblemCode.ID_FORMAT, field, value=shown_value, id_type=id_type, expected=expected)

    return rule


def _birth_date(digits: str) -> datetime.date | None:
    try:
        birth = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return birth if birth.year >= _EARLIEST_BIRTH_YEAR else None


def _check_gb11643(
    value: object,
    number: str,
    *,
    field: str,
    prefix_rule: PrefixRule,
    id_type: str,
    today: datetime.date,
    warnings: tuple[Problem, ...] = (),
) -> PersonIdVerdict:
    """Check an 18-character number laid out as GB 11643 (any ``id_type`` that shares the layout)."""
    if not _GB11643.fullmatch(number):
        if any(not _ID_CHARACTER.fullmatch(char) for char in number) or "X" in number[:-1]:
            return _refuse(value, problem(ProblemCode.ID_CHARACTERS, field, value=shown(number)))
        return _refuse(value, problem(ProblemCode.ID_LENGTH, field, value=shown(number), length=len(number)))
    text = number  # only digits and X from here on: safe to show as is
    errors: list[Problem] = []
    expected = mod11_2_check(number[:17])
    if number[17] != expected:
        # Excel keeps 15 significant digits: an 18-digit ID typed as a number ends in 000.
        code = ProblemCode.ID_EXCEL_NUMBER if number.endswith("000") else ProblemCode.ID_CHECKSUM
        errors.append(problem(code, field, value=text, expected=expected))
    prefix_problem = prefix_rule(number, field, text)
    if prefix_problem:
        errors.append(prefix_problem)
    birth = _birth_date(number[6:14])
    if birth is None:
        errors.append(problem(ProblemCode.ID_BIRTH_DATE, field, value=text, digits=number[6:14]))
    elif birth > today:
        errors.append(problem(ProblemCode.ID_BIRTH_FUTURE, field, value=text, birth=birth.isoformat()))
    if errors:
        return _refuse(value, *errors)
    gender = MALE if int(number[16]) % 2 else FEMALE
    return PersonIdVerdict(
        input=value,
        normalized=number,
        warnings=warnings,
        birth_date=birth,
        gender=gender if id_type != FOREIGN_PERMANENT_RESIDENT_ID else None,
        document=IdentityDocument(id_type, number),
    )


def _refuse(value: object, *errors: Problem) -> PersonIdVerdict:
    return PersonIdVerdict(input=value, normalized=None, errors=errors)


def _identifier(value: object, field: str) -> str | PersonIdVerdict:
    """The compacted identifier of a cell, or the verdict refusing the cell outright."""
    if isinstance(value, float) and (not value.is_integer() or abs(value) >= 1e15):
        return _refuse(value, problem(ProblemCode.ID_EXCEL_NUMBER, field, value=shown(f"{value:.15G}")))
    number = identifier_cell(value, field)
    return _refuse(value, number) if isinstance(number, Problem) else number


def validate_resident_id(
    value: object, *, today: datetime.date | None = None, field: str = "idNumber"
) -> PersonIdVerdict:
    """Check and normalise a resident ID number (居民身份证, GB 11643-1999)."""
    number = _identifier(value, field)
    if isinstance(number, PersonIdVerdict):
        return number
    today = today or china_today()
    if _EXCEL_SCIENTIFIC.fullmatch(number):
        return _refuse(value, problem(ProblemCode.ID_EXCEL_NUMBER, field, value=shown(number)))
    warnings: tuple[Problem, ...] = ()
    if _FIRST_GENERATION.fullmatch(number):
        body = number[:6] + "19" + number[6:]
        number = body + mod11_2_check(body)
        warnings = (problem(ProblemCode.ID_UPGRADED, field, normalized=number),)
    verdict = _check_gb11643(
        value, number, field=field, prefix_rule=_resident_prefix, id_type=RESIDENT_ID, today=today, warnings=warnings
    )
    if verdict.valid and not is_known_region(number[:6]):
        unknown = problem(ProblemCode.ID_REGION_UNKNOWN, field, region=number[:6])
        return dataclasses.replace(verdict, warnings=(*verdict.warnings, unknown))
    return verdict


def _format_verdict(value: object, number: str, id_type: str, field: str, expected: str) -> PersonIdVerdict:
    label = code_list("id_type").label(id_type)
    return _refuse(value, problem(ProblemCode.ID_FORMAT, field, value=shown(number), id_type=label, expected=expected))


def _validate_pattern(
    value: object, id_type: str, pattern: re.Pattern[str], expected: str, field: str
) -> PersonIdVerdict:
    number = _identifier(value, field)
    if isinstance(number, PersonIdVerdict):
        return number
    if not pattern.fullmatch(number):
        return _format_verdict(value, number, id_type, field, expected)
    return PersonIdVerdict(input=value, normalized=number, document=IdentityDocument(id_type, number))


def _validate_permit(
    value: object, id_type: str, prefixes: tuple[str, ...], field: str, today: datetime.date
) -> PersonIdVerdict:
    number = _identifier(value, field)
    if isinstance(number, PersonIdVerdict):
        return number
    label = code_list("id_type").label(id_type)
    expected = f"以 {' 或 '.join(prefixes)} 开头的 18 位号码"
    rule = _fixed_prefix(prefixes, label, expected)
    return _check_gb11643(value, number, field=field, prefix_rule=rule, id_type=id_type, today=today)


def _validate_foreign_resident(value: object, field: str, today: datetime.date) -> PersonIdVerdict:
    number = _identifier(value, field)
    if isinstance(number, PersonIdVerdict):
        return number
    old_form = _FOREIGN_OLD.fullmatch(number)
    if old_form:
        if code_list("country").get(old_form["country"]) is None:
            return _format_verdict(value, number, FOREIGN_PERMANENT_RESIDENT_ID, field, "前 3 位应为国家代码")
        return PersonIdVerdict(
            input=value, normalized=number, document=IdentityDocument(FOREIGN_PERMANENT_RESIDENT_ID, number)
        )
    label = code_list("id_type").label(FOREIGN_PERMANENT_RESIDENT_ID)
    rule = _fixed_prefix(("9",), label, "以 9 开头的 18 位号码，或 3 位国家代码加 12 位数字的旧号码")
    return _check_gb11643(
        value, number, field=field, prefix_rule=rule, id_type=FOREIGN_PERMANENT_RESIDENT_ID, today=today
    )


def _validate_passport(value: object, field: str) -> PersonIdVerdict:
    text = cell_text(value, field)
    if isinstance(text, Problem):
        return _refuse(value, text)
    cleaned = clean_text(text).upper()
    if not cleaned:
        return _refuse(value, problem(ProblemCode.VALUE_REQUIRED, field))
    match = _PASSPORT.fullmatch(cleaned)
    country = code_list("country").find(match["country"]) if match else None
    if match is None or country is None:
        written = match["country"] if match else cleaned[:3]
        return _refuse(
            value, problem(ProblemCode.ID_PASSPORT_COUNTRY, field, value=shown(cleaned), country=shown(written))
        )
    number = f"{country.code}:{match['number']}"
    return PersonIdVerdict(input=value, normalized=number, document=IdentityDocument(PASSPORT, number))


def validate_id_number(
    id_type: str, value: object, *, today: datetime.date | None = None, field: str = "idNumber"
) -> PersonIdVerdict:
    """Check and normalise an ID number of the given ``id_type`` code (see the ``id_type`` code list)."""
    today = today or china_today()
    if id_type == RESIDENT_ID:
        return validate_resident_id(value, today=today, field=field)
    if id_type == HK_MACAO_RESIDENCE_PERMIT:
        return _validate_permit(value, id_type, ("810000", "820000"), field, today)
    if id_type == TAIWAN_RESIDENCE_PERMIT:
        return _validate_permit(value, id_type, ("830000",), field, today)
    if id_type == HK_MACAO_TRAVEL_PERMIT:
        return _validate_pattern(value, id_type, _HK_MACAO_TRAVEL, "H 或 M 加 8 位或 10 位数字", field)
    if id_type == TAIWAN_TRAVEL_PERMIT:
        return _validate_pattern(value, id_type, _TAIWAN_TRAVEL, "8 位数字", field)
    if id_type == FOREIGN_PERMANENT_RESIDENT_ID:
        return _validate_foreign_resident(value, field, today)
    if id_type == PASSPORT:
        return _validate_passport(value, field)
    return _refuse(
        value, problem(ProblemCode.CODE_UNKNOWN, "idType", value=shown(id_type), examples=_id_type_examples())
    )


def _id_type_examples() -> str:
    return "、".join(entry.label for entry in code_list("id_type"))
