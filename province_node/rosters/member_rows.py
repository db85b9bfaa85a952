"""Member rows for the bulk path: checked against the standard, tokenised and sealed, as staging tuples.

This is the CPU-bound part of an import and runs in worker processes, a chunk of rows at a time.

Checking is the standard's own ``validate_member``, with a fast path in front of it: the common, clean
row (a plain Chinese name, labels the code lists know, an 18-digit resident ID with a known region, an
11-digit mobile, date cells) is accepted after cheap checks on the cells themselves, with per-column
caches; every other row, and every row the fast path has the slightest doubt about, is checked by
``validate_member`` itself. The fast path only accepts what the reference accepts, with the same values
(a property test holds it to that), so there is one set of rules and one set of messages.

Units and unions are not looked at here: the importer has resolved them to ids before sending rows.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from exchange.standard import (
    RESIDENT_ID,
    IdentityDocument,
    NationalKey,
    Problem,
    code_list,
    identity_token,
    is_known_region,
    profile,
    resident_id_prefixes,
    validate_member,
)
from exchange.standard.checksums import mod11_2_check
from exchange.standard.member_record import ALWAYS_REQUIRED, MEMBER_CODE_FIELDS, MEMBER_DEFAULTS
from province_node.domain.masking import mask_phone
from province_node.security.personal_data import PersonalDataCipher

# The person columns of the staging row, after row number and token (see ``StagedMember``).
CODED_FIELDS: Final = (
    "ethnicity", "politicalStatus", "education", "householdType", "nationality", "employmentStatus",
    "newEmploymentForm", "unionPosition", "positionKind",
)  # fmt: skip
STAGING_COLUMNS: Final = (
    "row_no", "token", "id_type", "id_number", "name", "gender", "birth_date", "phone", "phone_fingerprint",
    "phone_masked", "ethnicity", "political_status", "education", "household_type", "nationality",
    "employment_status", "new_employment_form", "union_position", "position_kind", "card_status", "joined_on",
    "union_id", "unit_id",
)  # fmt: skip
# Placeholders the reference validator sees for unit and union (resolved to ids before checking).
RESOLVED: Final = "1"
_PLAIN_NAME = re.compile(r"[\u4e00-\u9fff]{2,10}")
_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_YOUNGEST, _OLDEST = 16, 100
_BLANK: Final = (None, "")

# A staged member: the values of STAGING_COLUMNS, in order.
StagedMember = tuple[object, ...]


@dataclass(frozen=True, slots=True)
class PreparationContext:
    """What a worker needs to prepare rows of one import (picklable: sent with each chunk)."""

    province: str
    profile_name: str
    national_key: bytes = field(repr=False)
    data_key: bytes = field(repr=False)
    today: datetime.date
    fields: tuple[tuple[int, str], ...]  # sheet column index -> person field name


@dataclass
class ChunkResult:
    """A chunk prepared: the staging rows of the accepted rows, and the problems of the others."""

    accepted: list[StagedMember] = field(default_factory=list)
    rejected: list[tuple[int, list[Problem]]] = field(default_factory=list)
    warnings: list[tuple[int, list[Problem]]] = field(default_factory=list)


def _age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class RowChecker:
    """Checks the person fields of member rows against a profile, fast when it can be and exact always."""

    def __init__(self, profile_name: str, today: datetime.date, fields: Sequence[tuple[int, str]]) -> None:
        self.profile = profile(profile_name)
        self.today = today
        self.fields = tuple(fields)
        self.required = (ALWAYS_REQUIRED | self.profile.member) - {"unit", "union"}
        self.prefixes = resident_id_prefixes()
        index = {name: position for position, name in fields}
        self._name = index.get("name")
        self._id = index.get("idNumber")
        self._phone = index.get("phone")
        self._birth = index.get("birthDate")
        self._joined = index.get("joinedOn")
        self._coded: tuple[tuple[str, int, dict[object, str | None]], ...] = tuple(
            (name, index[name], {}) for name in MEMBER_CODE_FIELDS if name in index
        )
        self._defaults = tuple((name, value) for name, value in MEMBER_DEFAULTS.items() if name not in index)
        self._person_fields = tuple((position, name) for position, name in fields)

    def _code(self, name: str, cache: dict[object, str | None], raw: object) -> str | None:
        if raw is True or raw is False:  # equal to 1 and 0 as cache keys, yet never a code
            return None
        try:
            return cache[raw]
        except KeyError:
            entry = code_list(MEMBER_CODE_FIELDS[name]).find(raw)
            cache[raw] = code = entry.code if entry else None
            return code
        except TypeError:  # an unhashable cell: the reference will say what is wrong with it
            return None

    def _cell(self, cells: Sequence[object], position: int | None) -> object:
        return cells[position] if position is not None and position < len(cells) else None

    def fast(self, cells: Sequence[object]) -> dict[str, object] | None:
        """The normalised person values of a clean row, or ``None`` to let the reference decide."""
        name = self._cell(cells, self._name)
        if type(name) is not str or not _PLAIN_NAME.fullmatch(name):
            return None
        values: dict[str, object] = {"name": name, **dict(self._defaults)}
        for field_name, position, cache in self._coded:
            cell = cells[position] if position < len(cells) else None
            if cell in _BLANK:
                if field_name in MEMBER_DEFAULTS:
                    values[field_name] = MEMBER_DEFAULTS[field_name]
                continue
            code = self._code(field_name, cache, cell)
            if code is None:
                return None
            values[field_name] = code
        number = self._cell(cells, self._id)
        if values["idType"] != RESIDENT_ID or type(number) is not str or not _ID18.fullmatch(number):
            return None
        if number[:2] not in self.prefixes or mod11_2_check(number[:17]) != number[17]:
            return None
        try:
            birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError:
            return None
        if birth.year < 1900 or birth > self.today or not is_known_region(number[:6]):
            return None
        values["idNumber"] = number
        gender = "1" if int(number[16]) % 2 else "2"
        if values.setdefault("gender", gender) != gender:
            return None
        given_birth = self._cell(cells, self._birth)
        if given_birth not in _BLANK and (type(given_birth) is not datetime.date or given_birth != birth):
            return None
        values["birthDate"] = birth
        phone = self._cell(cells, self._phone)
        if type(phone) is not str or not _MOBILE.fullmatch(phone):
            return None
        values["phone"] = phone
        joined = self._cell(cells, self._joined)
        age_day = self.today
        if joined not in _BLANK:
            if type(joined) is not datetime.date or joined > self.today:
                return None
            values["joinedOn"] = age_day = joined
        if not _YOUNGEST <= _age_on(birth, age_day) <= _OLDEST:
            return None
        return values if self.required <= values.keys() else None

    def record(self, cells: Sequence[object]) -> dict[str, object]:
        """The person fields of a row as the reference validator reads them (unit and union resolved)."""
        record: dict[str, object] = {name: cells[position] if position < len(cells) else None
                                     for position, name in self._person_fields}  # fmt: skip
        return record | {"unit": RESOLVED, "union": RESOLVED}

    def check(
        self, cells: Sequence[object]
    ) -> tuple[dict[str, object], IdentityDocument | None, list[Problem], list[Problem]]:
        """(values, document, errors, warnings) of a row's person fields, exactly as ``validate_member`` says."""
        values = self.fast(cells)
        if values is not None:
            return values, IdentityDocument(RESIDENT_ID, str(values["idNumber"])), [], []
        verdict = validate_member(self.record(cells), self.profile, today=self.today)
        return verdict.values, verdict.document, list(verdict.errors), list(verdict.warnings)


