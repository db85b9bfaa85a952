"""Reads of what a request may see, on the cheapest connection that shows it.

A request that has begun its transaction may have written: only that transaction sees its writes, so it
reads there. One that has not has nothing of its own to see, so the latest committed state is what it would
see anyway, and it is read on the tenant's autocommit connections (``db.committed_reads``): about a tenth of
the CPU of a session's first statement (check a connection out, begin, roll back), which is most of what a
statistics answer costs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, LiteralString

from province_node.services.unit_of_work import UnitOfWork


async def rows_as_seen(
    uow: UnitOfWork, statement: LiteralString, params: Mapping[str, Any] | None = None
) -> list[tuple[Any, ...]]:
    """Every row of ``statement`` (placeholders ``%(name)s``; a literal ``%`` written ``%%``) as this request
    sees the database."""
    if uow.db.in_transaction:
        return await uow.db.driver_rows(statement, params)
    return await uow.tenant.committed_reads.rows(statement, params)
