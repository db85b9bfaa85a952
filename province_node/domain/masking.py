"""Masking personal numbers for roles that may not see them: enough to recognise, not enough to use."""

from __future__ import annotations

import datetime


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


def mask_birth_date(birth: str) -> str:
    """``1990-03-07`` -> ``1990-**-**``: the year, which is all that age statistics need."""
    return birth[:4] + "-**-**"


_MASKED_IN_HISTORY = {"idNumber": mask_id_number, "phone": mask_phone, "birthDate": mask_birth_date}


def shown_in_history(field: str, value: object) -> object:
    """A value as a member's history keeps it: JSON-ready, personal numbers masked whoever reads it.

    Masking a value that is masked already changes nothing, so history written before a field was masked
    can be shown through the same function.
    """
    if isinstance(value, datetime.date):
        value = value.isoformat()
    mask = _MASKED_IN_HISTORY.get(field)
    return mask(value) if mask is not None and isinstance(value, str) else value
