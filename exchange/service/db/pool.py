"""The connection pool of the exchange database and the transaction helper every write goes through.

Connections are in autocommit mode; ``in_transaction`` opens one transaction per attempt and redoes the
work when PostgreSQL reports a deadlock or serialisation failure, or the work reports a concurrent
change (``ConcurrentChange``). Work passed to it must decide everything from what it reads inside.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Final, TypeVar

import psycopg
from psycopg import AsyncConnection
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool

from exchange.service.errors import ConcurrentChange

ATTEMPTS: Final = 5
# psycopg prepares a statement run five times on a connection. PostgreSQL would still plan the row lock anew at
# every run (custom plans, about 1 ms over the index's 16 partitions: a third of the server's work for a relay's
# one-event request); a generic plan is made once, and prunes the partitions while it runs, as a custom plan of
# these statements does too (a token comes from the parameter's rows, not from a constant).
_GENERIC_PLANS: Final = "SET plan_cache_mode = force_generic_plan"
T = TypeVar("T")
Connection = AsyncConnection[TupleRow]
Pool = AsyncConnectionPool[Connection]


def create_pool(database_url: str, size: int, prepare: Callable[[Connection], Awaitable[None]] | None = None) -> Pool:
    """A pool of ``size`` autocommit connections, not yet open (``await pool.open()``), each set to generic
    plans and passed to ``prepare`` when the pool opens it."""

    async def configure(connection: Connection) -> None:
        await connection.execute(_GENERIC_PLANS)
        if prepare is not None:
            await prepare(connection)

    return AsyncConnectionPool(
        database_url,
        min_size=1,
        max_size=size,
        kwargs={"autocommit": True, "application_name": "unionfed-exchange"},
        configure=configure,
        open=False,
        timeout=10,
    )


async def in_transaction(pool: Pool, work: Callable[[Connection], Awaitable[T]]) -> T:
    """``work`` in one transaction, redone (up to ``ATTEMPTS`` times) when it lost a race."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            async with pool.connection() as connection, connection.transaction():
                return await work(connection)
        except (ConcurrentChange, psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure) as exc:
            if attempt == ATTEMPTS:
                raise ConcurrentChange(f"gave up after {ATTEMPTS} attempts: {exc}") from exc
            await asyncio.sleep(random.uniform(0, 0.01 * attempt))  # noqa: S311 - jitter, not a secret
    raise AssertionError("unreachable")
