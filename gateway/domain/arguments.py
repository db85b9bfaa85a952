"""Checking the arguments of lookups before anything is asked of the exchange: an ID number (by the national
standard), the purpose of a verification (written to the exchange's log, so never with a personal number), a
page of conflicts.

Each check returns the problems found (empty when the argument is good); the API answers them as a typed
result, never as an error of the request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from exchange.standard import IdentityDocument, validate_id_number
from exchange.standard.personal_numbers import mentions_personal_number

MAX_PURPOSE_LENGTH: Final = 120  # the exchange keeps 200; the rest names the national caller
MAX_CONFLICT_PAGE: Final = 1_000
_DIGIT: Final = re.compile(r"\d")  # any digit, full-width ones too


@dataclass(frozen=True, slots=True)
class ArgumentProblem:
    """One problem with one argument: a stable code (the standard's, or ``INVALID_ARGUMENT``) and a message."""

    field: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class ArgumentsRefused:
    """Arguments the gateway will not act on, with every problem found."""

    problems: tuple[ArgumentProblem, ...]

    @property
    def message(self) -> str:
        """The problems in one sentence (Chinese)."""
        return "；".join(problem.message for problem in self.problems)


@dataclass(frozen=True, slots=True)
class CheckedIdNumber:
    """An ID number the standard accepts: the document to compute the identity token of, and its normal form."""

    document: IdentityDocument
    id_type: str
    normalized: str


def check_id_number(id_type: str, id_number: str) -> CheckedIdNumber | ArgumentsRefused:
    """The checked ID number, or why the standard refuses it."""
    verdict = validate_id_number(id_type, id_number)
    if verdict.document is None:
        return ArgumentsRefused(tuple(ArgumentProblem(p.field, p.code.value, p.message) for p in verdict.errors))
    return CheckedIdNumber(verdict.document, id_type, verdict.normalized or id_number.strip())


def check_purpose(purpose: str) -> tuple[ArgumentProblem, ...]:
    """Problems of a verification's purpose (核查事由): 1 to ``MAX_PURPOSE_LENGTH`` printable characters."""
    text = purpose.strip()
    if not text or len(text) > MAX_PURPOSE_LENGTH:
        message = f"核查事由应为 1 至 {MAX_PURPOSE_LENGTH} 个字符"
        return (ArgumentProblem("purpose", "PURPOSE_LENGTH", message),)
    if not text.isprintable():
        return (ArgumentProblem("purpose", "PURPOSE_UNPRINTABLE", "核查事由含有不可见字符"),)
    if mentions_personal_number(text):
        message = "核查事由不得含有身份证号码或手机号码：事由永久记入核查日志，只写事由，如 困难职工帮扶"
        return (ArgumentProblem("purpose", "PURPOSE_PERSONAL_NUMBER", message),)
    return ()


def logged_purpose(purpose: str, subject: str) -> str:
    """The purpose as the exchange logs it: the caller's words and who asked (the exchange knows only the
    gateway). A subject that is a mobile number (some accounts are named so) is logged with its digits but
    the last four hidden, as the exchange keeps no personal number."""
    if mentions_personal_number(subject):
        subject = _DIGIT.sub("*", subject[:-4]) + subject[-4:]
    return f"{purpose.strip()}（全国用户 {subject}）"[:200]


def check_page(after: int | None, limit: int) -> tuple[ArgumentProblem, ...]:
    """Problems of a page of conflicts: ``after`` an id (0 or more), ``limit`` 1 to ``MAX_CONFLICT_PAGE``."""
    problems = []
    if after is not None and after < 0:
        problems.append(ArgumentProblem("after", "INVALID_ARGUMENT", "after 应为上一页返回的 next（非负整数）"))
    if not 1 <= limit <= MAX_CONFLICT_PAGE:
        problems.append(ArgumentProblem("limit", "INVALID_ARGUMENT", f"limit 应为 1 至 {MAX_CONFLICT_PAGE}"))
    return tuple(problems)
