"""Arguments of lookups checked before anything is asked of the exchange: ID numbers by the national standard,
the purpose of a verification, a page of conflicts."""

from __future__ import annotations

import pytest

from exchange.standard.personal_numbers import mentions_personal_number
from gateway.domain.arguments import (
    MAX_CONFLICT_PAGE,
    MAX_PURPOSE_LENGTH,
    ArgumentsRefused,
    CheckedIdNumber,
    check_id_number,
    check_page,
    check_purpose,
    logged_purpose,
)
from tests.integration.province_node.world import TODAY, resident_id

VALID = resident_id("430102", TODAY.replace(year=1990), 123)


def test_a_valid_resident_id_is_accepted_in_its_normal_form() -> None:
    checked = check_id_number("01", f" {VALID.lower()} ")
    assert isinstance(checked, CheckedIdNumber)
    assert (checked.id_type, checked.normalized) == ("01", VALID)


@pytest.mark.parametrize(
    ("id_type", "id_number", "problem"),
    [
        ("01", VALID[:-1] + ("0" if VALID[-1] != "0" else "1"), ("idNumber", "ID_CHECKSUM")),
        ("01", "12345", ("idNumber", "ID_LENGTH")),
        ("99", VALID, ("idType", "CODE_UNKNOWN")),
    ],
    ids=["wrong check digit", "too short", "unknown ID type"],
)
def test_an_id_the_standard_refuses_is_refused_with_its_code(
    id_type: str, id_number: str, problem: tuple[str, str]
) -> None:
    refused = check_id_number(id_type, id_number)
    assert isinstance(refused, ArgumentsRefused)
    assert [(p.field, p.code) for p in refused.problems] == [problem]
    assert refused.message


@pytest.mark.parametrize(
    ("purpose", "code"),
    [("", "PURPOSE_LENGTH"), ("   ", "PURPOSE_LENGTH"), ("帮" * (MAX_PURPOSE_LENGTH + 1), "PURPOSE_LENGTH"),
     ("帮扶\x00", "PURPOSE_UNPRINTABLE"), ("帮扶 联系电话13800138000", "PURPOSE_PERSONAL_NUMBER")],
)  # fmt: skip
def test_a_purpose_must_say_why_in_printable_words(purpose: str, code: str) -> None:
    assert [p.code for p in check_purpose(purpose)] == [code]


def test_a_purpose_of_up_to_the_limit_is_accepted_and_logged_with_who_asked() -> None:
    purpose = "帮" * MAX_PURPOSE_LENGTH
    assert check_purpose(purpose) == ()
    logged = logged_purpose(purpose, "x" * 300)
    assert logged.startswith(purpose)
    assert len(logged) == 200  # what the exchange keeps


def test_a_caller_named_by_a_mobile_number_is_logged_with_all_but_its_last_four_digits_hidden() -> None:
    logged = logged_purpose("困难职工帮扶", "13800138000")
    assert logged == "困难职工帮扶（全国用户 *******8000）"
    assert not mentions_personal_number(logged)


def test_a_page_of_conflicts_needs_a_non_negative_cursor_and_a_bounded_limit() -> None:
    assert check_page(None, 1) == ()
    assert check_page(0, MAX_CONFLICT_PAGE) == ()
    assert [p.field for p in check_page(-1, 0)] == ["after", "limit"]
    assert [p.field for p in check_page(None, MAX_CONFLICT_PAGE + 1)] == ["limit"]
