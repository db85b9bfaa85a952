"""Coded values as clients see them: the stored code with its Chinese label."""

from __future__ import annotations

import strawberry

from exchange.standard import code_list
from province_node.domain.errors import ErrorCode, RuleViolation


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


def filter_codes(list_name: str, values: list[str] | None) -> list[str] | None:
    """The codes of filter values given as codes or labels (clerks type labels); ``INVALID_ARGUMENT`` naming
    a value that is neither, rather than a filter that silently matches nothing."""
    if values is None:
        return None
    found = []
    for value in values:
        entry = code_list(list_name).find(value)
        if entry is None:
            raise RuleViolation(ErrorCode.INVALID_ARGUMENT, f"筛选条件“{value}”不在代码表 {list_name} 中")
        found.append(entry.code)
    return found


def filter_code(list_name: str, value: str | None) -> str | None:
    """The code of one filter value, as ``filter_codes``."""
    codes = filter_codes(list_name, None if value is None else [value])
    return codes[0] if codes else None
