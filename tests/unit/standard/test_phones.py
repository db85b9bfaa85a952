"""Mobile and landline phone numbers."""

from __future__ import annotations

import pytest

from exchange.standard import ProblemCode, validate_phone


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        (13812345678, "13812345678"),
        (13812345678.0, "13812345678"),
        ("\u202d19912345678\u202c", "19912345678"),
    ],
)
def test_a_mobile_number_is_normalised_to_eleven_digits(written: object, normalized: str) -> None:
    assert validate_phone(written).normalized == normalized


@pytest.mark.parametrize(
    ("written", "normalized"),
    [("0731-84512345", "0731-84512345"), ("027 87654321", "02787654321"), ("(0731)8451234", "0731-8451234")],
)
def test_a_landline_is_accepted_where_allowed(written: str, normalized: str) -> None:
    assert validate_phone(written, allow_landline=True).normalized == normalized


def test_a_landline_is_refused_where_a_mobile_is_required() -> None:
    [error] = validate_phone("0731-84512345").errors
    assert error.code is ProblemCode.PHONE_NOT_MOBILE


@pytest.mark.parametrize("written", ["12812345678", "1381234567", "138123456789", "abc", "0731-845", "10086"])
def test_a_malformed_number_is_refused(written: str) -> None:
    assert [error.code for error in validate_phone(written, allow_landline=True).errors] == [ProblemCode.PHONE_FORMAT]


def test_an_empty_phone_is_required() -> None:
    assert [error.code for error in validate_phone("  ").errors] == [ProblemCode.VALUE_REQUIRED]
