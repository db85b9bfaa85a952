"""Single-statement reads of what is committed right now, outside any request's transaction.

A request's SQLAlchemy session costs about a millisecond of CPU to check a connection out, begin, run one
statement and roll back; a plain psycopg connection in autocommit mode answers the same statement for about
a tenth of that. Questions asked on every request that only need the latest committed state (the version of
the counted data, ``services.statistics_version``; a recount from the rollups, ``services.statistics_rollup``)
are read here, on a small pool of the tenant's own (``services.request_reads`` chooses).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, Final, LiteralString

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from province_node.db.engines import statement_bound
from unionfed.postgres import libpq_url

POOL_SIZE: Final = 2


class CommittedReads:
    """A lazily opened pool of autocommit connections to one tenant database."""

    def __init__(self, database_url: str, *, size: int = POOL_SIZE, statement_seconds: float | None = None) -> None:
        self._pool: AsyncConnectionPool[psycopg.AsyncConnection[Any]] = AsyncConnectionPool(
            libpq_url(database_url),
            min_size=1,
            max_size=size,
            kwargs={"autocommit": True, "application_name": "unionfed-node", **statement_bound(statement_seconds)},
            open=False,
            num_workers=1,
            timeout=10,
        )
        self._size = size
        self._opening = asyncio.Lock()
        self._open = False

    async def rows(self, statement: LiteralString, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Every row of ``statement`` (placeholders ``%(name)s`` filled from ``params``; a literal ``%`` written
        ``%%``) as committed now; tried again on another connection while the ones taken turn out broken (the
        server restarted since they were opened)."""
        if not self._open:
            async with self._opening:
                if not self._open:
                    await self._pool.open()
                    self._open = True
        for _broken in range(self._size):
            try:
                return await self._rows(statement, params)
            except PoolTimeout:  # every connection busy for the whole timeout: another try would wait as long
                raise
            except psycopg.OperationalError:  # the pool drops the broken connection when it comes back
                continue
        return await self._rows(statement, params)

    async def _rows(self, statement: LiteralString, params: Mapping[str, Any] | None) -> list[tuple[Any, ...]]:
        async with self._pool.connection() as connection:
            # Parameters always given, as SQLAlchemy gives them in a session: ``%`` means the same on both paths.
            cursor = await connection.execute(statement, dict(params or {}))
            return [tuple(row) for row in await cursor.fetchall()]

    async def aclose(self) -> None:
        """Close the connections (nothing to do when never used)."""
        if self._open:
            await self._pool.close()
            self._open = False
