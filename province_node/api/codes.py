"""Coded values as clients see them: the stored code with its Chinese label."""

from __future__ import annotations

import strawberry

from exchange.standard import code_list


@strawberry.type(description="A value from a code list: the stored code and its Chinese label.")
class Code:
    code: str
    label: str


def coded(list_name: str, value: str | None) -> Code | None:
    """The ``Code`` of ``value`` in ``list_name``, or ``None`` when not recorded."""
    if value is None:
        return None
    return Code(code=value, label=code_list(list_name).label(value))


def required_code(list_name: str, value: str) -> Code:
    """The ``Code`` of a value that is always recorded."""
    return Code(code=value, label=code_list(list_name).label(value))
