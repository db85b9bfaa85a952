"""Opaque global ids (``Member:12`` in base64): a client can hold and pass them, never guess a table's."""

from __future__ import annotations

import base64
import binascii

import strawberry

from province_node.domain.errors import ErrorCode, RuleViolation


def global_id(kind: str, key: int) -> strawberry.ID:
    """The id a client sees for row ``key`` of ``kind``."""
    return strawberry.ID(base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("="))


def decode_id(kind: str, value: str | None, *, what: str) -> int:
    """The row key of an id of ``kind``; ``RuleViolation(INVALID_ID)`` for anything else."""
    if value:
        try:
            text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            value_kind, _, key = text.partition(":")
            if value_kind == kind and key.isdigit() and len(key) < 19:
                return int(key)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            pass
    raise RuleViolation(ErrorCode.INVALID_ID, f"“{value}”不是有效的{what}编号")


def decode_optional_id(kind: str, value: str | None, *, what: str) -> int | None:
    """Like ``decode_id``, but ``None`` stays ``None``."""
    return None if value is None else decode_id(kind, value, what=what)
