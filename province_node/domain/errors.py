"""Domain errors: broken rules a user can cause and fix, each with a stable code and a Chinese message.

    DomainError                 a rule of the domain refused the request
    ├── NotFound                no such record in the caller's scope (never says whether it exists elsewhere)
    ├── NotPermitted            the caller's role may not do this
    ├── InvalidInput            fields refused by the standard (each with field, code, message)
    └── RuleViolation           the request breaks a rule (moving an organisation under itself, ...)

The API turns ``NotFound`` and ``RuleViolation`` into typed results and ``NotPermitted`` into a GraphQL
error, so a client can rely on the codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from exchange.standard import Problem


class ErrorCode(StrEnum):
    """Stable codes of domain rules (validation problems of single fields use ``ProblemCode``)."""

    NOT_FOUND = "NOT_FOUND"
    OUT_OF_SCOPE = "OUT_OF_SCOPE"
    NOT_PERMITTED = "NOT_PERMITTED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    PASSWORD_CHANGE_REQUIRED = "PASSWORD_CHANGE_REQUIRED"  # noqa: S105 - an error code, not a password
    INVALID_ID = "INVALID_ID"
    INVALID_CURSOR = "INVALID_CURSOR"
    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    LOGIN_FAILED = "LOGIN_FAILED"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"
    TOO_MANY_LOOKUPS = "TOO_MANY_LOOKUPS"
    IMPORT_QUEUE_FULL = "IMPORT_QUEUE_FULL"  # the account has as many imports waiting or running as it may
    ACCOUNT_DISABLED = "ACCOUNT_DISABLED"
    WRONG_PASSWORD = "WRONG_PASSWORD"  # noqa: S105 - an error code, not a password
    WEAK_PASSWORD = "WEAK_PASSWORD"  # noqa: S105 - an error code, not a password
    USERNAME_TAKEN = "USERNAME_TAKEN"
    ROLE_TOO_HIGH = "ROLE_TOO_HIGH"
    DUPLICATE_IN_PROVINCE = "DUPLICATE_IN_PROVINCE"
    DUPLICATE_IN_OTHER_PROVINCE = "DUPLICATE_IN_OTHER_PROVINCE"
    DUPLICATE_CREDIT_CODE = "DUPLICATE_CREDIT_CODE"
    ORG_MOVE_INTO_OWN_SUBTREE = "ORG_MOVE_INTO_OWN_SUBTREE"
    ORG_MOVE_ROOT = "ORG_MOVE_ROOT"
    ORG_NOT_EMPTY = "ORG_NOT_EMPTY"
    ORG_DISSOLVED = "ORG_DISSOLVED"
    ORG_NOT_GRASSROOTS = "ORG_NOT_GRASSROOTS"
    ORG_CREDIT_CODE_REQUIRED = "ORG_CREDIT_CODE_REQUIRED"
    ORG_OWN_ROOT = "ORG_OWN_ROOT"
    ILLEGAL_STATUS_CHANGE = "ILLEGAL_STATUS_CHANGE"
    END_REASON_REQUIRED = "END_REASON_REQUIRED"
    MEMBERSHIP_ENDED = "MEMBERSHIP_ENDED"
    CONCURRENT_CHANGE = "CONCURRENT_CHANGE"  # another request changed the same record at the same moment
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"  # its answer, estimated before it runs, would be too large
    QUERY_TIMEOUT = "QUERY_TIMEOUT"  # a statement ran past ``QueryLimits.statement_seconds`` and was cancelled


class DomainError(Exception):
    """A rule refused the request; ``code`` is stable, ``message`` is for the clerk (Chinese)."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class NotFound(DomainError):
    """Nothing with that id in the caller's scope."""

    def __init__(self, what: str) -> None:
        super().__init__(ErrorCode.NOT_FOUND, f"在您的管辖范围内找不到该{what}")


class NotPermitted(DomainError):
    """The caller's role does not allow the action."""

    def __init__(self, action: str) -> None:
        super().__init__(ErrorCode.NOT_PERMITTED, f"您的账号角色无权{action}")


class InvalidInput(DomainError):
    """Fields of the input were refused; ``problems`` says which and why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(ErrorCode.INVALID_ARGUMENT, "；".join(item.message for item in problems))
        self.problems = tuple(problems)


class RuleViolation(DomainError):
    """The request breaks a rule of the domain."""
