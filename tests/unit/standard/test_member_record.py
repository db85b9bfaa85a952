"""The member record validator: a whole record against the standard and a profile."""

from __future__ import annotations

import datetime

import pytest

from exchange.standard import (
    RESIDENT_ID,
    IdentityDocument,
    MemberVerdict,
    ProblemCode,
    UnknownProfile,
    profile,
    validate_member,
)
from exchange.standard.checksums import mod11_2_check

NATIONAL = profile("national")
HUBEI = profile("hubei")
HUNAN = profile("hunan")

# A complete record as a clerk would type it in the seed 003 roster (labels, not codes).
RECORD: dict[str, object] = {
    "name": "张伟",
    "gender": "男",
    "idNumber": "420102199003071232",
    "phone": "13812345678",
    "householdType": "非农业户口",
    "education": "大学本科",
    "unit": "武汉钢铁有限公司",
    "union": "武汉钢铁有限公司工会",
}


def check(record: dict[str, object], today: datetime.date, profile_name: str = "national") -> MemberVerdict:
    return validate_member(record, profile(profile_name), today=today)


def error_codes(verdict: MemberVerdict) -> list[tuple[str, str]]:
    return [(error.field, error.code.value) for error in verdict.errors]


def test_a_complete_record_is_valid_and_normalised_to_codes(today: datetime.date) -> None:
    verdict = check(RECORD, today)
    assert verdict.valid, verdict.errors
    assert verdict.values["gender"] == "1"
    assert verdict.values["householdType"] == "2"
    assert verdict.values["education"] == "20"
    assert verdict.values["idType"] == RESIDENT_ID
    assert verdict.values["nationality"] == "CHN"
    assert verdict.values["birthDate"] == datetime.date(1990, 3, 7)
    assert verdict.document == IdentityDocument(RESIDENT_ID, "420102199003071232")


def test_gender_and_birth_date_are_derived_from_the_id_when_blank(today: datetime.date) -> None:
    verdict = check({**RECORD, "gender": ""}, today)
    assert verdict.valid
    assert verdict.values["gender"] == "1"


def test_a_gender_that_contradicts_the_id_is_an_error(today: datetime.date) -> None:
    verdict = check({**RECORD, "gender": "女"}, today)
    assert error_codes(verdict) == [("gender", "GENDER_MISMATCH")]
    assert "男" in verdict.errors[0].message


@pytest.mark.parametrize("birth", ["1990-03-07", "1990年3月7日", "1990-03", "199003"])
def test_a_birth_date_that_agrees_with_the_id_is_accepted(birth: str, today: datetime.date) -> None:
    assert check({**RECORD, "birthDate": birth}, today).valid


@pytest.mark.parametrize("birth", ["1990-03-08", "1991-03"])
def test_a_birth_date_that_contradicts_the_id_is_an_error(birth: str, today: datetime.date) -> None:
    assert error_codes(check({**RECORD, "birthDate": birth}, today)) == [("birthDate", "BIRTH_DATE_MISMATCH")]


def test_a_member_without_unit_or_union_is_refused(today: datetime.date) -> None:
    verdict = check({**RECORD, "unit": " ", "union": None}, today)
    assert error_codes(verdict) == [("unit", "MEMBER_WITHOUT_UNIT"), ("union", "MEMBER_WITHOUT_UNION")]


@pytest.mark.parametrize(
    ("profile_name", "missing"),
    [
        ("national", ["householdType"]),
        ("hubei", ["joinedOn", "newEmploymentForm", "politicalStatus", "positionKind", "unionPosition"]),
        ("hunan", ["ethnicity", "politicalStatus"]),
    ],
)
def test_each_profile_requires_its_own_fields(profile_name: str, missing: list[str], today: datetime.date) -> None:
    record = {key: value for key, value in RECORD.items() if key != "householdType"}
    verdict = check(record, today, profile_name)
    assert [error.field for error in verdict.errors if error.code is ProblemCode.VALUE_REQUIRED] == missing


def test_the_hunan_profile_takes_birth_date_from_the_id(today: datetime.date) -> None:
    record = {**RECORD, "ethnicity": "汉族", "politicalStatus": "群众"}
    assert check(record, today, "hunan").valid


