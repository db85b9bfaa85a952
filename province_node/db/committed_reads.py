"""Single-statement reads of what is committed right now, outside any request's transaction.

A request's SQLAlchemy session costs about a millisecond of CPU to check a connection out, begin, run one
statement and roll back; a plain psycopg connection in autocommit mode answers the same statement for about
a tenth of that. Questions asked on every request that only need the latest committed state (the version of
the counted data, ``services.statistics_version``) are read here, on a small pool of the tenant's own.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final, LiteralString

import psycopg
from psycopg_pool import AsyncConnectionPool

from unionfed.postgres import libpq_url

POOL_SIZE: Final = 2


class CommittedReads:
    """A lazily opened pool of autocommit connections to one tenant database."""

    def __init__(self, database_url: str, *, size: int = POOL_SIZE) -> None:
        self._pool: AsyncConnectionPool[psycopg.AsyncConnection[Any]] = AsyncConnectionPool(
            libpq_url(database_url),
            min_size=1,
            max_size=size,
            kwargs={"autocommit": True, "application_name": "unionfed-node"},
            open=False,
            num_workers=1,
            timeout=10,
        )
        self._size = size
        self._opening = asyncio.Lock()
        self._open = False

    async def one(self, statement: LiteralString) -> tuple[Any, ...]:
        """The first row of ``statement`` as committed now; tried again on another connection while the ones
        taken turn out broken (the server restarted since they were opened)."""
        if not self._open:
            async with self._opening:
                if not self._open:
                    await self._pool.open()
                    self._open = True
        for _broken in range(self._size):
            try:
                return await self._first_row(statement)
            except psycopg.OperationalError:  # the pool drops the broken connection when it comes back
                continue
        return await self._first_row(statement)

    async def _first_row(self, statement: LiteralString) -> tuple[Any, ...]:
        async with self._pool.connection() as connection:
            row = await (await connection.execute(statement)).fetchone()
        if row is None:
            raise LookupError(f"no row from {statement!r}")
        return tuple(row)

    async def aclose(self) -> None:
        """Close the connections (nothing to do when never used)."""
        if self._open:
            await self._pool.close()
            self._open = False
