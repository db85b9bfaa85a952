"""Opaque global ids (``Member:12`` in base64, see ``encode_key``): a client can hold and pass them, never guess
a table's."""

from __future__ import annotations

import strawberry

from province_node.domain.errors import ErrorCode, RuleViolation
from province_node.services.pages import decode_key, encode_key


def global_id(kind: str, key: int) -> strawberry.ID:
    """The id a client sees for row ``key`` of ``kind``."""
    return strawberry.ID(encode_key(kind, key))


def decode_id(kind: str, value: str | None, *, what: str) -> int:
    """The row key of an id of ``kind``; ``RuleViolation(INVALID_ID)`` for anything else."""
    key = decode_key(kind, value) if value else None
    if key is not None:
        return key
    raise RuleViolation(ErrorCode.INVALID_ID, f"“{value}”不是有效的{what}编号")


def decode_optional_id(kind: str, value: str | None, *, what: str) -> int | None:
    """Like ``decode_id``, but ``None`` stays ``None``."""
    return None if value is None else decode_id(kind, value, what=what)
