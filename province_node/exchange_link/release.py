"""Releasing claims no registration followed.

An import claims each chunk's people before writing them; when the import is rolled back (a refused row
in an all-or-nothing import, a crash, a kill) the exchange still holds those people for this province and
would refuse them to every other. The relay therefore lists the province's unconfirmed claims now and
then and sends a ``claim.released`` event for each one that is older than the grace period and that the
node does not hold as a current member. While an import is writing it holds a shared advisory lock;
releasing takes the lock exclusively and gives way, so claims of an import still running are never
released. The grace period covers a single registration between its claim and its commit.

The released claims are written ``RELEASED_PER_ROW`` to an outbox row (each row is one batch, and the
exchange takes at most 50,000 events per request), and a token whose ``claim.released`` event is still
waiting in the outbox is not released again: the exchange lists it as claimed until that event arrives.
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
RELEASED_PER_ROW: Final = 2_000  # claim.released events per outbox row (one batch; the relay sends 5,000 a request)
_IMPORTING = "SELECT pg_advisory_xact_lock_shared(hashtext(%s))"
_NO_IMPORT = text("SELECT pg_try_advisory_xact_lock(hashtext(:lock))")
_HELD = text("""
SELECT m.token FROM member m JOIN membership ms ON ms.member_id = m.id
WHERE m.token = ANY(:tokens) AND ms.status = ANY(:current)
""")
# Releases already written and not yet acknowledged: releasing them again would only add copies.
_RELEASING = text("""
SELECT e->>'token' FROM outbox, jsonb_array_elements(payload->'events') e
WHERE sent_at IS NULL AND event_type = :released AND e->>'token' = ANY(:tokens)
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
    """Release the province's claims older than ``grace`` seconds that no current member here confirms
    and no unsent release names yet; how many were released (0 while an import is writing)."""
    before = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=grace)
    claimed = await unconfirmed_claims(client, tenant.province, before)
    if not claimed:
        return 0
    async with tenant.engine.begin() as connection:
        if not (await connection.execute(_NO_IMPORT, {"lock": IMPORT_LOCK})).scalar():
            return 0
        current = sorted(status.value for status in CURRENT_STATUSES)
        held = set((await connection.execute(_HELD, {"tokens": claimed, "current": current})).scalars())
        releasing = {"tokens": claimed, "released": MemberEventType.CLAIM_RELEASED.value}
        held.update((await connection.execute(_RELEASING, releasing)).scalars())
        orphans = [token for token in claimed if token not in held]
        if orphans:
            await connection.execute(insert(OutboxEvent), _released_rows(tenant.province, orphans))
    return len(orphans)


def _released_rows(province: str, tokens: Sequence[str]) -> list[dict[str, object]]:
    """The outbox rows releasing ``tokens``, ``RELEASED_PER_ROW`` to a row."""
    return [_released(province, tokens[start : start + RELEASED_PER_ROW])
            for start in range(0, len(tokens), RELEASED_PER_ROW)]  # fmt: skip


def _released(province: str, tokens: Sequence[str]) -> dict[str, object]:
    """One outbox row releasing ``tokens``: one batch of ``claim.released`` events."""
    today = china_today()
    events = [MemberEvent(MemberEventType.CLAIM_RELEASED, token, province, "ended", today) for token in tokens]
    return {"event_type": MemberEventType.CLAIM_RELEASED.value, "event_count": len(events),
            "payload": batch_payload(events)}  # fmt: skip