def test_a_complete_hubei_record_is_valid(today: datetime.date) -> None:
    record = {
        **RECORD,
        "idType": "居民身份证",
        "joinedOn": "2015-07-01",
        "newEmploymentForm": "否",
        "politicalStatus": "中共党员",
        "unionPosition": "无",
        "positionKind": "无",
    }
    verdict = check(record, today, "hubei")
    assert verdict.valid, verdict.errors
    assert verdict.values["joinedOn"] == datetime.date(2015, 7, 1)


def test_an_unknown_label_names_the_field_value_and_choices(today: datetime.date) -> None:
    verdict = check({**RECORD, "education": "家里蹲大学"}, today)
    [error] = verdict.errors
    assert (error.field, error.code) == ("education", ProblemCode.CODE_UNKNOWN)
    assert "家里蹲大学" in error.message
    assert "大学本科" in error.message


def test_a_filled_id_under_an_unknown_id_type_is_not_also_reported_missing(today: datetime.date) -> None:
    verdict = check({**RECORD, "idType": "驾驶证"}, today)
    assert error_codes(verdict) == [("idType", "CODE_UNKNOWN")]


def test_a_join_date_in_the_future_is_an_error(today: datetime.date) -> None:
    verdict = check({**RECORD, "joinedOn": "2099-01-01"}, today)
    assert error_codes(verdict) == [("joinedOn", "DATE_FUTURE")]


@pytest.mark.parametrize("joined", ["2003-01-01", "1990-03-07"])
def test_joining_younger_than_sixteen_is_a_warning(joined: str, today: datetime.date) -> None:
    verdict = check({**RECORD, "joinedOn": joined}, today)
    assert verdict.valid
    assert [warning.code for warning in verdict.warnings] == [ProblemCode.MEMBER_AGE_RANGE]


def test_a_member_over_a_hundred_is_a_warning(today: datetime.date) -> None:
    body = "42010219200307123"  # born 7 March 1920, a man
    verdict = check({**RECORD, "idNumber": body + mod11_2_check(body)}, today)
    assert verdict.valid
    assert [warning.code for warning in verdict.warnings] == [ProblemCode.MEMBER_AGE_RANGE]


@pytest.mark.parametrize(
    ("name", "stored"), [("阿依古丽•买买提", "阿依古丽·买买提"), (" 王　芳 ", "王 芳"), ("John Smith", "John Smith")]
)
def test_names_keep_minority_and_foreign_forms(name: str, stored: str, today: datetime.date) -> None:
    verdict = check({**RECORD, "name": name}, today)
    assert verdict.valid
    assert verdict.values["name"] == stored


@pytest.mark.parametrize("name", ["张伟2", "😀", "<script>"])
def test_names_with_digits_emoji_or_markup_are_refused(name: str, today: datetime.date) -> None:
    assert error_codes(check({**RECORD, "name": name}, today)) == [("name", "NAME_CHARACTERS")]


def test_control_characters_in_text_are_refused(today: datetime.date) -> None:
    verdict = check({**RECORD, "name": "王\x07芳", "unit": "武钢\x00"}, today)
    assert error_codes(verdict) == [("name", "VALUE_CHARACTERS"), ("unit", "VALUE_CHARACTERS")]
    assert "\\u0007" in verdict.errors[0].message


def test_a_number_where_a_name_belongs_is_refused(today: datetime.date) -> None:
    assert error_codes(check({**RECORD, "name": 12345}, today)) == [("name", "NAME_CHARACTERS")]


def test_a_landline_is_not_a_members_phone(today: datetime.date) -> None:
    assert error_codes(check({**RECORD, "phone": "027-87654321"}, today)) == [("phone", "PHONE_NOT_MOBILE")]


def test_an_empty_record_lists_every_required_field(today: datetime.date) -> None:
    verdict = check({}, today)
    fields = {error.field for error in verdict.errors}
    assert fields == {"name", "idNumber", "gender", "phone", "householdType", "unit", "union"}


def test_an_unknown_profile_names_the_known_ones() -> None:
    with pytest.raises(UnknownProfile, match="hubei, hunan, national"):
        profile("guangdong")
