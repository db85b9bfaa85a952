"""The member record validator: one whole record against the standard and a required-field profile.

Each field is normalised (labels to codes, dates to ``date``, the ID number to its normalised form) and
cross-checked: gender and birth date must agree with a GB 11643 number and are derived from it when left
blank; the join date must not be in the future and an age outside 16..100 at joining is a warning. Every
member needs a unit and a grassroots union (no 空挂会员), whatever the profile says.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from exchange.standard.code_lists import code_list
from exchange.standard.dates import china_today
from exchange.standard.id_numbers import RESIDENT_ID, validate_id_number
from exchange.standard.identity import IdentityDocument
from exchange.standard.problems import Problem, ProblemCode, problem
from exchange.standard.profiles import Profile
from exchange.standard.record_fields import (
    RecordCheck,
    check_code,
    check_date,
    check_phone,
    check_required,
    check_text,
)
from exchange.standard.text import foreign_characters, shown

# Field -> code list. The order is the order problems are reported in.
MEMBER_CODE_FIELDS: Final = {
    "idType": "id_type",
    "gender": "gender",
    "ethnicity": "ethnicity",
    "politicalStatus": "political_status",
    "education": "education",
    "householdType": "household_type",
    "nationality": "country",
    "employmentStatus": "employment_status",
    "newEmploymentForm": "new_employment_form",
    "unionPosition": "union_position",
    "positionKind": "position_kind",
    "cardStatus": "card_status",
}
MEMBER_DEFAULTS: Final = {"idType": RESIDENT_ID, "nationality": "CHN"}
# Required of every member by the standard itself; profiles add to these.
ALWAYS_REQUIRED: Final = frozenset({"name", "idNumber", "gender", "phone"})
LONGEST_NAME: Final = 50
LONGEST_REFERENCE: Final = 200
_YOUNGEST, _OLDEST = 16, 100

# Chinese characters (with extensions), Latin letters, the middle dot of minority and foreign names,
# spaces, hyphens and apostrophes of foreign names.
_NAME_CHARACTER = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f\uf900-\ufaffA-Za-z· '\-.]")
_NAME_DOTS = re.compile(r"[•∙⋅・．‧]")


@dataclass(frozen=True, slots=True)
class MemberVerdict:
    """A checked member record: normalised ``values`` (codes, dates, text), the identity document, problems."""

    values: dict[str, object]
    document: IdentityDocument | None
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def valid(self) -> bool:
        """True when the record may be stored."""
        return not self.errors


class _MemberCheck(RecordCheck):
    document: IdentityDocument | None = None
    birth_from_id: datetime.date | None = None
    gender_from_id: str | None = None


def _check_codes(check: _MemberCheck) -> None:
    for name, list_name in MEMBER_CODE_FIELDS.items():
        check_code(check, name, list_name)
        if name in MEMBER_DEFAULTS and not check.present(name):
            check.values[name] = MEMBER_DEFAULTS[name]


def _check_name(check: _MemberCheck) -> None:
    name = check_text(check, "name", LONGEST_NAME)
    if not name:
        return
    name = _NAME_DOTS.sub("·", name)
    bad = foreign_characters(name, _NAME_CHARACTER)
    if bad:
        check.errors.append(problem(ProblemCode.NAME_CHARACTERS, "name", value=shown(name), chars=bad))
        del check.values["name"]
    else:
        check.values["name"] = name


def _check_id_number(check: _MemberCheck) -> None:
    id_type = check.values.get("idType")
    if not check.present("idNumber") or not isinstance(id_type, str):
        return
    verdict = validate_id_number(id_type, check.raw["idNumber"], today=check.today)
    check.errors.extend(verdict.errors)
    check.warnings.extend(verdict.warnings)
    if verdict.valid:
        check.values["idNumber"] = verdict.normalized
        check.document = verdict.document
        check.birth_from_id = verdict.birth_date
        check.gender_from_id = verdict.gender


def _check_gender(check: _MemberCheck) -> None:
    derived = check.gender_from_id
    given = check.values.get("gender")
    if given is None and derived is not None and not check.failed("gender"):
        check.values["gender"] = derived
    elif given is not None and derived is not None and given != derived:
        labels = code_list("gender")
        del check.values["gender"]
        check.errors.append(
            problem(
                ProblemCode.GENDER_MISMATCH, "gender", gender=labels.label(str(given)), expected=labels.label(derived)
            )
        )


def _check_birth_date(check: _MemberCheck) -> None:
    derived = check.birth_from_id
    given = check_date(check, "birthDate")
    if given is None:
        if derived is not None:
            check.values["birthDate"] = derived
        return
    if "birthDate" not in check.values or derived is None or given.date is None:
        return
    if given.month_only:
        agrees = (given.date.year, given.date.month) == (derived.year, derived.month)
    else:
        agrees = given.date == derived
    if agrees:
        check.values["birthDate"] = derived
    else:
        del check.values["birthDate"]
        check.errors.append(
            problem(
                ProblemCode.BIRTH_DATE_MISMATCH,
                "birthDate",
                birth=given.date.isoformat(),
                expected=derived.isoformat(),
            )
        )


def _age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _check_join_age(check: _MemberCheck) -> None:
    check_date(check, "joinedOn")
    birth = check.values.get("birthDate")
    if not isinstance(birth, datetime.date):
        return
    joined = check.values.get("joinedOn")
    age = _age_on(birth, joined if isinstance(joined, datetime.date) else check.today)
    if not _YOUNGEST <= age <= _OLDEST:
        check.warnings.append(problem(ProblemCode.MEMBER_AGE_RANGE, "joinedOn", age=age))


def _check_placement(check: _MemberCheck) -> None:
    for name, missing in (("unit", ProblemCode.MEMBER_WITHOUT_UNIT), ("union", ProblemCode.MEMBER_WITHOUT_UNION)):
        if check_text(check, name, LONGEST_REFERENCE) == "":
            check.errors.append(problem(missing, name))


def validate_member(
    record: Mapping[str, object], profile: Profile, *, today: datetime.date | None = None
) -> MemberVerdict:
    """Check a member record (keys are STANDARD.md's camelCase field names) against ``profile``."""
    check = _MemberCheck(record, today or china_today())
    _check_name(check)
    _check_codes(check)
    _check_id_number(check)
    _check_gender(check)
    _check_birth_date(check)
    _check_join_age(check)
    check_phone(check, "phone", allow_landline=False)
    _check_placement(check)
    check_required(check, (ALWAYS_REQUIRED | profile.member) - {"unit", "union"})
    return MemberVerdict(
        values=check.values,
        document=check.document,
        errors=tuple(check.errors),
        warnings=tuple(check.warnings),
    )
