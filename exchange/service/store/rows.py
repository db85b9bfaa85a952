"""Reading index rows and open conflicts of a set of tokens, locked for the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from exchange.service.db.pool import Connection
from exchange.service.domain.model import DIMENSION_COLUMNS, Conflict, IndexRow, IndexStatus
from exchange.service.store.tokens import TOKEN_ARRAY, TOKEN_ROWS, packed
from exchange.service.wire import dimensions_from_json

ROW_COLUMNS: Final = ", ".join(("encode(token, 'hex')", "province", "status", *DIMENSION_COLUMNS))
_STATUS: Final = {status.value: status for status in IndexStatus}

# One index lookup per token (pruned to its partition), in the order given: sorted, so two writers of
# overlapping tokens queue instead of deadlocking. (``token = ANY(...)`` would probe every partition
# with the whole array.)
_LOCK_ROWS: Final = f"""
SELECT locked.* FROM {TOKEN_ROWS} AS wanted
CROSS JOIN LATERAL (SELECT {ROW_COLUMNS} FROM identity WHERE identity.token = wanted.token FOR UPDATE) AS locked
"""  # noqa: S608 - constant column lists
_OPEN_CONFLICTS: Final = f"""
SELECT id, encode(token, 'hex'), holder, claimant, claimant_status, claimant_dimensions FROM conflict
WHERE resolved_at IS NULL AND token = ANY({TOKEN_ARRAY}) ORDER BY id
"""  # noqa: S608 - a constant fragment


def index_row(record: Sequence[Any]) -> IndexRow:
    """An ``IndexRow`` from ``(token, province, status, *dimensions)``."""
    return IndexRow(record[1], _STATUS[record[2]], tuple(record[3:]))


async def lock_records(connection: Connection, tokens: Sequence[str]) -> list[tuple[Any, ...]]:
    """The rows of ``tokens`` (sorted) as ``(token, province, status, *dimensions)``, locked until the
    transaction ends (``index_rows`` makes them rows)."""
    cursor = await connection.execute(_LOCK_ROWS, (packed(tokens),))
    return await cursor.fetchall()


def index_rows(records: Sequence[Sequence[Any]]) -> dict[str, IndexRow]:
    """``token -> IndexRow`` of records read by ``lock_records``."""
    return {record[0]: index_row(record) for record in records}


async def lock_rows(connection: Connection, tokens: Sequence[str]) -> dict[str, IndexRow]:
    """The rows of ``tokens`` (sorted), locked until the transaction ends."""
    return index_rows(await lock_records(connection, tokens))


async def open_conflicts(connection: Connection, tokens: Sequence[str]) -> list[Conflict]:
    """The open conflicts of ``tokens``, oldest first (their rows are locked by ``lock_rows``)."""
    if not tokens:
        return []
    cursor = await connection.execute(_OPEN_CONFLICTS, (packed(tokens),))
    return [
        Conflict(
            id=conflict_id,
            token=token,
            holder=holder,
            claimant=claimant,
            claimant_status=_STATUS[status],
            claimant_dimensions=dimensions_from_json(dimensions),
        )
        for conflict_id, token, holder, claimant, status, dimensions in await cursor.fetchall()
    ]
