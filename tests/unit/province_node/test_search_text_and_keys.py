"""Search text and opaque keys are checked before they reach the database: a control character in search
text, or a cursor or id whose key no ``bigint`` row id can be, is refused with a stable code."""

from __future__ import annotations

import base64

import pytest

from province_node.api.ids import decode_id, global_id
from province_node.domain.errors import ErrorCode, RuleViolation
from province_node.services.pages import (
    LONGEST_KEY,
    contains_pattern,
    decode_cursor,
    decode_key,
    encode_key,
    search_text,
)

LARGEST_BIGINT = 2**63 - 1


def _opaque(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize("text", ["a\x00b", "a\tb", "张\n三", "a\x7fb", "a\x85b"])
def test_search_text_with_a_control_character_inside_is_refused_as_an_invalid_argument(text: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        search_text(text, what="姓名")
    assert refused.value.code is ErrorCode.INVALID_ARGUMENT
    assert refused.value.message.startswith("姓名中含有")


def test_search_text_loses_surrounding_blanks_and_keeps_the_rest() -> None:
    assert search_text(" 芙蓉 区\n", what="工会名称") == "芙蓉 区"


def test_a_contains_pattern_refuses_control_characters_and_escapes_wildcards() -> None:
    assert contains_pattern(" 50%_a\\b ", what="单位名称") == "%50\\%\\_a\\\\b%"
    with pytest.raises(RuleViolation):
        contains_pattern("a\x00", what="单位名称")


def test_an_encoded_key_decodes_to_the_same_row_key_up_to_the_longest_key() -> None:
    largest = int("9" * LONGEST_KEY)
    assert largest <= LARGEST_BIGINT
    for key in (0, 1, 12345, largest):
        assert decode_key("member", encode_key("member", key)) == key
        assert decode_cursor("member", encode_key("member", key)) == key


@pytest.mark.parametrize(
    "value",
    [
        encode_key("member", LARGEST_BIGINT + 1),
        encode_key("member", int("9" * 45)),
        encode_key("unit", 12),
        _opaque("member:-1"),
        _opaque("member:12a"),
        _opaque("member:١٢"),  # digits, but not ASCII ones
        "不是游标",
    ],
)
def test_a_cursor_that_stands_for_no_row_is_refused_as_an_invalid_cursor(value: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        decode_cursor("member", value)
    assert refused.value.code is ErrorCode.INVALID_CURSOR


def test_a_global_id_beyond_bigint_is_refused_as_an_invalid_id_and_a_normal_one_round_trips() -> None:
    assert decode_id("Member", global_id("Member", 42), what="会员") == 42
    with pytest.raises(RuleViolation) as refused:
        decode_id("Member", global_id("Member", LARGEST_BIGINT + 1), what="会员")
    assert refused.value.code is ErrorCode.INVALID_ID
