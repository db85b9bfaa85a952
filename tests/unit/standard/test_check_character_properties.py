"""Properties of the check characters: every well-built number validates, every single change is caught."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc
from stdnum.iso7064 import mod_11_2

from exchange.standard import (
    FEMALE,
    MALE,
    temporary_code,
    validate_credit_code,
    validate_resident_id,
    validate_uscc,
)
from exchange.standard.checksums import USCC_ALPHABET, mod11_2_check, uscc_check
from exchange.standard.regions import resident_id_prefixes

TODAY = datetime.date(2026, 11, 22)
PRINTABLE_CHANGE = st.characters(codec="ascii", categories=["L", "N", "P"])


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(sorted(resident_id_prefixes())))
    region = draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    birth = draw(st.dates(datetime.date(1900, 1, 1), TODAY))
    sequence = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    body = f"{prefix}{region}{birth:%Y%m%d}{sequence}"
    return body + mod11_2_check(body)


@st.composite
def usccs(draw: st.DrawFn) -> str:
    authority = draw(st.sampled_from("123456789ANY"))
    category = draw(st.sampled_from(USCC_ALPHABET))
    region = draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
    organisation = "".join(draw(st.lists(st.sampled_from(USCC_ALPHABET), min_size=9, max_size=9)))
    body = authority + category + region + organisation
    return body + uscc_check(body)


def single_changes(number: str) -> st.SearchStrategy[str]:
    return (
        st.tuples(st.integers(0, len(number) - 1), PRINTABLE_CHANGE)
        .filter(lambda change: number[change[0]] != change[1] and not change[1].isspace())
        .map(lambda change: number[: change[0]] + change[1] + number[change[0] + 1 :])
    )


@given(resident_ids())
def test_every_resident_id_built_with_its_check_character_validates(number: str) -> None:
    verdict = validate_resident_id(number, today=TODAY)
    assert verdict.valid, verdict.errors
    assert verdict.normalized == number
    assert verdict.gender == (MALE if int(number[16]) % 2 else FEMALE)


@given(resident_ids().flatmap(lambda number: st.tuples(st.just(number), single_changes(number))))
def test_every_single_character_change_of_a_resident_id_is_caught(pair: tuple[str, str]) -> None:
    _, changed = pair
    # Lower-case x normalises to X: that is the same number, not a change.
    if changed.upper() != pair[0]:
        assert not validate_resident_id(changed, today=TODAY).valid


@given(usccs())
def test_every_uscc_built_with_its_check_character_validates(code: str) -> None:
    verdict = validate_uscc(code)
    assert verdict.valid, verdict.errors


@given(usccs().flatmap(lambda code: st.tuples(st.just(code), single_changes(code))))
def test_every_single_character_change_of_a_uscc_is_caught(pair: tuple[str, str]) -> None:
    original, changed = pair
    if changed.upper() != original:
        assert not validate_credit_code(changed).valid


@given(st.sampled_from(["11", "42", "43", "33", "65"]), st.integers(1, 10**14 - 1))
def test_every_temporary_code_validates_and_is_no_uscc(province: str, sequence: int) -> None:
    code = temporary_code(province, sequence)
    assert validate_credit_code(code).valid
    assert not validate_uscc(code).valid


@given(
    st.tuples(st.sampled_from(["11", "42", "43", "33", "65"]), st.integers(1, 10**14 - 1))
    .map(lambda case: temporary_code(*case))
    .flatmap(lambda code: st.tuples(st.just(code), single_changes(code)))
)
def test_every_single_character_change_of_a_temporary_code_is_caught(pair: tuple[str, str]) -> None:
    original, changed = pair
    if changed.upper() != original:
        assert not validate_credit_code(changed).valid


def test_a_temporary_code_whose_z_is_mistyped_as_any_registration_authority_is_no_uscc() -> None:
    code = temporary_code("42", 68659750317709)
    assert [a for a in "123456789ANY" if validate_credit_code(a + code[1:]).valid] == []


@given(st.from_regex(r"[0-9]{17}", fullmatch=True))
def test_the_id_check_character_agrees_with_iso_7064(body: str) -> None:
    assert mod11_2_check(body) == mod_11_2.calc_check_digit(body)


@given(usccs())
def test_the_uscc_check_character_agrees_with_gb_32100(code: str) -> None:
    assert uscc_check(code[:17]) == stdnum_uscc.calc_check_digit(code[:17])
