"""Codes of units and union organisations: the USCC (GB 32100-2015) and the node's temporary code.

A USCC is 18 characters of ``0-9 A-H J-N P-R T U W-Y``: registration authority, organisation category,
six-digit region, nine-character organisation code, check character (mod 31). Letters are valid first
characters (``A``, ``N``, ``Y`` authorities), so the rule is the alphabet, not "eight leading digits".

A temporary code (临时赋码) is what a node issues to a unit or union with no legal-person status:
``Z`` + the two-digit province code + a 14-digit sequence + a check character. ``Z`` is not in the USCC
alphabet, so a temporary code can never be mistaken for a USCC, and the province prefix keeps codes from
different nodes apart. The check character is the USCC's, computed as if the ``Z`` were a ``0`` (no
registration authority): a ``Z`` mistyped as a real authority (``1-9 A N Y``) then always fails the USCC check,
so no single-character slip turns a temporary code into a valid USCC, or a USCC into a temporary code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from exchange.standard.checksums import USCC_ALPHABET, uscc_check
from exchange.standard.code_lists import code_list
from exchange.standard.problems import Problem, ProblemCode, problem
from exchange.standard.text import foreign_characters, identifier_cell, shown
from exchange.standard.verdict import Verdict, refused

USCC_AUTHORITIES: Final = frozenset("123456789ANY")
# Trade unions are registered by authority 8 (工会): 81 grassroots unions, 89 other union bodies.
UNION_USCC_PREFIXES: Final = ("81", "89")
TEMPORARY_PREFIX: Final = "Z"
_TEMPORARY_SEQUENCE_DIGITS: Final = 14
_LARGEST_SEQUENCE: Final = 10**_TEMPORARY_SEQUENCE_DIGITS - 1

_USCC_CHARACTER = re.compile(f"[{USCC_ALPHABET}]")
_TEMPORARY = re.compile(r"Z(?P<province>\d{2})\d{14}[0-9A-Y]", re.ASCII)


def _uscc_errors(code: str, field: str) -> list[Problem]:
    text = shown(code)
    if len(code) != 18:
        return [problem(ProblemCode.USCC_LENGTH, field, value=text, length=len(code))]
    bad = foreign_characters(code, _USCC_CHARACTER)
    if bad:
        return [problem(ProblemCode.USCC_CHARACTERS, field, value=text, chars=bad)]
    errors = []
    if code[0] not in USCC_AUTHORITIES:
        errors.append(problem(ProblemCode.USCC_AUTHORITY, field, value=text, first=code[0]))
    if not code[2:8].isdigit():
        errors.append(problem(ProblemCode.USCC_REGION, field, value=text))
    expected = uscc_check(code[:17])
    if code[17] != expected:
        errors.append(problem(ProblemCode.USCC_CHECKSUM, field, value=text, expected=expected))
    return errors


def _temporary_errors(code: str, field: str) -> list[Problem]:
    text = shown(code)
    match = _TEMPORARY.fullmatch(code)
    if match is None:
        return [problem(ProblemCode.TEMP_CODE_FORMAT, field, value=text)]
    if code_list("province").get(match["province"]) is None:
        return [problem(ProblemCode.TEMP_CODE_PROVINCE, field, value=text, province=match["province"])]
    if code[17] != _temporary_check(code[1:17]):
        return [problem(ProblemCode.TEMP_CODE_CHECKSUM, field, value=text)]
    return []


def _checked(value: object, field: str, errors_of: Callable[[str, str], list[Problem]]) -> Verdict:
    code = identifier_cell(value, field)
    if isinstance(code, Problem):
        return refused(value, code)
    errors = errors_of(code, field)
    return refused(value, *errors) if errors else Verdict(input=value, normalized=code)


def _uscc_only_errors(code: str, field: str) -> list[Problem]:
    if code.startswith(TEMPORARY_PREFIX) and not _temporary_errors(code, field):
        return [problem(ProblemCode.USCC_IS_TEMPORARY, field, value=shown(code))]
    return _uscc_errors(code, field)


def _credit_code_errors(code: str, field: str) -> list[Problem]:
    if code.startswith(TEMPORARY_PREFIX):
        return _temporary_errors(code, field)
    return _uscc_errors(code, field)


def validate_uscc(value: object, *, field: str = "creditCode") -> Verdict:
    """Check and normalise a unified social credit code."""
    return _checked(value, field, _uscc_only_errors)


def validate_temporary_code(value: object, *, field: str = "creditCode") -> Verdict:
    """Check and normalise a node-issued temporary code."""
    return _checked(value, field, _temporary_errors)


def validate_credit_code(value: object, *, field: str = "creditCode") -> Verdict:
    """Check a unit's or union's code, which is either a USCC or a temporary code."""
    return _checked(value, field, _credit_code_errors)


def is_temporary_code(code: str) -> bool:
    """True when a (normalised, valid) code is a node-issued temporary code rather than a USCC."""
    return code.startswith(TEMPORARY_PREFIX)


def temporary_code(province: str, sequence: int) -> str:
    """The temporary code number ``sequence`` of ``province`` (a two-digit province code).

    The node owns the sequence (a database sequence per province), so codes are unique nationally.
    """
    if code_list("province").get(province) is None:
        raise ValueError(f"{province!r} is not a province code")
    if not 0 < sequence <= _LARGEST_SEQUENCE:
        raise ValueError(f"temporary code sequence out of range: {sequence}")
    body = f"{province}{sequence:0{_TEMPORARY_SEQUENCE_DIGITS}d}"
    return TEMPORARY_PREFIX + body + _temporary_check(body)


def _temporary_check(digits: str) -> str:
    # The USCC check of "0" + digits differs from that of every authority + digits (mod 31, weight 1).
    return uscc_check("0" + digits)
