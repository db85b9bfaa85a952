"""Identity tokens between the API (64 lower-case hex characters) and the database (their 32 bytes).

Going in, statements take ``bytea`` parameters made by ``stored``; coming out, they select
``encode(token, 'hex')``, so the rows arrive as the API's strings. Byte order and hex order are the same,
so token order is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable


def stored(tokens: Iterable[str]) -> list[bytes]:
    """``tokens`` as the database keeps them."""
    return [bytes.fromhex(token) for token in tokens]


def stored_token(token: str) -> bytes:
    """One token as the database keeps it."""
    return bytes.fromhex(token)
