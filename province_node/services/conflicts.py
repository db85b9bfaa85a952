"""Identity conflicts: people this province holds as current that the exchange says another province holds
too (一证一会员 broken, e.g. registered while the exchange was unreachable).

The exchange keeps the conflict records; the node shows each one to the callers whose subtree holds the
member, beside that member. A conflict is resolved by one side ending its membership (its event tells the
exchange) or by an inter-province transfer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from province_node.db.tables import Member
from province_node.domain.access import Permission
from province_node.exchange_link.client import ExchangeRefused, ExchangeUnavailable
from province_node.services.members import MemberRow, members_by_ids
from province_node.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Conflict:
    """One conflict as the exchange recorded it, with this province's member when in the caller's scope."""

    id: int
    other_province: str
    holder: str  # the province the national index keeps the person in meanwhile
    detected_at: datetime.datetime
    resolved_at: datetime.datetime | None
    resolution: str | None
    member: MemberRow


@dataclass(frozen=True, slots=True)
class ConflictList:
    """The conflicts the caller may see; ``unavailable`` says why there are none to show when the exchange
    could not be asked."""

    conflicts: list[Conflict]
    unavailable: str | None = None


async def conflicts_in_scope(uow: UnitOfWork, state: str) -> ConflictList:
    """The conflicts of members in the caller's subtree (``open``, ``resolved`` or ``all``), newest first."""
    uow.caller.require(Permission.READ)
    client = uow.tenant.exchange
    if client is None:
        return ConflictList([], "本节点未连接全国数据交换平台")
    try:
        records = await client.conflicts(uow.tenant.province, state)
    except (ExchangeUnavailable, ExchangeRefused) as exc:
        return ConflictList([], f"全国数据交换平台暂时无法访问：{exc}")
    tokens = {record["token"] for record in records}
    found: list[Any] = list(await uow.db.execute(select(Member.token, Member.id).where(Member.token.in_(tokens))))
    ids: dict[str, int] = {str(token): int(member_id) for token, member_id in found}
    rows = await members_by_ids(uow, list(ids.values())) if ids else {}
    conflicts = []
    for record in records:
        member = rows.get(ids.get(record["token"], -1))
        if member is None:  # not a member of the caller's subtree (or no longer of this province)
            continue
        province = uow.tenant.province
        conflicts.append(
            Conflict(
                id=int(record["id"]),
                other_province=record["claimant"] if record["holder"] == province else record["holder"],
                holder=record["holder"],
                detected_at=datetime.datetime.fromisoformat(record["detectedAt"]),
                resolved_at=datetime.datetime.fromisoformat(record["resolvedAt"]) if record.get("resolvedAt") else None,
                resolution=record.get("resolution"),
                member=member,
            )
        )
    conflicts.sort(key=lambda conflict: conflict.detected_at, reverse=True)
    return ConflictList(conflicts)
