"""A set of tokens goes to PostgreSQL packed in one ``bytea`` and arrives whole, in its order."""

from __future__ import annotations

import secrets

import psycopg

from exchange.service.store.tokens import TOKEN_ARRAY, TOKEN_ROWS, packed


def test_packed_tokens_arrive_as_rows_in_the_order_sent(postgres_server: str) -> None:
    tokens = sorted(secrets.token_hex(32) for _ in range(1_000))
    with psycopg.connect(postgres_server) as connection:
        rows = connection.execute(f"SELECT encode(token, 'hex') FROM {TOKEN_ROWS} AS wanted", (packed(tokens),))  # noqa: S608
        assert [token for (token,) in rows] == tokens


def test_packed_tokens_arrive_as_an_array_of_every_token(postgres_server: str) -> None:
    tokens = [secrets.token_hex(32) for _ in range(1_000)]
    with psycopg.connect(postgres_server) as connection:
        record = connection.execute(f"SELECT {TOKEN_ARRAY}", (packed(tokens),)).fetchone()
    assert record is not None
    assert [token.hex() for token in record[0]] == tokens


def test_no_tokens_packed_are_no_rows(postgres_server: str) -> None:
    with psycopg.connect(postgres_server) as connection:
        assert connection.execute(f"SELECT count(*) FROM {TOKEN_ROWS} AS w", (packed([]),)).fetchone() == (0,)  # noqa: S608
