"""Error codes of the gateway and its root exception.

    GatewayError                 every expected failure: a stable English ``code`` and a Chinese ``message``
    ├── NotAuthorised            no identity, a bad one, or a role without the permission
    ├── InvalidArgument          an argument the gateway cannot act on (unknown province, ...)
    ├── ProvinceUnavailable      one province node did not answer usefully (``province`` says which)
    ├── ExchangeUnavailable      the national exchange did not answer usefully
    └── TooManyLookups           the caller's lookups by ID number for the hour are used up

GraphQL returns them as errors with ``extensions.code`` (and ``extensions.province`` for a province).
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable codes clients can act on."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    NOT_PERMITTED = "NOT_PERMITTED"
    LOGIN_FAILED = "LOGIN_FAILED"
    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    UNKNOWN_PROVINCE = "UNKNOWN_PROVINCE"
    NODE_TIMEOUT = "NODE_TIMEOUT"
    NODE_UNREACHABLE = "NODE_UNREACHABLE"
    NODE_CIRCUIT_OPEN = "NODE_CIRCUIT_OPEN"
    NODE_ERROR = "NODE_ERROR"
    NODE_BAD_RESPONSE = "NODE_BAD_RESPONSE"
    EXCHANGE_UNAVAILABLE = "EXCHANGE_UNAVAILABLE"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
    TOO_MANY_LOOKUPS = "TOO_MANY_LOOKUPS"


class GatewayError(Exception):
    """An expected failure with a stable code and a message for people (Chinese)."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def extensions(self) -> dict[str, str]:
        """What a GraphQL error carries besides the message."""
        return {"code": self.code.value}


class NotAuthorised(GatewayError):
    """The caller is not signed in, or their national role does not allow this."""


class InvalidArgument(GatewayError):
    """An argument the gateway cannot act on."""


class ProvinceUnavailable(GatewayError):
    """A province node that timed out, could not be reached, is cut off by its breaker, or answered badly."""

    def __init__(self, province: str, code: ErrorCode, message: str) -> None:
        super().__init__(code, message)
        self.province = province

    def extensions(self) -> dict[str, str]:
        """The code and the province."""
        return {"code": self.code.value, "province": self.province}


class ExchangeUnavailable(GatewayError):
    """The exchange timed out, could not be reached, or refused."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.EXCHANGE_UNAVAILABLE, message)


class TooManyLookups(GatewayError):
    """The caller has used up its lookups by ID number (member location, 核查) for the hour."""

    def __init__(self, allowance: int, wait_seconds: float) -> None:
        minutes = max(1, round(wait_seconds / 60))
        super().__init__(
            ErrorCode.TOO_MANY_LOOKUPS,
            f"一小时内按证件号码定位或核查会员最多 {allowance} 次，已达上限；约 {minutes} 分钟后可再查询",
        )
