"""Releasing claims no registration followed.

An import claims each chunk's people before writing them; when the import is rolled back (a refused row
in an all-or-nothing import, a crash, a kill) the exchange still holds those people for this province and
would refuse them to every other. The relay therefore lists the province's unconfirmed claims now and
then and sends a ``claim.released`` event for each one that is older than the grace period and that the
node does not hold as a current member. While an import is writing it holds a shared advisory lock;
releasing takes the lock exclusively and gives way, so claims of an import still running are never
released. The grace period covers a single registration between its claim and its commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, Final

import psycopg
from sqlalchemy import insert, text

from exchange.standard import china_today
from exchange.standard.events import MemberEvent, MemberEventType, batch_payload
from province_node.db.tables import OutboxEvent
from province_node.domain.lifecycle import CURRENT_STATUSES
from province_node.exchange_link.client import ExchangeClient
from province_node.tenant import Tenant

IMPORT_LOCK: Final = "unionfed-import-claims"
_IMPORTING = "SELECT pg_advisory_xact_lock_shared(hashtext(%s))"
_NO_IMPORT = text("SELECT pg_try_advisory_xact_lock(hashtext(:lock))")
_HELD = text("""
SELECT m.token FROM member m JOIN membership ms ON ms.member_id = m.id
WHERE m.token = ANY(:tokens) AND ms.status = ANY(:current)
""")


def hold_import_claims(connection: psycopg.Connection[Any]) -> None:
    """Keep this import's claims from being released until its transaction ends (commit, rollback or
    a killed connection)."""
    connection.execute(_IMPORTING, (IMPORT_LOCK,))


async def unconfirmed_claims(client: ExchangeClient, province: str, before: datetime.datetime) -> list[str]:
    """The tokens the exchange holds as claimed for ``province`` since before ``before``."""
    tokens: list[str] = []
    after: str | None = None
    while True:
        page = await client.identities(province, after=after, claimed_only=True)
        tokens += [row["token"] for row in page["identities"]
                   if datetime.datetime.fromisoformat(row["claimedAt"]) < before]  # fmt: skip
        after = page.get("next")
        if not after:
            return tokens


async def release_unconfirmed_claims(tenant: Tenant, client: ExchangeClient, *, grace: float) -> int:
    """Release the province's claims older than ``grace`` seconds that no current member here confirms;
    how many were released (0 while an import is writing)."""
    before = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=grace)
    claimed = await unconfirmed_claims(client, tenant.province, before)
    if not claimed:
        return 0
    async with tenant.engine.begin() as connection:
        if not (await connection.execute(_NO_IMPORT, {"lock": IMPORT_LOCK})).scalar():
            return 0
        current = sorted(status.value for status in CURRENT_STATUSES)
        held = set((await connection.execute(_HELD, {"tokens": claimed, "current": current})).scalars())
        orphans = [token for token in claimed if token not in held]
        if orphans:
            await connection.execute(insert(OutboxEvent).values(_released(tenant.province, orphans)))
    return len(orphans)


def _released(province: str, tokens: Sequence[str]) -> dict[str, object]:
    """The outbox row releasing ``tokens``: one batch of ``claim.released`` events."""
    today = china_today()
    events = [MemberEvent(MemberEventType.CLAIM_RELEASED, token, province, "ended", today) for token in tokens]
    return {"event_type": MemberEventType.CLAIM_RELEASED.value, "event_count": len(events),
            "payload": batch_payload(events)}  # fmt: skip
