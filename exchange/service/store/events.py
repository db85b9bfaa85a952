"""Applying a province's event batches: one transaction per request, set-based writes.

The progress row of the province is locked first (a province's requests queue on it); a batch at or below
its seq is a redelivery, acknowledged without effect, unless its digest differs from the one applied under
that seq (``SEQUENCE_REUSED``). Then the index rows of every token the batches name are locked, in token
order. The ledger (``domain.index_rules``) decides in memory, in the CPU lane for a large request
(``cpu_lane``); then a few statements write the result: removed rows, new rows, changed rows, conflicts,
summed tally deltas, and in one statement the province's progress and the digests of the batches applied.

Most requests are a relay's few events, so what every request pays is kept to few round trips: the
staging table is made once per connection (``create_staging``, when the pool opens it), and the
progress row is inserted only for a province's first request.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import psycopg

from exchange.service.cpu_lane import run_in_lane
from exchange.service.db.pool import Connection
from exchange.service.domain import tally
from exchange.service.domain.index_rules import IndexLedger
from exchange.service.domain.model import DIMENSION_COLUMNS, Conflict, IndexRow
from exchange.service.errors import ConcurrentChange, SequenceGap, SequenceReused, TokensNotClaimed
from exchange.service.store.rows import index_rows, lock_records, open_conflicts
from exchange.service.store.tokens import TOKEN_ARRAY, packed, stored
from exchange.service.wire import EventBatch, EventsRequest, dimensions_json

SMALL_REQUEST_TOKENS: Final = 500  # fewer are decided on the event loop (``cpu_lane``)
_ROW_COLUMNS: Final = ("token", "province", "status", *DIMENSION_COLUMNS, "last_seq")
_COLUMNS: Final = ", ".join(_ROW_COLUMNS)
# Rows are written through a staging table filled by COPY: Python formats text lines (cheap) instead of
# adapting one array element at a time, and PostgreSQL's COPY parses them fast. The table lives as long
# as the connection (``create_staging``) and is emptied at every commit.
_STAGING: Final = f"""
CREATE TEMPORARY TABLE IF NOT EXISTS identity_staging (
    existed boolean NOT NULL, token bytea NOT NULL, province char(2) NOT NULL, status text NOT NULL,
    {", ".join(f"{column} {'smallint' if column == 'birth_year' else 'text'}" for column in DIMENSION_COLUMNS)},
    last_seq bigint
) ON COMMIT DELETE ROWS
"""
_COPY_STAGING: Final = f"COPY identity_staging (existed, {_COLUMNS}) FROM STDIN"
# New rows: a plain insert; a concurrent insert of the same token fails it and the work is redone.
_INSERT_ROWS: Final = f"INSERT INTO identity ({_COLUMNS}) SELECT {_COLUMNS} FROM identity_staging WHERE NOT existed"  # noqa: S608
# Changed rows: locked by this transaction, so the upsert always updates.
_UPDATE_ROWS: Final = f"""
INSERT INTO identity ({_COLUMNS}) SELECT {_COLUMNS} FROM identity_staging WHERE existed
ON CONFLICT (token) DO UPDATE SET
    {", ".join(f"{column} = excluded.{column}" for column in _ROW_COLUMNS[1:])},
    updated_at = now()
"""  # noqa: S608 - constant column lists
_DELETE_ROWS: Final = f"DELETE FROM identity WHERE token = ANY({TOKEN_ARRAY})"  # noqa: S608 - a constant fragment
_UPDATE_CONFLICTS: Final = """
UPDATE conflict SET claimant_status = u.status, claimant_dimensions = u.dimensions::jsonb,
    resolution = u.resolution, resolved_by = u.resolved_by,
    resolved_at = CASE WHEN u.resolution IS NULL THEN NULL ELSE now() END
FROM unnest(%b::int8[], %b::text[], %b::text[], %b::text[], %b::bpchar[])
    AS u(id, status, dimensions, resolution, resolved_by)
WHERE conflict.id = u.id
"""
_INSERT_CONFLICTS: Final = """
INSERT INTO conflict
    (token, holder, claimant, claimant_status, claimant_dimensions, resolution, resolved_by, resolved_at)
SELECT token, holder, claimant, status, dimensions::jsonb, resolution, resolved_by,
       CASE WHEN resolution IS NULL THEN NULL ELSE now() END
FROM unnest(%b::bytea[], %b::bpchar[], %b::bpchar[], %b::text[], %b::text[], %b::text[], %b::bpchar[])
    AS u(token, holder, claimant, status, dimensions, resolution, resolved_by)