@dataclass
class _Worker:
    """Per-process state of a worker: the checker (with its caches), keys, cipher."""

    checker: RowChecker
    national_key: NationalKey
    cipher: PersonalDataCipher


@functools.lru_cache(maxsize=4)
def _worker(context: PreparationContext) -> _Worker:
    return _Worker(
        checker=RowChecker(context.profile_name, context.today, context.fields),
        national_key=NationalKey(context.national_key),
        cipher=PersonalDataCipher(context.data_key),
    )


def _staged(
    worker: _Worker, number: int, values: dict[str, object], document: IdentityDocument, union: int, unit: int
) -> StagedMember:
    token = identity_token(worker.national_key, document)
    phone = str(values["phone"])
    seal = worker.cipher.seal
    return (
        number,
        token,
        document.id_type,
        seal(document.number, field="idNumber", token=token),
        values["name"],
        values["gender"],
        values.get("birthDate"),
        seal(phone, field="phone", token=token),
        worker.cipher.fingerprint(phone, field="phone"),
        mask_phone(phone),
        *[values.get(name) for name in CODED_FIELDS],
        values.get("cardStatus") or "0",
        values.get("joinedOn"),
        union,
        unit,
    )


def prepare_chunk(
    context: PreparationContext, rows: Sequence[tuple[int, Sequence[object], int | None, int | None]]
) -> ChunkResult:
    """Check, tokenise and seal rows ``(number, cells, union id, unit id)``; rows whose union or unit
    could not be resolved (``None``) are checked for their other problems but never accepted."""
    worker = _worker(context)
    check = worker.checker.check
    result = ChunkResult()
    for number, cells, union, unit in rows:
        values, document, errors, warnings = check(cells)
        if errors or document is None:
            result.rejected.append((number, errors))
            continue
        if warnings:
            result.warnings.append((number, warnings))
        if union is not None and unit is not None:
            result.accepted.append(_staged(worker, number, values, document, union, unit))
    return result
