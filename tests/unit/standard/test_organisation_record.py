"""The union organisation and unit record validators, against the standard and the profiles."""

from __future__ import annotations

import datetime

import pytest

from exchange.standard import (
    Profile,
    RecordVerdict,
    is_grassroots,
    profile,
    temporary_code,
    validate_union_record,
    validate_unit_record,
)
from exchange.standard.checksums import uscc_check


def uscc(body: str) -> str:
    """A valid USCC from its first 17 characters."""
    return body + uscc_check(body)


GRASSROOTS_UNION_CODE = uscc("81430102MC1234567")
OTHER_UNION_CODE = uscc("89430100MD1234567")
ENTERPRISE_CODE = uscc("91420100MA4K1234X")
# A profile that asks unions for nothing beyond the standard's own rules.
BARE = Profile(name="bare", label="", member=frozenset(), union=frozenset(), unit=frozenset())

# A grassroots union as a county clerk types it (labels, not codes), complete under every profile.
UNION: dict[str, object] = {
    "name": "芙蓉科技有限公司工会委员会",
    "unionType": "单建",
    "orgLevel": "基层",
    "creditCode": GRASSROOTS_UNION_CODE,
    "foundedOn": "2001-05-06",
    "termStart": "2023-01-01",
    "termEnd": "2028-01-01",
    "leader": "王建国",
    "phone": "0731-84512345",
}
UNIT: dict[str, object] = {
    "name": "芙蓉科技有限公司",
    "creditCode": ENTERPRISE_CODE,
    "nature": "私营企业",
    "address": "长沙市芙蓉区五一大道1号",
    "employeeCount": "120",
}


def union(today: datetime.date, profile_name: str = "national", **changes: object) -> RecordVerdict:
    return validate_union_record({**UNION, **changes}, profile(profile_name), today=today)


def unit(today: datetime.date, profile_name: str = "national", **changes: object) -> RecordVerdict:
    return validate_unit_record({**UNIT, **changes}, profile(profile_name), today=today)


def codes(problems: tuple[object, ...]) -> list[tuple[str, str]]:
    return [(item.field, item.code.value) for item in problems]  # type: ignore[attr-defined]


@pytest.mark.parametrize("profile_name", ["national", "hubei", "hunan"])
def test_a_complete_grassroots_union_is_valid_under_every_profile(today: datetime.date, profile_name: str) -> None:
    verdict = union(today, profile_name)
    assert verdict.valid, verdict.errors
    assert verdict.warnings == ()


def test_labels_become_codes_and_dates_become_dates(today: datetime.date) -> None:
    values = union(today).values
    assert values["unionType"] == "1"
    assert values["orgLevel"] == "6"
    assert values["foundedOn"] == datetime.date(2001, 5, 6)
    assert values["termEnd"] == datetime.date(2028, 1, 1)
    assert values["phone"] == "0731-84512345"


def test_a_credit_code_is_normalised_to_upper_case_half_width(today: datetime.date) -> None:
    typed = " " + GRASSROOTS_UNION_CODE.lower().replace("8", "８") + " "
    verdict = union(today, creditCode=typed)
    assert verdict.valid, verdict.errors
    assert verdict.values["creditCode"] == GRASSROOTS_UNION_CODE


@pytest.mark.parametrize("changes", [{"orgLevel": "基层"}, {"unionType": "联合基层工会", "orgLevel": "乡镇"}])
def test_a_grassroots_union_without_a_credit_code_is_refused(today: datetime.date, changes: dict[str, object]) -> None:
    verdict = union(today, "hunan", **changes, creditCode=" ")
    assert codes(verdict.errors) == [("creditCode", "VALUE_REQUIRED")]


def test_a_grassroots_union_needs_a_credit_code_even_where_the_profile_does_not_ask_for_one(
    today: datetime.date,
) -> None:
    verdict = validate_union_record({**UNION, "creditCode": None}, BARE, today=today)
    assert codes(verdict.errors) == [("creditCode", "VALUE_REQUIRED")]


def test_a_federation_needs_no_credit_code_where_the_profile_does_not_ask_for_one(today: datetime.date) -> None:
    record = {**UNION, "unionType": "地方总工会", "orgLevel": "县级", "creditCode": None}
    assert validate_union_record(record, BARE, today=today).valid


@pytest.mark.parametrize(
    ("values", "grassroots"),
    [
        ({"orgLevel": "6", "unionType": "4"}, True),
        ({"orgLevel": "4", "unionType": "2"}, True),
        ({"orgLevel": "4", "unionType": "1"}, True),
        ({"orgLevel": "3", "unionType": "4"}, False),
        ({"orgLevel": "4", "unionType": "3"}, False),
    ],
)
def test_a_union_is_grassroots_by_its_level_or_by_its_type(values: dict[str, object], grassroots: bool) -> None:
    assert is_grassroots(values) is grassroots


def test_a_temporary_code_is_accepted_for_a_union_without_legal_person_status(today: datetime.date) -> None:
    code = temporary_code("43", 17)
    verdict = union(today, creditCode=code)
    assert verdict.valid, verdict.errors
    assert verdict.values["creditCode"] == code
    assert verdict.warnings == ()


def test_an_enterprise_code_on_a_union_is_kept_with_a_warning(today: datetime.date) -> None:
    verdict = union(today, creditCode=ENTERPRISE_CODE)
    assert verdict.valid
    assert codes(verdict.warnings) == [("creditCode", "USCC_NOT_UNION")]
    assert ENTERPRISE_CODE in verdict.warnings[0].message