"""
_ADD_TALLY: Final = """
INSERT INTO tally (province, dimension, code, members)
SELECT * FROM unnest(%b::bpchar[], %b::text[], %b::text[], %b::int8[])
ON CONFLICT (province, dimension, code) DO UPDATE SET members = tally.members + excluded.members
"""
# A batch at or below the last applied seq is a redelivery only if it is the batch applied then.
_REUSED_SEQ: Final = """
SELECT u.seq FROM unnest(%b::int8[], %b::bytea[]) AS u(seq, digest)
JOIN applied_batch AS a ON a.province = %s AND a.seq = u.seq
WHERE a.digest <> u.digest ORDER BY u.seq LIMIT 1
"""
# A seq is reused near the head of a province's stream (a node restored from last night's backup, two nodes
# at once); digests further back are let go, so the table stays small however long the exchange runs.
KEPT_DIGESTS: Final = 100_000
# What was applied: the province's progress, the digests of the batches (those that carry one), and the
# digests now too far back forgotten; one statement.
_RECORD_APPLIED: Final = """
WITH progress AS (
    UPDATE province_progress
    SET acknowledged = %(seq)s, events_applied = events_applied + %(events)s, last_event_at = now()
    WHERE province = %(province)s
), forgotten AS (
    DELETE FROM applied_batch WHERE province = %(province)s AND seq <= %(forget)s
)
INSERT INTO applied_batch (province, seq, digest)
SELECT %(province)s, * FROM unnest(%(seqs)b::int8[], %(digests)b::bytea[])
"""
_ENSURE_PROGRESS: Final = "INSERT INTO province_progress (province) VALUES (%s) ON CONFLICT DO NOTHING"
_LOCK_PROGRESS: Final = "SELECT acknowledged FROM province_progress WHERE province = %s FOR UPDATE"


@dataclass(frozen=True, slots=True)
class Ingested:
    """What a request of events did."""

    acknowledged: int
    batches_applied: int
    batches_duplicate: int
    events_applied: int
    conflicts_opened: int
    conflicts_resolved: int


@dataclass(frozen=True, slots=True)
class _Decided:
    """What the ledger made of a request's events: the writes, ready for the statements."""

    removed: list[str]  # tokens whose row goes
    staged: str  # COPY text of the rows changed (``existed``) and added
    changed: bool
    added: bool
    conflicts: list[Conflict]  # opened, refreshed or resolved
    tally: dict[tally.TallyKey, int]
    events: int


async def apply_events(connection: Connection, request: EventsRequest) -> Ingested:
    """Apply the batches of ``request`` after the province's last applied one (inside a transaction)."""
    province = request.province
    acknowledged = await _lock_progress(connection, province)
    fresh = [batch for batch in request.batches if batch.seq > acknowledged]
    await _refuse_reused(connection, province, [batch for batch in request.batches if batch.seq <= acknowledged])
    duplicates = len(request.batches) - len(fresh)
    if not fresh:
        return Ingested(acknowledged, 0, duplicates, 0, 0, 0)
    if fresh[0].seq != acknowledged + 1:
        raise SequenceGap(acknowledged + 1, fresh[0].seq)

    tokens = sorted(
        {token for batch in fresh for event in batch.events for token in (event.token, event.previous_token) if token}
    )
    records = await lock_records(connection, tokens)
    conflicts = await open_conflicts(connection, tokens)
    decided = await run_in_lane(lambda: _decide(records, conflicts, fresh), small=len(tokens) < SMALL_REQUEST_TOKENS)
    await _write_rows(connection, decided)
    await _write_conflicts(connection, decided.conflicts)
    await _add_tally(connection, decided.tally)
    await _record_applied(connection, province, fresh, decided.events)
    opened = sum(1 for conflict in decided.conflicts if conflict.id is None and conflict.open)
    resolved = sum(1 for conflict in decided.conflicts if conflict.id is not None and not conflict.open)
    return Ingested(fresh[-1].seq, len(fresh), duplicates, decided.events, opened, resolved)


def _digests(batches: Sequence[EventBatch]) -> tuple[list[int], list[bytes]]:
    """The seqs and digests of the batches that carry one."""
    signed = [(batch.seq, batch.digest) for batch in batches if batch.digest is not None]
    return [seq for seq, _ in signed], stored(digest for _, digest in signed)


async def _refuse_reused(connection: Connection, province: str, redelivered: Sequence[EventBatch]) -> None:
    """Refuse the request if a batch of a seq applied already carries other events than the one applied."""
    seqs, digests = _digests(redelivered)
    if not seqs:
        return
    cursor = await connection.execute(_REUSED_SEQ, (seqs, digests, province))
    reused = await cursor.fetchone()
    if reused is not None:
        raise SequenceReused(reused[0])


async def create_staging(connection: Connection) -> None:
    """Make the connection's staging table (the pool does it once for every connection it opens)."""
    await connection.execute(_STAGING)


async def _lock_progress(connection: Connection, province: str) -> int:
    """Lock the province's progress row (made at its first request); its last applied seq."""
    cursor = await connection.execute(_LOCK_PROGRESS, (province,))
    record = await cursor.fetchone()
    if record is None:
        await connection.execute(_ENSURE_PROGRESS, (province,))
        cursor = await connection.execute(_LOCK_PROGRESS, (province,))
        record = await cursor.fetchone()
    if record is None:
        raise ConcurrentChange("the progress row disappeared")
    acknowledged: int = record[0]
    return acknowledged


