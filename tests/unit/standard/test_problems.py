"""Problem codes and their messages."""

from __future__ import annotations

import string

from exchange.standard import FIELD_LABELS, ProblemCode, problem
from exchange.standard.problems import MESSAGES


def test_every_code_has_a_chinese_message() -> None:
    assert set(MESSAGES) == set(ProblemCode)
    for message in MESSAGES.values():
        assert any("\u4e00" <= char <= "\u9fff" for char in message)


def test_codes_are_their_own_stable_english_names() -> None:
    for code in ProblemCode:
        assert code.value == code.name
        assert set(code.value) <= set(string.ascii_uppercase + "_")


def test_a_message_names_the_field_in_chinese() -> None:
    assert problem(ProblemCode.VALUE_REQUIRED, "joinedOn").message == "入会时间为必填项，不能为空"


def test_every_field_has_a_chinese_label() -> None:
    for label in FIELD_LABELS.values():
        assert any("\u4e00" <= char <= "\u9fff" for char in label)
