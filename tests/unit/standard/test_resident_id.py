"""Resident ID numbers (GB 11643-1999): every rule of STANDARD.md, one behaviour per test."""

from __future__ import annotations

import datetime

import pytest
from stdnum.cn import ric

from exchange.standard import FEMALE, MALE, ProblemCode, validate_resident_id

VALID_MALE = "420102199003071232"
VALID_FEMALE = "11010519491231002X"


def codes(value: object, today: datetime.date) -> list[str]:
    return [error.code.value for error in validate_resident_id(value, today=today).errors]


@pytest.mark.parametrize(
    ("value", "birth", "gender"),
    [
        (VALID_MALE, datetime.date(1990, 3, 7), MALE),
        ("420102199003071240", datetime.date(1990, 3, 7), FEMALE),
        (VALID_FEMALE, datetime.date(1949, 12, 31), FEMALE),
        ("110105200002290013", datetime.date(2000, 2, 29), MALE),
    ],
)
def test_a_valid_number_gives_its_birth_date_and_gender(
    value: str, birth: datetime.date, gender: str, today: datetime.date
) -> None:
    verdict = validate_resident_id(value, today=today)
    assert verdict.valid
    assert verdict.normalized == value
    assert (verdict.birth_date, verdict.gender) == (birth, gender)


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("11010519491231002x", VALID_FEMALE),
        (" 110105 19491231 002X ", VALID_FEMALE),
        ("１１０１０５１９４９１２３１００２Ｘ", VALID_FEMALE),
        ("\u200b11010519491231002X\ufeff", VALID_FEMALE),
        ("\u3000420102199003071232\t", VALID_MALE),
    ],
)
def test_case_spaces_full_width_and_invisible_characters_are_normalised(
    written: str, normalized: str, today: datetime.date
) -> None:
    assert validate_resident_id(written, today=today).normalized == normalized


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("42010219900307123", ProblemCode.ID_LENGTH),
        ("4201021990030712321", ProblemCode.ID_LENGTH),
        ("42010219900307123A", ProblemCode.ID_CHARACTERS),
        ("4201021990030X1232", ProblemCode.ID_CHARACTERS),
        ("420102199003071233", ProblemCode.ID_CHECKSUM),
        ("110105199902300010", ProblemCode.ID_BIRTH_DATE),
        ("110105190002290017", ProblemCode.ID_BIRTH_DATE),
        ("110105189912310015", ProblemCode.ID_BIRTH_DATE),
        ("110105209912310010", ProblemCode.ID_BIRTH_FUTURE),
        ("", ProblemCode.VALUE_REQUIRED),
        (None, ProblemCode.VALUE_REQUIRED),
    ],
)
def test_hard_errors_refuse_the_number(value: object, code: ProblemCode, today: datetime.date) -> None:
    verdict = validate_resident_id(value, today=today)
    assert not verdict.valid
    assert verdict.normalized is None
    assert code in [error.code for error in verdict.errors]


def test_a_wrong_check_character_names_the_right_one(today: datetime.date) -> None:
    [error] = validate_resident_id("420102199003071233", today=today).errors
    assert error.code is ProblemCode.ID_CHECKSUM
    assert "应为 2" in error.message
    assert error.field == "idNumber"


def test_a_prefix_that_is_not_a_province_is_refused(today: datetime.date) -> None:
    from exchange.standard.checksums import mod11_2_check

    body = "99010519491231002"  # 99 is no province; the check character is right, so that is the only fault
    assert codes(body + mod11_2_check(body), today) == ["ID_PROVINCE"]


@pytest.mark.parametrize("number", ["810000199001010019", "710101198001010015", "820000199001010015"])
def test_hong_kong_macao_and_taiwan_prefixes_are_accepted_as_id_regions(number: str, today: datetime.date) -> None:
    from exchange.standard.checksums import mod11_2_check

    number = number[:17] + mod11_2_check(number[:17])
    assert validate_resident_id(number, today=today).valid


def test_an_unknown_region_code_is_only_a_warning(today: datetime.date) -> None:
    verdict = validate_resident_id("429999198001010010", today=today)
    assert verdict.valid
    assert [warning.code for warning in verdict.warnings] == [ProblemCode.ID_REGION_UNKNOWN]


def test_a_region_code_newer_than_the_birth_year_is_accepted(today: datetime.date) -> None:
    # 110111 (房山区) dates from 1986; a person born in 1960 got a card there later. python-stdnum
    # refuses such numbers (the trap STANDARD.md warns about); the standard must not.
    number = "110111196001010014"
    assert not ric.is_valid(number)
    verdict = validate_resident_id(number, today=today)
    assert verdict.valid
    assert verdict.warnings == ()


def test_an_abolished_region_code_is_accepted_without_warning(today: datetime.date) -> None:
    from exchange.standard.checksums import mod11_2_check

    body = "11010319700101001"  # 110103 崇文区, merged away in 2010
    verdict = validate_resident_id(body + mod11_2_check(body), today=today)
    assert verdict.valid
    assert verdict.warnings == ()


def test_a_fifteen_digit_number_is_upgraded_to_eighteen_with_a_warning(today: datetime.date) -> None:
    verdict = validate_resident_id("110105491231002", today=today)
    assert verdict.normalized == VALID_FEMALE
    assert verdict.birth_date == datetime.date(1949, 12, 31)
    assert [warning.code for warning in verdict.warnings] == [ProblemCode.ID_UPGRADED]
    assert VALID_FEMALE in verdict.warnings[0].message


def test_a_fifteen_digit_number_with_an_impossible_date_is_refused(today: datetime.date) -> None:
    assert codes("110105990230002", today) == ["ID_BIRTH_DATE"]


@pytest.mark.parametrize(
    "cell",
    [
        4.20102199003071e17,
        420102199003071232.0,
        "4.20102E+17",
        "4.20102199003071E+17",
        "420102199003071000",
    ],
)
def test_numbers_mangled_by_excel_are_refused_with_advice(cell: object, today: datetime.date) -> None:
    [error] = validate_resident_id(cell, today=today).errors
    assert error.code is ProblemCode.ID_EXCEL_NUMBER
    assert "文本" in error.message


def test_a_fifteen_digit_number_stored_by_excel_as_a_number_survives(today: datetime.date) -> None:
    # Fifteen digits fit in Excel's precision, so the number cell still holds the whole ID.
    assert validate_resident_id(110105491231002.0, today=today).normalized == VALID_FEMALE


def test_the_birth_date_may_be_today(today: datetime.date) -> None:
    from exchange.standard.checksums import mod11_2_check

    body = f"110105{today:%Y%m%d}001"
    assert validate_resident_id(body + mod11_2_check(body), today=today).valid
