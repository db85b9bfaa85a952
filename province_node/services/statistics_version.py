"""The version of the data member statistics are counted from (migration 0004): the sum of the weights of
``statistics_change``, which a trigger appends to with every statement writing members, memberships,
organisations or units.

Read it before counting: an answer computed after reading version V holds at least everything V stands
for, so keeping it under V never serves anything older than the reader could see. It is read as the
request sees it (``request_reads``): committed, on the tenant's autocommit connections, unless the request has
begun a transaction, which may hold writes of its own.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from province_node.services.request_reads import rows_as_seen
from province_node.services.unit_of_work import UnitOfWork

# Above this many rows the table is folded into one. Every request reads the version, and summing the rows
# costs PostgreSQL about 0.2 µs each (1,000 rows: ≈ 0.2 ms of the read's 0.3); a fold is one small
# transaction per hundred writing statements.
COMPACT_AFTER = 100
VERSION = "SELECT coalesce(sum(weight), 0), count(*) FROM statistics_change"
# Deletes the rows this transaction sees and adds one of their total weight: the sum never moves.
COMPACT = text(
    """WITH folded AS (DELETE FROM statistics_change RETURNING weight)
       INSERT INTO statistics_change (weight) SELECT sum(weight) FROM folded HAVING count(*) > 0"""
)


async def statistics_version(uow: UnitOfWork) -> int:
    """The current version of the counted data, as the request sees it."""
    [(version, rows)] = await rows_as_seen(uow, VERSION)
    if rows > COMPACT_AFTER:
        await compact_statistics_changes(uow.tenant.engine)
    return int(version)


async def compact_statistics_changes(engine: AsyncEngine) -> None:
    """Fold the change rows into one, in a transaction of its own."""
    async with engine.begin() as connection:
        await connection.execute(COMPACT)
