"""Keyset pagination: opaque cursors over ascending ids, pages of a bounded size."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from province_node.domain.errors import ErrorCode, RuleViolation

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 50


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


def contains_pattern(text: str) -> str:
    """An ``ILIKE`` pattern matching ``text`` anywhere, with LIKE's wildcards in it taken literally."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def encode_cursor(kind: str, key: int) -> str:
    """An opaque cursor standing after the row ``key`` of a ``kind`` list."""
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None) -> int | None:
    """The row key a cursor stands after; ``RuleViolation(INVALID_CURSOR)`` for anything else."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        cursor_kind, _, key = text.partition(":")
        if cursor_kind == kind and key.isdigit():
            return int(key)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise RuleViolation(ErrorCode.INVALID_CURSOR, "分页游标无效，请从第一页重新查询")


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
        cursors=[encode_cursor(kind, key) for key in keys[:size]],
        has_next_page=len(rows) > size,
        has_previous_page=after is not None,
    )
