"""Refusing request bodies above a size, the same way for every service: by the declared ``Content-Length``
before anything is read, and by the bytes actually received, so a chunked body without a length cannot
slip past the limit."""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    """More bytes arrived than the limit allows."""


class BodySizeLimit:
    """ASGI middleware answering ``refusal()`` (a 413 response) to HTTP requests whose body exceeds ``largest``
    bytes; the app behind it never sees more than ``largest`` bytes."""

    def __init__(self, app: ASGIApp, largest: int, refusal: Callable[[], Response]) -> None:
        self.app = app
        self.largest = largest
        self.refusal = refusal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.largest:
            await self.refusal()(scope, receive, send)
            return
        received = 0
        answered = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.largest:
                    raise BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal answered
            answered = answered or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if answered:  # too late to refuse: the connection is dropped
                raise
            await self.refusal()(scope, receive, send)


def _declared_length(scope: Scope) -> int:
    """The request's ``Content-Length`` (0 when absent or not a number)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0
