"""``identityConflicts``: people this province and another both hold as current members."""

from __future__ import annotations

import datetime
from enum import Enum

import strawberry

from exchange.standard import region_name
from province_node.api.context import Context
from province_node.api.members.types import MemberType
from province_node.api.permissions import allowed
from province_node.domain.access import Permission
from province_node.services.conflicts import Conflict, conflicts_in_scope

Info = strawberry.Info[Context, None]


@strawberry.enum(description="Which conflicts to list.")
class ConflictState(Enum):
    OPEN = "open"
    RESOLVED = "resolved"
    ALL = "all"


@strawberry.type(
    name="IdentityConflict",
    description="The same person is a current member here and in another province (一证一会员 broken). "
    "Resolved when one side ends its membership, or by an inter-province transfer.",
)
class IdentityConflictType:
    conflict: strawberry.Private[Conflict]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.conflict.id))

    @strawberry.field(description="Code of the other province, e.g. 42.")
    def other_province(self) -> str:
        return self.conflict.other_province

    @strawberry.field(description="Name of the other province, e.g. 湖北省.")
    def other_province_name(self) -> str:
        return region_name(self.conflict.other_province + "0000") or self.conflict.other_province

    @strawberry.field(description="True when the national index keeps the person in this province meanwhile.")
    def held_here(self, info: Info) -> bool:
        return self.conflict.holder == info.context.tenant.province

    @strawberry.field
    def detected_at(self) -> datetime.datetime:
        return self.conflict.detected_at

    @strawberry.field
    def resolved_at(self) -> datetime.datetime | None:
        return self.conflict.resolved_at

    @strawberry.field(description="How it was resolved, e.g. `ended` by one side.")
    def resolution(self) -> str | None:
        return self.conflict.resolution

    @strawberry.field(description="This province's member.")
    def member(self) -> MemberType:
        return MemberType(row=self.conflict.member)


@strawberry.type(name="IdentityConflictList")
class IdentityConflictList:
    conflicts: list[IdentityConflictType]
    unavailable: str | None = strawberry.field(
        description="Why the list could not be fetched (the exchange unreachable or not configured)."
    )


@strawberry.type
class ConflictQueries:
    @strawberry.field(
        description="Members of your subtree another province also holds as current, from the national exchange.",
        extensions=allowed(Permission.READ),
    )
    async def identity_conflicts(self, info: Info, state: ConflictState = ConflictState.OPEN) -> IdentityConflictList:
        found = await conflicts_in_scope(info.context.uow, state.value)
        return IdentityConflictList(
            conflicts=[IdentityConflictType(conflict=conflict) for conflict in found.conflicts],
            unavailable=found.unavailable,
        )
