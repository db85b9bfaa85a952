"""Reconciliation: does the national index hold what this province holds?

For one tenant, every member's token and status is compared with the index rows the exchange lists for
the province. A difference is a person current here but not in the index here (and not in a recorded
conflict), a current index row of this province the node does not hold, or the same person with another
status.
Events still in the outbox explain differences while they travel, so reconcile when the relay is idle;
claims no event has confirmed yet (a registration in flight, an import rolled back) are listed apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from province_node.exchange_link.client import ExchangeClient
from province_node.tenant import Tenant

SAMPLE = 20  # differences listed by token; all are counted
_CURRENT = frozenset({"active", "retired", "reserved", "transferring_out"})


@dataclass
class Reconciliation:
    """What the node and the index of one province disagree on."""

    province: str
    node_current: int = 0
    index_current: int = 0
    unsent_events: int = 0
    open_conflicts: int = 0
    unconfirmed_claims: int = 0
    missing_from_index: list[str] = field(default_factory=list)
    not_held_by_node: list[str] = field(default_factory=list)
    status_differs: list[str] = field(default_factory=list)

    @property
    def differences(self) -> int:
        """How many people the two disagree on."""
        return len(self.missing_from_index) + len(self.not_held_by_node) + len(self.status_differs)

    def as_json(self) -> dict[str, Any]:
        """The report, with at most ``SAMPLE`` tokens of each kind of difference."""
        return {
            "province": self.province,
            "differences": self.differences,
            "nodeCurrent": self.node_current,
            "indexCurrent": self.index_current,
            "unsentEvents": self.unsent_events,
            "openConflicts": self.open_conflicts,
            "unconfirmedClaims": self.unconfirmed_claims,
            "missingFromIndex": {"count": len(self.missing_from_index), "tokens": self.missing_from_index[:SAMPLE]},
            "notHeldByNode": {"count": len(self.not_held_by_node), "tokens": self.not_held_by_node[:SAMPLE]},
            "statusDiffers": {"count": len(self.status_differs), "tokens": self.status_differs[:SAMPLE]},
        }


async def _index_rows(client: ExchangeClient, province: str) -> dict[str, str]:
    rows: dict[str, str] = {}
    after: str | None = None
    while True:
        page = await client.identities(province, after=after)
        rows.update((row["token"], row["status"]) for row in page["identities"])
        after = page.get("next")
        if not after:
            return rows


async def reconcile(tenant: Tenant, client: ExchangeClient) -> Reconciliation:
    """Compare the tenant's members with the exchange's index rows of its province."""
    province = tenant.province
    async with tenant.engine.connect() as connection:
        result = await connection.execute(
            text("SELECT m.token, ms.status FROM member m JOIN membership ms ON ms.member_id = m.id")
        )
        held: dict[str, str] = {str(token): str(status) for token, status in result.all()}
        unsent = (
            await connection.execute(text("SELECT coalesce(sum(event_count), 0) FROM outbox WHERE sent_at IS NULL"))
        ).scalar()
    index = await _index_rows(client, province)
    in_conflict = {conflict["token"] for conflict in await client.conflicts(province, "open")}
    report = Reconciliation(province, unsent_events=int(unsent or 0), open_conflicts=len(in_conflict))
    report.node_current = len([status for status in held.values() if status in _CURRENT])
    report.index_current = len([status for status in index.values() if status in _CURRENT])
    report.unconfirmed_claims = len([status for status in index.values() if status == "claimed"])
    for token, status in sorted(held.items()):
        indexed = index.get(token)
        if indexed is None or indexed == "claimed":
            if status in _CURRENT and token not in in_conflict:
                report.missing_from_index.append(token)
        elif indexed != status:
            report.status_differs.append(token)
    report.not_held_by_node = sorted(  # an ended row nobody here holds: a released claim
        token for token, status in index.items() if token not in held and status in _CURRENT
    )
    return report
