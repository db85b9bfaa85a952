"""Queries of members, always within the caller's subtree."""

from __future__ import annotations

import strawberry

from province_node.api.context import Context
from province_node.api.ids import decode_id
from province_node.api.members.inputs import MemberFilterInput, member_filter
from province_node.api.members.types import MemberConnection, MemberEdge, MemberType
from province_node.api.pagination import PageInfo
from province_node.api.permissions import allowed
from province_node.domain.access import Permission
from province_node.domain.errors import NotFound
from province_node.services import members

Info = strawberry.Info[Context, None]


@strawberry.type
class MemberQueries:
    @strawberry.field(
        description="A member by id, or null when not in your scope.", extensions=allowed(Permission.READ)
    )
    async def member(self, info: Info, id: strawberry.ID) -> MemberType | None:
        try:
            row = await members.member_in_scope(info.context.uow, decode_id("Member", id, what="会员"))
        except NotFound:
            return None
        return MemberType(row=row)

    @strawberry.field(
        description="The member holding an ID, found through the identity token; null when not in your scope. "
        "Once per request; every lookup, found or not, is audited and counted (TOO_MANY_LOOKUPS past the "
        "hourly allowance): the answer ties a known ID number to a record.",
        extensions=allowed(Permission.READ),
    )
    async def member_by_id_number(self, info: Info, id_number: str, id_type: str = "01") -> MemberType | None:
        row = await members.member_by_id_number(info.context.uow, id_type, id_number)
        return MemberType(row=row) if row is not None else None

    @strawberry.field(
        description="Members of your subtree matching a filter, in registration order, a page at a time.",
        extensions=allowed(Permission.READ),
    )
    async def members(
        self,
        info: Info,
        filter: MemberFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> MemberConnection:
        where = member_filter(filter)
        page = await members.list_members(info.context.uow, where, first, after)
        return MemberConnection(
            edges=[
                MemberEdge(cursor=cursor, node=MemberType(row=row))
                for cursor, row in zip(page.cursors, page.items, strict=True)
            ],
            page_info=PageInfo.of(page),
            where=where,
        )
