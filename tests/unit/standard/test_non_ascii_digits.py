"""Digits of other scripts (Arabic-Indic ٠-٩, Devanagari ०-९…) are digits to Python's ``\\d`` and survive
NFKC unchanged; an identifier written with them would be a second identity of the same person, so the
standard refuses them wherever it reads an identifier."""

from __future__ import annotations

import datetime

from exchange.standard import ProblemCode, validate_phone, validate_resident_id, validate_temporary_code
from exchange.standard.checksums import mod11_2_check

TODAY = datetime.date(2026, 11, 22)
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_a_resident_id_with_arabic_indic_digits_after_the_province_is_refused() -> None:
    body = "43010219900307001"
    number = body[:2] + body[2:].translate(ARABIC_INDIC) + mod11_2_check(body)
    verdict = validate_resident_id(number, today=TODAY)
    assert not verdict.valid
    assert [error.code for error in verdict.errors] == [ProblemCode.ID_CHARACTERS]


def test_a_first_generation_number_in_other_digits_is_refused_rather_than_upgraded() -> None:
    verdict = validate_resident_id("43" + "0102900307001".translate(ARABIC_INDIC), today=TODAY)
    assert not verdict.valid
    assert not verdict.warnings


def test_a_mobile_number_with_arabic_indic_digits_is_refused() -> None:
    verdict = validate_phone("138" + "00138000".translate(ARABIC_INDIC))
    assert [error.code for error in verdict.errors] == [ProblemCode.PHONE_FORMAT]


def test_a_temporary_code_with_arabic_indic_digits_is_refused() -> None:
    verdict = validate_temporary_code("Z43" + "00000000000001".translate(ARABIC_INDIC) + "K")
    assert not verdict.valid
