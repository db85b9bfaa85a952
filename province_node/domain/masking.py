"""Masking personal numbers for roles that may not see them: enough to recognise, not enough to use."""

from __future__ import annotations


def mask_id_number(number: str) -> str:
    """``420102199003071232`` -> ``4201**********1232``: region prefix and last four kept."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    """``13812345678`` -> ``138****5678``; landlines keep the area code and the last four digits."""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