@pytest.mark.parametrize("code", [GRASSROOTS_UNION_CODE, OTHER_UNION_CODE])
def test_codes_of_the_trade_union_authority_give_no_warning(today: datetime.date, code: str) -> None:
    assert union(today, creditCode=code).warnings == ()


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        (GRASSROOTS_UNION_CODE[:-1] + ("0" if GRASSROOTS_UNION_CODE[-1] != "0" else "1"), "USCC_CHECKSUM"),
        ("8143010", "USCC_LENGTH"),
        (temporary_code("43", 1)[:-1] + ("0" if temporary_code("43", 1)[-1] != "0" else "1"), "TEMP_CODE_CHECKSUM"),
    ],
)
def test_a_malformed_credit_code_is_refused(today: datetime.date, code: str, problem: str) -> None:
    assert codes(union(today, creditCode=code).errors) == [("creditCode", problem)]


def test_a_term_that_ends_before_it_starts_is_refused(today: datetime.date) -> None:
    verdict = union(today, termStart="2023-01-01", termEnd="2022-12-31")
    assert codes(verdict.errors) == [("termEnd", "TERM_ORDER")]


def test_a_term_that_ends_on_the_day_it_starts_is_refused(today: datetime.date) -> None:
    assert codes(union(today, termStart="2023-01-01", termEnd="2023-01-01").errors) == [("termEnd", "TERM_ORDER")]


def test_the_term_may_end_in_the_future_but_the_union_cannot_be_founded_there(today: datetime.date) -> None:
    verdict = union(today, foundedOn="2099-01-01", termEnd="2099-01-01")
    assert codes(verdict.errors) == [("foundedOn", "DATE_FUTURE")]


def test_hubei_requires_the_term(today: datetime.date) -> None:
    verdict = union(today, "hubei", termStart=None, termEnd="")
    assert codes(verdict.errors) == [("termEnd", "VALUE_REQUIRED"), ("termStart", "VALUE_REQUIRED")]


def test_the_national_profile_requires_leader_and_phone(today: datetime.date) -> None:
    verdict = union(today, "national", leader=None, phone=None)
    assert codes(verdict.errors) == [("leader", "VALUE_REQUIRED"), ("phone", "VALUE_REQUIRED")]


def test_name_type_and_level_are_required_whatever_the_profile(today: datetime.date) -> None:
    verdict = validate_union_record({}, profile("hubei"), today=today)
    assert {field for field, code in codes(verdict.errors) if code == "VALUE_REQUIRED"} >= {
        "name",
        "unionType",
        "orgLevel",
    }


def test_an_unknown_union_type_is_refused_with_examples(today: datetime.date) -> None:
    verdict = union(today, unionType="协会")
    assert codes(verdict.errors) == [("unionType", "CODE_UNKNOWN")]
    assert "单独基层工会（单建）" in verdict.errors[0].message


def test_a_union_may_give_a_mobile_or_a_landline_but_not_anything_else(today: datetime.date) -> None:
    assert union(today, phone="13812345678").valid
    assert codes(union(today, phone="12345").errors) == [("phone", "PHONE_FORMAT")]


def test_an_overlong_name_is_refused(today: datetime.date) -> None:
    assert codes(union(today, name="工" * 201).errors) == [("name", "VALUE_TOO_LONG")]


@pytest.mark.parametrize("profile_name", ["national", "hubei", "hunan"])
def test_a_complete_unit_is_valid_under_every_profile(today: datetime.date, profile_name: str) -> None:
    verdict = unit(today, profile_name)
    assert verdict.valid, verdict.errors
    assert verdict.values["nature"] == "05"
    assert verdict.values["employeeCount"] == 120


@pytest.mark.parametrize("count", [0, 120, "120", 120.0, "１２０"])
def test_an_employee_count_is_a_whole_number_of_zero_or_more(today: datetime.date, count: object) -> None:
    verdict = unit(today, employeeCount=count)
    assert verdict.valid, verdict.errors
    assert verdict.values["employeeCount"] in {0, 120}


@pytest.mark.parametrize("count", [-1, 1.5, "一百", True, "12人", 10_000_001])
def test_anything_else_as_an_employee_count_is_refused(today: datetime.date, count: object) -> None:
    assert codes(unit(today, employeeCount=count).errors) == [("employeeCount", "VALUE_NOT_COUNT")]


def test_a_unit_needs_name_and_credit_code_whatever_the_profile(today: datetime.date) -> None:
    verdict = validate_unit_record({"nature": "私营"}, profile("hubei"), today=today)
    assert codes(verdict.errors) == [("creditCode", "VALUE_REQUIRED"), ("name", "VALUE_REQUIRED")]


def test_the_national_profile_requires_the_unit_details(today: datetime.date) -> None:
    verdict = unit(today, "national", nature=None, address=None, employeeCount=None)
    assert codes(verdict.errors) == [
        ("address", "VALUE_REQUIRED"),
        ("employeeCount", "VALUE_REQUIRED"),
        ("nature", "VALUE_REQUIRED"),
    ]


def test_hubei_asks_a_unit_only_for_name_and_credit_code(today: datetime.date) -> None:
    assert validate_unit_record({"name": "某公司", "creditCode": ENTERPRISE_CODE}, profile("hubei"), today=today).valid


def test_a_unit_may_have_a_temporary_code(today: datetime.date) -> None:
    assert unit(today, creditCode=temporary_code("43", 5)).valid


def test_an_unknown_unit_nature_is_refused(today: datetime.date) -> None:
    assert codes(unit(today, nature="跨国公司").errors) == [("nature", "CODE_UNKNOWN")]


def test_a_unit_is_not_warned_about_union_codes(today: datetime.date) -> None:
    verdict = unit(today, creditCode=ENTERPRISE_CODE)
    assert verdict.valid
    assert verdict.warnings == ()
