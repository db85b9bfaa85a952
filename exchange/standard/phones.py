"""Phone numbers: a member's mobile, and an organisation's contact phone (mobile or landline).

Mobile: ``1[3-9]`` + 9 digits; a ``+86`` / ``0086`` prefix is dropped. Landline: ``0`` + a 2-3 digit area
code, an optional hyphen, 7-8 digits; kept as written apart from spaces and brackets around the area
code, because the split between area code and number cannot be recovered from the digits alone.
"""

from __future__ import annotations

import re
from typing import Final

from exchange.standard.problems import Problem, ProblemCode, problem
from exchange.standard.text import identifier_cell, shown
from exchange.standard.verdict import Verdict, refused

_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)  # ASCII digits: NFKC leaves other scripts' digits as they are
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}", re.ASCII)
_COUNTRY_PREFIX = re.compile(r"^(\+86|0086|86(?=1\d{10}$))", re.ASCII)
_AREA_BRACKETS = re.compile(r"^\((0\d{2,3})\)", re.ASCII)
MOBILE_RULE: Final = "手机号码应为 1 开头的 11 位数字"
PHONE_RULE: Final = "应为 1 开头的 11 位手机号码，或带区号的固定电话（如 0731-84512345）"


def validate_phone(value: object, *, allow_landline: bool = False, field: str = "phone") -> Verdict:
    """Check and normalise a phone number; only a mobile unless ``allow_landline``."""
    number = identifier_cell(value, field)
    if isinstance(number, Problem):
        return refused(value, number)
    number = _COUNTRY_PREFIX.sub("", number)
    number = _AREA_BRACKETS.sub(r"\1-", number)
    if _MOBILE.fullmatch(number):
        return Verdict(input=value, normalized=number)
    if _LANDLINE.fullmatch(number):
        if allow_landline:
            return Verdict(input=value, normalized=number)
        return refused(value, problem(ProblemCode.PHONE_NOT_MOBILE, field, value=shown(number)))
    rule = PHONE_RULE if allow_landline else MOBILE_RULE
    return refused(value, problem(ProblemCode.PHONE_FORMAT, field, value=shown(number), expected=rule))
