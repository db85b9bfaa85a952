"""Normalising cell text before any rule looks at it."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from exchange.standard.text import INVISIBLE_CHARACTERS, clean_text, compact_identifier


def test_every_format_character_of_this_unicode_version_is_removed() -> None:
    format_characters = {code for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cf"}
    assert format_characters <= set(INVISIBLE_CHARACTERS)


def test_the_invisible_list_holds_nothing_visible() -> None:
    assert {unicodedata.category(chr(code)) for code in INVISIBLE_CHARACTERS} <= {"Cf", "Cn"}


@pytest.mark.parametrize(
    ("written", "clean"),
    [
        ("  武汉\u3000钢铁  ", "武汉 钢铁"),
        ("ＡＢＣ１２３", "ABC123"),
        ("\ufeff张\u200b伟\u00ad", "张伟"),
        ("a\t\nb", "a b"),
        ("（单建）", "(单建)"),
    ],
)
def test_clean_text_applies_nfkc_drops_invisibles_and_collapses_spaces(written: str, clean: str) -> None:
    assert clean_text(written) == clean


def test_compact_identifier_removes_every_space_and_upper_cases() -> None:
    assert compact_identifier(" 9142 0100 ma4k\u200b 1234xx ") == "91420100MA4K1234XX"
