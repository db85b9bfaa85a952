"""Anything at all given to a validator gets a verdict, never an exception."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange.standard import (
    code_list,
    parse_date,
    profile,
    validate_credit_code,
    validate_id_number,
    validate_member,
    validate_phone,
    validate_resident_id,
    validate_temporary_code,
    validate_union_record,
    validate_unit_record,
    validate_uscc,
)
from exchange.standard.verdict import Verdict

TODAY = datetime.date(2026, 11, 22)

ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8")),
    st.binary(),
    st.dates(),
    st.datetimes(),
    st.lists(st.integers(), max_size=3),
    st.just("x" * 10_000),
    st.just("\x00\x01\x02\x1b[31m"),
    st.just("😀👍🏽"),
    st.just(float("nan")),
    st.just(4.20102e17),
)

VALIDATORS: list[Callable[[object], Verdict]] = [
    lambda value: validate_resident_id(value, today=TODAY),
    validate_uscc,
    validate_credit_code,
    validate_temporary_code,
    validate_phone,
    lambda value: validate_phone(value, allow_landline=True),
    lambda value: parse_date(value, field="joinedOn"),
    *[
        (lambda id_type: lambda value: validate_id_number(id_type, value, today=TODAY))(entry.code)
        for entry in code_list("id_type")
    ],
]


@pytest.mark.parametrize("validator", VALIDATORS)
@given(value=ANYTHING)
def test_every_validator_answers_anything_with_a_verdict(validator: Callable[[object], Verdict], value: object) -> None:
    verdict = validator(value)
    assert (verdict.normalized is None) == bool(verdict.errors)
    for error in verdict.errors:
        assert error.code
        assert error.message


@given(st.dictionaries(st.sampled_from(["name", "idNumber", "gender", "phone", "birthDate", "unit"]), ANYTHING))
def test_the_member_validator_answers_any_record(record: dict[str, object]) -> None:
    verdict = validate_member(record, profile("hubei"), today=TODAY)
    assert not verdict.valid


UNION_FIELDS = ["name", "unionType", "orgLevel", "creditCode", "foundedOn", "termStart", "termEnd", "leader", "phone"]
UNIT_FIELDS = ["name", "creditCode", "nature", "address", "employeeCount"]


@given(st.dictionaries(st.sampled_from(UNION_FIELDS), ANYTHING))
def test_the_union_validator_answers_any_record(record: dict[str, object]) -> None:
    verdict = validate_union_record(record, profile("hunan"), today=TODAY)
    assert all(error.code and error.message for error in verdict.errors)


@given(st.dictionaries(st.sampled_from(UNIT_FIELDS), ANYTHING))
def test_the_unit_validator_answers_any_record(record: dict[str, object]) -> None:
    verdict = validate_unit_record(record, profile("hunan"), today=TODAY)
    assert all(error.code and error.message for error in verdict.errors)


@pytest.mark.parametrize(
    "count",
    ["1" * 10_000, "0" * 5_000 + "1", "𐩀", "١٢", 10**5_000],
    ids=["10k digits", "5k zeros then 1", "kharosthi digit", "arabic-indic digits", "an int of 5k digits"],
)
def test_an_employee_count_of_huge_or_foreign_digits_is_refused_as_no_count(count: object) -> None:
    verdict = validate_unit_record({"name": "某公司", "employeeCount": count}, profile("hunan"), today=TODAY)
    assert "VALUE_NOT_COUNT" in [error.code.value for error in verdict.errors]


@pytest.mark.parametrize("value", ["x" * 10_000, "1" * 10_000])
def test_a_huge_cell_is_refused_as_too_long(value: str) -> None:
    assert [error.code.value for error in validate_uscc(value).errors] == ["VALUE_TOO_LONG"]
