"""Keyset pagination (opaque cursors over ascending ids, pages of a bounded size) and the text lists search by.

A cursor and a global id are the same opaque value: ``kind:key`` in URL-safe base64, ``key`` a row id the
database's ``bigint`` can hold. Search text is checked here before it reaches the database, which refuses
NUL and would otherwise fail the request with an internal error.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from province_node.domain.errors import ErrorCode, RuleViolation

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 50
LONGEST_KEY = 18  # digits of a row key: any such number fits a bigint (largest 9223372036854775807)
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list, with what is needed to ask for the next."""

    items: Sequence[T]
    cursors: Sequence[str]
    has_next_page: bool
    has_previous_page: bool

    @property
    def start_cursor(self) -> str | None:
        """The cursor of the page's first row."""
        return self.cursors[0] if self.cursors else None

    @property
    def end_cursor(self) -> str | None:
        """The cursor to pass as ``after`` for the next page."""
        return self.cursors[-1] if self.cursors else None


def search_text(text: str, *, what: str) -> str:
    """``text`` without surrounding blanks, to compare with stored text; ``RuleViolation(INVALID_ARGUMENT)``
    when it holds a control character (stored names and codes have none; the database refuses NUL)."""
    stripped = text.strip()
    if _CONTROL_CHARACTER.search(stripped):
        raise RuleViolation(ErrorCode.INVALID_ARGUMENT, f"{what}中含有不可见的控制字符，请删除后重新输入")
    return stripped


def contains_pattern(text: str, *, what: str) -> str:
    """An ``ILIKE`` pattern matching the search text ``text`` (see ``search_text``) anywhere, with LIKE's
    wildcards in it taken literally."""
    escaped = search_text(text, what=what).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def encode_key(kind: str, key: int) -> str:
    """The opaque value standing for row ``key`` of ``kind`` (a cursor, or a global id)."""
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def decode_key(kind: str, value: str) -> int | None:
    """The row key an opaque value of ``kind`` stands for; ``None`` when it stands for none (not base64, another
    kind, or a key no row can have)."""
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    value_kind, _, key = text.partition(":")
    if value_kind == kind and key.isascii() and key.isdigit() and len(key) <= LONGEST_KEY:
        return int(key)
    return None


def decode_cursor(kind: str, cursor: str | None) -> int | None:
    """The row key a cursor (``encode_key`` of a row) stands after; ``RuleViolation(INVALID_CURSOR)`` for
    anything else."""
    if cursor is None:
        return None
    key = decode_key(kind, cursor)
    if key is None:
        raise RuleViolation(ErrorCode.INVALID_CURSOR, "分页游标无效，请从第一页重新查询")
    return key


def page_size(first: int | None, largest: int) -> int:
    """The number of rows to return; ``RuleViolation(INVALID_ARGUMENT)`` outside 1..``largest``."""
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 1 <= size <= largest:
        raise RuleViolation(ErrorCode.INVALID_ARGUMENT, f"每页条数须在 1 至 {largest} 之间")
    return size


def page_of(kind: str, rows: Sequence[T], keys: Sequence[int], size: int, *, after: int | None) -> Page[T]:
    """A page from up to ``size + 1`` rows fetched in key order after ``after`` (the extra row only says there
    is more; a page that starts after a cursor has rows before it)."""
    return Page(
        items=rows[:size],
        cursors=[encode_key(kind, key) for key in keys[:size]],
        has_next_page=len(rows) > size,
        has_previous_page=after is not None,
    )
