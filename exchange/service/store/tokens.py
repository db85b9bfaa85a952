"""Identity tokens between the API (64 lower-case hex characters) and the database (their 32 bytes).

Going in, a set of tokens is one ``bytea`` parameter, the tokens' bytes end to end (``packed``), which the
statement cuts apart (``TOKEN_ROWS``, ``TOKEN_ARRAY``); a few columns of other rows take ``bytea`` lists made
by ``stored``. Coming out, statements select ``encode(token, 'hex')``, so the rows arrive as the API's strings.
Byte order and hex order are the same, so token order is unchanged.

Why packed: psycopg builds a ``bytea[]`` parameter element by element in Python, 0.86 µs of the exchange's
CPU a token; one ``bytea`` of them all costs 0.12 µs, and PostgreSQL cuts it into rows for less than it
reads the array (``bench/exchange_stages.py``). An events request sends its 5,000 tokens twice, a
claims request its 1,000 once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

TOKEN_BYTES: Final = 32  # a SHA-256
# The tokens of a ``packed`` parameter (32 bytes each) as rows ``(token)``, in their order (one ``%b``
# placeholder): for FROM.
TOKEN_ROWS: Final = (
    "(SELECT substr(packed, n * 32 + 1, 32) AS token"  # noqa: S105 - SQL, not a secret; 32: ``TOKEN_BYTES``
    " FROM (SELECT %b::bytea) AS parameter(packed), generate_series(0, length(packed) / 32 - 1) AS n)"
)
# The same tokens as a ``bytea[]``: for ``token = ANY(...)``.
TOKEN_ARRAY: Final = f"ARRAY(SELECT token FROM {TOKEN_ROWS} AS packed_tokens)"  # noqa: S608 - a constant


def packed(tokens: Sequence[str]) -> bytes:
    """``tokens`` as the parameter of ``TOKEN_ROWS`` or ``TOKEN_ARRAY``.

    The statement cuts the bytes every 32: one token of another length would shift every token after it, so
    lengths are checked here, in C (the API checks every token first; this guards the store's own callers).
    ``bytes.fromhex`` refuses what is not hex but skips spaces, hence the second check.
    """
    if tokens and set(map(len, tokens)) != {2 * TOKEN_BYTES}:
        raise ValueError(f"a token to pack is not {2 * TOKEN_BYTES} hex characters")
    joined = bytes.fromhex("".join(tokens))
    if len(joined) != TOKEN_BYTES * len(tokens):
        raise ValueError(f"a token to pack is not {TOKEN_BYTES} bytes")
    return joined


def stored(tokens: Iterable[str]) -> list[bytes]:
    """``tokens`` as the database keeps them, one by one (for a ``bytea[]`` column of other rows)."""
    return [bytes.fromhex(token) for token in tokens]


def stored_token(token: str) -> bytes:
    """One token as the database keeps it."""
    return bytes.fromhex(token)
