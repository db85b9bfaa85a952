"""Unified social credit codes (GB 32100-2015) and the node's temporary codes."""

from __future__ import annotations

import pytest
from stdnum.cn import uscc as stdnum_uscc

from exchange.standard import (
    ProblemCode,
    is_temporary_code,
    temporary_code,
    validate_credit_code,
    validate_temporary_code,
    validate_uscc,
)


@pytest.mark.parametrize(
    "code",
    ["91420100MA4K1234XX", "81420102MC1234567Q", "89430100MD12345679", "12100000400000624D", "91350100M000100Y43"],
)
def test_a_valid_uscc_is_accepted(code: str) -> None:
    verdict = validate_uscc(code)
    assert verdict.valid
    assert verdict.normalized == code


@pytest.mark.parametrize("code", ["A1000000MB0123456X", "N2420102MF1234567D", "Y1420100MA4K1234X8"])
def test_letters_are_valid_first_characters(code: str) -> None:
    # python-stdnum insists on eight leading digits and refuses these real-world shapes: the second trap.
    assert not stdnum_uscc.is_valid(code)
    assert validate_uscc(code).valid


@pytest.mark.parametrize(
    ("written", "normalized"),
    [("91420100ma4k1234xx", "91420100MA4K1234XX"), (" 9142 0100 MA4K 1234XX ", "91420100MA4K1234XX")],
)
def test_case_and_spaces_are_normalised(written: str, normalized: str) -> None:
    assert validate_uscc(written).normalized == normalized


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91420100MA4K1234X", ProblemCode.USCC_LENGTH),
        ("91420100MA4K1234XX1", ProblemCode.USCC_LENGTH),
        ("91420100MA4KI234XX", ProblemCode.USCC_CHARACTERS),
        ("91420100MA4KO234XX", ProblemCode.USCC_CHARACTERS),
        ("91420100MA4K1234XS", ProblemCode.USCC_CHARACTERS),
        ("91420100MA4K1234XY", ProblemCode.USCC_CHECKSUM),
        ("B1000000MB01234560", ProblemCode.USCC_AUTHORITY),
        ("9142A100MA4K1234X0", ProblemCode.USCC_REGION),
        ("", ProblemCode.VALUE_REQUIRED),
    ],
)
def test_a_malformed_uscc_is_refused(code: str, problem: ProblemCode) -> None:
    assert problem in [error.code for error in validate_uscc(code).errors]


def test_a_letter_o_instead_of_zero_is_explained() -> None:
    [error] = validate_uscc("91420100MA4KO234XX").errors
    assert "O" in error.message
    assert "数字 0" in error.message


def test_a_temporary_code_is_unique_to_its_province_and_sequence() -> None:
    assert temporary_code("42", 1) == "Z4200000000000001" + temporary_code("42", 1)[-1]
    assert temporary_code("42", 1) != temporary_code("43", 1)
    assert temporary_code("42", 1) != temporary_code("42", 2)


def test_an_issued_temporary_code_validates_as_a_credit_code() -> None:
    code = temporary_code("43", 123456)
    assert validate_temporary_code(code).valid
    assert validate_credit_code(code).valid
    assert is_temporary_code(code)


def test_a_temporary_code_is_never_a_uscc() -> None:
    [error] = validate_uscc(temporary_code("33", 7)).errors
    assert error.code is ProblemCode.USCC_IS_TEMPORARY


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("Z4200000000000001", ProblemCode.TEMP_CODE_FORMAT),
        ("Z42000000000000A1", ProblemCode.TEMP_CODE_FORMAT),
        ("Z990000000000000" + "1" + "0", ProblemCode.TEMP_CODE_PROVINCE),
    ],
)
def test_a_malformed_temporary_code_is_refused(code: str, problem: ProblemCode) -> None:
    assert [error.code for error in validate_temporary_code(code).errors] == [problem]


def test_a_temporary_code_with_a_wrong_check_character_is_refused() -> None:
    code = temporary_code("42", 99)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert [error.code for error in validate_credit_code(wrong).errors] == [ProblemCode.TEMP_CODE_CHECKSUM]


@pytest.mark.parametrize(("province", "sequence"), [("99", 1), ("42", 0), ("42", 10**14)])
def test_issuing_a_temporary_code_outside_its_range_is_a_programming_error(province: str, sequence: int) -> None:
    with pytest.raises(ValueError, match=r"province|range"):
        temporary_code(province, sequence)