async def _record_applied(connection: Connection, province: str, applied: Sequence[EventBatch], events: int) -> None:
    seqs, digests = _digests(applied)
    last = applied[-1].seq
    parameters = {"province": province, "seq": last, "events": events, "forget": last - KEPT_DIGESTS}
    await connection.execute(_RECORD_APPLIED, parameters | {"seqs": seqs, "digests": digests})


def _decide(records: Sequence[Sequence[Any]], conflicts: list[Conflict], fresh: Sequence[EventBatch]) -> _Decided:
    """Apply ``fresh`` to the locked rows in a ledger and say what to write."""
    rows = index_rows(records)
    unclaimed = sorted({event.token for batch in fresh for event in batch.events} - rows.keys())
    if unclaimed:
        raise TokensNotClaimed(unclaimed)
    ledger = IndexLedger(rows, conflicts)
    last_seq: dict[str, int] = {}
    for batch in fresh:
        for event in batch.events:
            ledger.apply(event)
            last_seq[event.token] = batch.seq
            if event.previous_token:
                last_seq[event.previous_token] = batch.seq
    changes = ledger.changed_rows()
    removed = sorted(token for token, (before, after) in changes.items() if after is None)
    added = sorted((token, after) for token, (before, after) in changes.items() if before is None and after)
    changed = sorted((token, after) for token, (before, after) in changes.items() if before is not None and after)
    return _Decided(
        removed=removed,
        staged=_copy_lines(changed, True, last_seq) + _copy_lines(added, False, last_seq),
        changed=bool(changed),
        added=bool(added),
        conflicts=ledger.touched_conflicts(),
        tally=tally.deltas(changes.values()),
        events=sum(len(batch.events) for batch in fresh),
    )


def _copy_value(value: str | int | None) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    return text.replace("\\", "\\\\") if "\\" in text else text  # codes are printable: no tab, no newline


def _copy_lines(rows: Sequence[tuple[str, IndexRow]], existed: bool, last_seq: dict[str, int]) -> str:
    """COPY text lines of ``rows``; the dimensions of alike people are formatted once."""
    flag = "t" if existed else "f"
    formatted: dict[IndexRow, str] = {}
    lines = []
    for token, row in rows:
        middle = formatted.get(row)
        if middle is None:
            middle = formatted[row] = "\t".join([row.province, row.status.value, *map(_copy_value, row.dimensions)])
        # A bytea value in COPY text: \\x and its hex (the backslash itself escaped).
        lines.append(f"{flag}\t\\\\x{token}\t{middle}\t{_copy_value(last_seq.get(token))}\n")
    return "".join(lines)


async def _write_rows(connection: Connection, decided: _Decided) -> None:
    if decided.removed:
        await connection.execute(_DELETE_ROWS, (packed(decided.removed),))
    if not decided.staged:
        return
    async with connection.cursor().copy(_COPY_STAGING) as copy:
        await copy.write(decided.staged)
    if decided.changed:
        await connection.execute(_UPDATE_ROWS)
    if decided.added:
        try:
            await connection.execute(_INSERT_ROWS)
        except psycopg.errors.UniqueViolation as exc:
            raise ConcurrentChange("another transaction inserted some of these tokens first") from exc


async def _write_conflicts(connection: Connection, conflicts: list[Conflict]) -> None:
    known = [conflict for conflict in conflicts if conflict.id is not None]
    new = [conflict for conflict in conflicts if conflict.id is None]
    if known:  # first, so that a conflict resolved and reopened for the same claimant stays unique
        await connection.execute(
            _UPDATE_CONFLICTS,
            (
                [conflict.id for conflict in known],
                [conflict.claimant_status.value for conflict in known],
                [json.dumps(dimensions_json(conflict.claimant_dimensions)) for conflict in known],
                [conflict.resolution.value if conflict.resolution else None for conflict in known],
                [conflict.resolved_by for conflict in known],
            ),
        )
    if new:
        await connection.execute(
            _INSERT_CONFLICTS,
            (
                stored(conflict.token for conflict in new),
                [conflict.holder for conflict in new],
                [conflict.claimant for conflict in new],
                [conflict.claimant_status.value for conflict in new],
                [json.dumps(dimensions_json(conflict.claimant_dimensions)) for conflict in new],
                [conflict.resolution.value if conflict.resolution else None for conflict in new],
                [conflict.resolved_by for conflict in new],
            ),
        )


async def _add_tally(connection: Connection, deltas: dict[tally.TallyKey, int]) -> None:
    if not deltas:
        return
    keys = sorted(deltas)  # a fixed order: two provinces' requests never lock tally rows crosswise
    await connection.execute(
        _ADD_TALLY,
        ([key[0] for key in keys], [key[1] for key in keys], [key[2] for key in keys], [deltas[key] for key in keys]),
    )
