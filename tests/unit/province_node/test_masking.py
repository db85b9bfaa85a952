"""Masking personal numbers: enough to recognise a person, not enough to use the number."""

from __future__ import annotations

import datetime

import pytest

from province_node.domain.masking import mask_id_number, mask_phone, shown_in_history


def test_an_id_number_keeps_the_region_prefix_and_the_last_four() -> None:
    assert mask_id_number("430102199003071234") == "4301**********1234"


def test_an_id_number_ending_in_x_keeps_the_x() -> None:
    assert mask_id_number("43010219900307123X") == "4301**********123X"


def test_a_passport_number_is_masked_to_the_same_length() -> None:
    masked = mask_id_number("CHNE12345678")
    assert masked == "CHNE****5678"
    assert len(masked) == len("CHNE12345678")


@pytest.mark.parametrize("number", ["", "1", "H1234567", "12345678"])
def test_a_short_number_is_masked_entirely(number: str) -> None:
    assert mask_id_number(number) == "*" * len(number)


def test_a_mobile_keeps_the_first_three_and_the_last_four_digits() -> None:
    assert mask_phone("13812345678") == "138****5678"


def test_a_landline_keeps_the_area_code_and_the_last_four_digits() -> None:
    assert mask_phone("0731-84512345") == "073******2345"


@pytest.mark.parametrize("phone", ["", "110", "1234567"])
def test_a_short_phone_is_masked_entirely(phone: str) -> None:
    assert mask_phone(phone) == "*" * len(phone)


@pytest.mark.parametrize("number", ["430102199003071234", "43010219900307123X", "810000199003071234"])
def test_the_birth_date_and_sequence_of_an_id_number_never_survive_masking(number: str) -> None:
    masked = mask_id_number(number)
    assert set(masked[4:-4]) == {"*"}
    assert number[6:14] not in masked


def test_history_keeps_only_the_year_of_a_birth_date() -> None:
    assert shown_in_history("birthDate", datetime.date(1990, 3, 7)) == "1990-**-**"


@pytest.mark.parametrize(
    ("field", "value"),
    [("birthDate", "1990-03-07"), ("idNumber", "430102199003071234"), ("phone", "13812345678")],
)
def test_a_value_masked_for_history_is_unchanged_by_masking_it_again(field: str, value: str) -> None:
    once = shown_in_history(field, value)
    assert shown_in_history(field, once) == once != value


def test_history_shows_other_dates_in_full_and_other_values_as_they_are() -> None:
    assert shown_in_history("joinedOn", datetime.date(2020, 5, 1)) == "2020-05-01"
    assert shown_in_history("name", "张三") == "张三"
    assert shown_in_history("birthDate", None) is None
