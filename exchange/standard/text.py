"""Turning whatever a spreadsheet cell or a form holds into clean text, before any rule looks at it.

STANDARD.md: normalise first — Unicode NFKC (full-width digits and letters become half-width), strip
spaces and invisible characters, upper-case identifiers. Cells arrive as ``str``, ``int``, ``float``,
``bool``, dates or ``None``; each is either turned into text here or refused with ``VALUE_TYPE``.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from typing import Final

from exchange.standard.problems import Problem, ProblemCode, problem

# A cell longer than this is not an identifier, a name or a code; refuse it before normalising so a
# 10 MB paste costs nothing.
LONGEST_TEXT: Final = 200
_SHOWN_LENGTH: Final = 40

_WHITESPACE = re.compile(r"\s+")


# Format characters (category Cf: soft hyphen, zero-width space, direction marks, BOM, tags) ride along
# with copy-paste from web pages and Word. Listed as ranges so lookup costs nothing at start-up; a test
# checks the list covers every Cf character of the running Python's Unicode database.
_FORMAT_CHARACTER_RANGES: Final = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)  # fmt: skip
INVISIBLE_CHARACTERS: Final[dict[int, None]] = {
    code: None for first, last in _FORMAT_CHARACTER_RANGES for code in range(first, last + 1)
}


def describe_kind(value: object) -> str:
    """Name a cell's type the way a clerk would (数字, 日期, 是/否)."""
    if isinstance(value, bool):
        return "是/否（逻辑值）"
    if isinstance(value, int | float):
        return "数字"
    if isinstance(value, datetime.date):
        return "日期"
    return "其他类型的数据"


def shown(value: object) -> str:
    """A value as it may appear inside a message: control characters made visible, long values cut."""
    try:
        text = value if isinstance(value, str) else repr(value)
    except ValueError:  # an int of more digits than Python will print
        text = f"<{type(value).__name__}>"
    visible = "".join(
        char if unicodedata.category(char)[0] != "C" else f"\\u{ord(char):04x}" for char in text[: _SHOWN_LENGTH + 1]
    )
    return visible if len(visible) <= _SHOWN_LENGTH else visible[:_SHOWN_LENGTH] + "…"


def cell_text(value: object, field: str) -> str | Problem:
    """The text of a cell, or ``VALUE_TYPE`` / ``VALUE_TOO_LONG`` when it cannot be one.

    Whole numbers become their digits (a phone or a 15-digit ID survives Excel's numbers); ``None`` is
    the empty string. Fractions, booleans and dates are refused: they are never what a text field means.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        text = str(int(value))
    else:
        return problem(ProblemCode.VALUE_TYPE, field, kind=describe_kind(value))
    if len(text) > LONGEST_TEXT * 4:
        return problem(ProblemCode.VALUE_TOO_LONG, field, length=len(text), limit=LONGEST_TEXT)
    return text


def clean_text(text: str) -> str:
    """NFKC, invisible characters removed, runs of whitespace collapsed to one space, ends stripped."""
    if text.isascii():
        normal = text
    else:
        normal = text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)
        normal = normal.translate(INVISIBLE_CHARACTERS)
    return _WHITESPACE.sub(" ", normal).strip()


def compact_identifier(text: str) -> str:
    """An identifier as written without any spaces or invisible characters, upper-cased."""
    if text.isascii() and text.isalnum():
        return text.upper()  # the common case, already clean: skip normalisation
    return _WHITESPACE.sub("", clean_text(text)).upper()


def identifier_cell(value: object, field: str, *, longest: int = 40) -> str | Problem:
    """The identifier a cell holds, compacted (see ``compact_identifier``), or what is wrong with the cell.

    Refused: a cell that is not text or a whole number, an empty one, one longer than ``longest``.
    """
    text = cell_text(value, field)
    if isinstance(text, Problem):
        return text
    identifier = compact_identifier(text)
    if not identifier:
        return problem(ProblemCode.VALUE_REQUIRED, field)
    if len(identifier) > longest:
        return problem(ProblemCode.VALUE_TOO_LONG, field, length=len(identifier), limit=longest)
    return identifier


def foreign_characters(text: str, allowed: re.Pattern[str]) -> str:
    """The distinct characters of ``text`` that ``allowed`` (a one-character class) does not match, shown."""
    seen: list[str] = []
    for char in text:
        if not allowed.fullmatch(char) and char not in seen:
            seen.append(char)
    return "、".join(shown(char) for char in seen)
