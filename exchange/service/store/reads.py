"""Answers read from the exchange database: progress, conflicts, the index listing, aggregates, and
verifications (a read that is logged)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Final

from exchange.service.db.pool import Connection
from exchange.service.domain.model import CURRENT
from exchange.service.domain.tally import TOTAL
from exchange.service.store.tokens import stored_token


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a province's events have been applied."""

    acknowledged: int
    last_event_at: datetime.datetime | None


NO_PROGRESS: Final = Progress(0, None)
_CURRENT_SQL: Final = "ARRAY[" + ", ".join(f"'{status.value}'" for status in sorted(CURRENT)) + "]"


async def progress(connection: Connection, province: str) -> Progress:
    """The progress of ``province`` (nothing applied yet: 0)."""
    cursor = await connection.execute(
        "SELECT acknowledged, last_event_at FROM province_progress WHERE province = %s", (province,)
    )
    record = await cursor.fetchone()
    return Progress(record[0], record[1]) if record else NO_PROGRESS


async def all_progress(connection: Connection) -> dict[str, Progress]:
    """The progress of every province that has sent events."""
    cursor = await connection.execute(
        "SELECT province, acknowledged, last_event_at FROM province_progress ORDER BY province"
    )
    return {province: Progress(acknowledged, at) for province, acknowledged, at in await cursor.fetchall()}


async def conflicts(
    connection: Connection, province: str | None, state: str, after: int, limit: int
) -> list[dict[str, Any]]:
    """Conflicts involving ``province`` (all when ``None``) in ``state``, by id after ``after``."""
    conditions = ["id > %s"]
    parameters: list[Any] = [after]
    if province is not None:
        conditions.append("(holder = %s OR claimant = %s)")
        parameters += [province, province]
    if state == "open":
        conditions.append("resolved_at IS NULL")
    elif state == "resolved":
        conditions.append("resolved_at IS NOT NULL")
    cursor = await connection.execute(
        "SELECT id, encode(token, 'hex'), holder, claimant, detected_at, resolved_at, resolution, resolved_by "  # noqa: S608
        "FROM conflict "
        f"WHERE {' AND '.join(conditions)} ORDER BY id LIMIT %s",
        [*parameters, limit],
    )
    return [
        {
            "id": conflict_id,
            "token": token,
            "holder": holder,
            "claimant": claimant,
            "detectedAt": detected.isoformat(),
            "resolvedAt": resolved.isoformat() if resolved else None,
            "resolution": resolution,
            "resolvedBy": resolved_by,
        }
        for conflict_id, token, holder, claimant, detected, resolved, resolution, resolved_by in await cursor.fetchall()
    ]


async def open_conflict_count(connection: Connection) -> int:
    """How many conflicts are open (the partial unique index answers it)."""
    cursor = await connection.execute("SELECT count(*) FROM conflict WHERE resolved_at IS NULL")
    record = await cursor.fetchone()
    return int(record[0]) if record else 0


@dataclass(frozen=True, slots=True)
class Listed:
    """One index row as the listing shows it (``claimed_at`` only for an unconfirmed claim)."""

    token: str
    status: str
    claimed_at: datetime.datetime | None


# A province's rows are indexed in two halves (unconfirmed claims, and the rest: a claim then costs one index
# entry less); the listing merges the two ordered index scans.
_HALF: Final = """
SELECT token, status, claimed_at FROM identity
WHERE province = %(province)s AND token > %(after)s AND status {} 'claimed' ORDER BY token LIMIT %(limit)s
"""
_CLAIMED_ROWS: Final = _HALF.format("=")
_REGISTERED_ROWS: Final = _HALF.format("<>")
_LISTING: Final = "SELECT encode(token, 'hex'), status, claimed_at FROM ({}) AS listed ORDER BY token LIMIT %(limit)s"
_ALL_ROWS: Final = _LISTING.format(f"({_REGISTERED_ROWS}) UNION ALL ({_CLAIMED_ROWS})")
_CLAIMS_ONLY: Final = _LISTING.format(_CLAIMED_ROWS)


async def identities(
    connection: Connection, province: str, after: str | None, limit: int, *, claimed_only: bool = False
) -> list[Listed]:
    """The province's index rows after ``after``, in token order; only its unconfirmed claims when
    ``claimed_only``."""
    listing = _CLAIMS_ONLY if claimed_only else _ALL_ROWS
    cursor = await connection.execute(
        listing, {"province": province, "after": stored_token(after or ""), "limit": limit}
    )
    return [
        Listed(token, status, claimed_at if status == "claimed" else None)
        for token, status, claimed_at in await cursor.fetchall()
    ]


async def aggregates(connection: Connection, group_by: str | None) -> list[dict[str, Any]]:
    """Members by province and by the code of ``group_by`` (totals when ``None``), from the tally."""
    cursor = await connection.execute(
        "SELECT province, code, members FROM tally WHERE dimension = %s AND members <> 0 ORDER BY province, code",
        (group_by or TOTAL,),
    )
    return [
        {"province": province, "key": (code or None) if group_by else None, "count": members}
        for province, code, members in await cursor.fetchall()
    ]


async def verify(connection: Connection, peer: str, token: str, purpose: str) -> str | None:
    """The province where the person of ``token`` is a member, or ``None``; the question is logged."""
    cursor = await connection.execute(
        f"""
        WITH answer AS (
            SELECT province FROM identity WHERE token = %(token)s AND status = ANY({_CURRENT_SQL})
        ), logged AS (
            INSERT INTO verification_log (peer, token, purpose, member, province)
            SELECT %(peer)s, %(token)s, %(purpose)s, EXISTS (SELECT 1 FROM answer), (SELECT province FROM answer)
        )
        SELECT province FROM answer
        """,  # noqa: S608 - a constant list of statuses
        {"token": stored_token(token), "peer": peer, "purpose": purpose},
    )
    record = await cursor.fetchone()
    return record[0] if record else None
