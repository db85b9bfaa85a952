"""Errors of the exchange service.

    ExchangeError                 root of everything the service raises on purpose
    ├── Refusal                   a request refused with an HTTP status, a stable code, a Chinese message
    │   ├── Unauthenticated       401: TOKEN_MISSING, TOKEN_INVALID, PEER_UNKNOWN, PEER_REVOKED
    │   ├── ProvinceForbidden     403: PROVINCE_FORBIDDEN
    │   ├── SequenceGap           409: SEQUENCE_GAP, with the seq expected
    │   ├── RequestTooLarge       413: REQUEST_TOO_LARGE
    │   ├── InvalidRequest        422: REQUEST_INVALID, with the item's index and the field
    │   └── TokensNotClaimed      422: TOKEN_NOT_CLAIMED, with the tokens to claim first
    └── ConcurrentChange          another transaction changed the same rows first: retry the transaction

``app.py`` turns every ``Refusal`` into ``{"error": {"code", "message", ...}}`` with its status and logs it;
database errors are translated where they happen. A message that repeats what the caller sent repeats it
through ``echoed``: short, and with no control character to forge a line of the log.
"""

from __future__ import annotations

import reprlib
from typing import Any, Final

ECHOED_LENGTH: Final = 64  # characters of a caller's value a refusal repeats
_BOUNDED: Final = reprlib.Repr()  # a list or an object repeated without rendering all of it


def echoed(value: object, limit: int = ECHOED_LENGTH) -> str:
    """``value`` as a refusal may repeat it: a printable string as itself, anything else as its ``repr``
    (control characters escaped), cut to ``limit`` characters with an ellipsis."""
    if isinstance(value, str):
        head = value[: limit + 1]
        text = head if head.isprintable() else repr(head)
    else:
        text = _BOUNDED.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ExchangeError(Exception):
    """Something the exchange service raises on purpose."""


class Refusal(ExchangeError):
    """A request refused; ``body()`` is the error document."""

    status = 400

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        """``{"error": {"code", "message", ...details}}``."""
        return {"error": {"code": self.code, "message": self.message, **self.details}}


class Unauthenticated(Refusal):
    """No usable service token, or its peer is unknown or revoked; ``named`` is the peer the token names
    (``echoed``), for the log only: verified only when the refusal is ``PEER_REVOKED``."""

    status = 401

    def __init__(self, code: str, message: str, *, named: str | None = None) -> None:
        super().__init__(code, message)
        self.named = named


class ProvinceForbidden(Refusal):
    """The peer may not act for this province, or may not call this endpoint."""

    status = 403

    def __init__(self, message: str) -> None:
        super().__init__("PROVINCE_FORBIDDEN", message)


class SequenceGap(Refusal):
    """A batch of events does not follow the last one applied."""

    status = 409

    def __init__(self, expected: int, got: int) -> None:
        super().__init__("SEQUENCE_GAP", f"事件批次不连续：应为第 {expected} 批，收到第 {got} 批", expected=expected)


class SequenceReused(Refusal):
    """A batch of a seq already applied carries other events than the batch applied under it."""

    status = 409

    def __init__(self, seq: int) -> None:
        super().__init__(
            "SEQUENCE_REUSED",
            f"第 {seq} 批已按另一批内容应用：节点重复使用了批次号（例如从备份恢复），请核对后处理",
            seq=seq,
        )


class RequestTooLarge(Refusal):
    """The body is over the limit."""

    status = 413

    def __init__(self, limit: int) -> None:
        super().__init__("REQUEST_TOO_LARGE", f"请求超过 {limit // 1024**2} MB，请分批发送")


class InvalidRequest(Refusal):
    """The body or the query is malformed; ``index`` (which item of the list) and ``field`` say where."""

    status = 422

    def __init__(self, message: str, *, field: str | None = None, index: int | None = None) -> None:
        details: dict[str, Any] = {}
        if index is not None:
            details["index"] = index
        if field is not None:
            details["field"] = field
        super().__init__("REQUEST_INVALID", message, **details)


class TokensNotClaimed(Refusal):
    """Events name people nobody ever claimed: a node reaches the index through a claim only."""

    status = 422
    LISTED = 1000

    def __init__(self, tokens: list[str]) -> None:
        super().__init__(
            "TOKEN_NOT_CLAIMED",
            f"有 {len(tokens)} 人未经认领即报送事件，整批未处理：请先认领（POST /v1/claims）再重发",
            tokens=tokens[: self.LISTED],
            count=len(tokens),
        )


class ConcurrentChange(ExchangeError):
    """A concurrent transaction inserted a row this one decided on as missing; the work is redone."""
