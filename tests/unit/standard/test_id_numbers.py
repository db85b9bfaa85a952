"""The other ID types of the ``id_type`` code list."""

from __future__ import annotations

import datetime

import pytest

from exchange.standard import (
    FOREIGN_PERMANENT_RESIDENT_ID,
    HK_MACAO_RESIDENCE_PERMIT,
    HK_MACAO_TRAVEL_PERMIT,
    MALE,
    PASSPORT,
    RESIDENT_ID,
    TAIWAN_RESIDENCE_PERMIT,
    TAIWAN_TRAVEL_PERMIT,
    IdentityDocument,
    ProblemCode,
    code_list,
    validate_id_number,
)


@pytest.mark.parametrize(
    ("id_type", "value", "normalized"),
    [
        (RESIDENT_ID, "11010519491231002x", "11010519491231002X"),
        (HK_MACAO_RESIDENCE_PERMIT, "810000199001010019", "810000199001010019"),
        (TAIWAN_RESIDENCE_PERMIT, "830000199001010020", "830000199001010020"),
        (HK_MACAO_TRAVEL_PERMIT, "h12345678", "H12345678"),
        (HK_MACAO_TRAVEL_PERMIT, "M1234567801", "M1234567801"),
        (TAIWAN_TRAVEL_PERMIT, "12345678", "12345678"),
        (FOREIGN_PERMANENT_RESIDENT_ID, "93115619800101001X", "93115619800101001X"),
        (FOREIGN_PERMANENT_RESIDENT_ID, "USA110019800101", "USA110019800101"),
        (PASSPORT, "CHN E12345678", "CHN:E12345678"),
        (PASSPORT, "usa:123456789", "USA:123456789"),
        (PASSPORT, "中国 E12345678", "CHN:E12345678"),
        (PASSPORT, "GBR-AB1234567", "GBR:AB1234567"),
    ],
)
def test_every_id_type_accepts_its_own_format(id_type: str, value: str, normalized: str, today: datetime.date) -> None:
    verdict = validate_id_number(id_type, value, today=today)
    assert verdict.valid, verdict.errors
    assert verdict.normalized == normalized
    assert verdict.document == IdentityDocument(id_type, normalized)


@pytest.mark.parametrize(
    ("id_type", "value", "code"),
    [
        (HK_MACAO_RESIDENCE_PERMIT, "830000199001010020", ProblemCode.ID_FORMAT),
        (HK_MACAO_RESIDENCE_PERMIT, "810000199001010018", ProblemCode.ID_CHECKSUM),
        (TAIWAN_RESIDENCE_PERMIT, "810000199001010019", ProblemCode.ID_FORMAT),
        (HK_MACAO_TRAVEL_PERMIT, "X12345678", ProblemCode.ID_FORMAT),
        (HK_MACAO_TRAVEL_PERMIT, "H123456789", ProblemCode.ID_FORMAT),
        (TAIWAN_TRAVEL_PERMIT, "1234567", ProblemCode.ID_FORMAT),
        (FOREIGN_PERMANENT_RESIDENT_ID, "83115619800101001X", ProblemCode.ID_FORMAT),
        (FOREIGN_PERMANENT_RESIDENT_ID, "931156198001010011", ProblemCode.ID_CHECKSUM),
        (FOREIGN_PERMANENT_RESIDENT_ID, "QQQ110019800101", ProblemCode.ID_FORMAT),
        (PASSPORT, "E12345678", ProblemCode.ID_PASSPORT_COUNTRY),
        (PASSPORT, "XXX E12345678", ProblemCode.ID_PASSPORT_COUNTRY),
        (PASSPORT, "", ProblemCode.VALUE_REQUIRED),
    ],
)
def test_every_id_type_refuses_a_malformed_number(
    id_type: str, value: str, code: ProblemCode, today: datetime.date
) -> None:
    verdict = validate_id_number(id_type, value, today=today)
    assert code in [error.code for error in verdict.errors]
    assert verdict.document is None


def test_a_residence_permit_gives_birth_date_and_gender(today: datetime.date) -> None:
    verdict = validate_id_number(HK_MACAO_RESIDENCE_PERMIT, "810000199001010019", today=today)
    assert (verdict.birth_date, verdict.gender) == (datetime.date(1990, 1, 1), MALE)


def test_an_unknown_id_type_is_reported_on_the_id_type_field(today: datetime.date) -> None:
    [error] = validate_id_number("99", "12345678", today=today).errors
    assert (error.code, error.field) == (ProblemCode.CODE_UNKNOWN, "idType")


def test_every_id_type_in_the_code_list_has_a_validator(today: datetime.date) -> None:
    for entry in code_list("id_type"):
        verdict = validate_id_number(entry.code, "", today=today)
        assert [error.code for error in verdict.errors] == [ProblemCode.VALUE_REQUIRED], entry
