"""Queries of union organisations within the caller's subtree."""

from __future__ import annotations

import strawberry

from province_node.api.codes import filter_code
from province_node.api.context import Context
from province_node.api.ids import decode_id, decode_optional_id
from province_node.api.organisations.types import OrganisationType
from province_node.api.pagination import PageInfo
from province_node.api.permissions import allowed
from province_node.domain.access import Permission
from province_node.domain.errors import NotFound
from province_node.services import organisations

Info = strawberry.Info[Context, None]


@strawberry.type(name="OrganisationEdge")
class OrganisationEdge:
    cursor: str
    node: OrganisationType


@strawberry.type(name="OrganisationConnection", description="A page of organisations.")
class OrganisationConnection:
    edges: list[OrganisationEdge]
    page_info: PageInfo


@strawberry.type
class OrganisationQueries:
    @strawberry.field(
        description="An organisation by id, or null when not in your scope.", extensions=allowed(Permission.READ)
    )
    async def organisation(self, info: Info, id: strawberry.ID) -> OrganisationType | None:
        try:
            row = await organisations.organisation_in_scope(
                info.context.uow, decode_id("Organisation", id, what="工会组织")
            )
        except NotFound:
            return None
        return OrganisationType(row=row)

    @strawberry.field(
        description="An organisation by its credit code (USCC or temporary code), or null when not in your scope.",
        extensions=allowed(Permission.READ),
    )
    async def organisation_by_credit_code(self, info: Info, credit_code: str) -> OrganisationType | None:
        row = await organisations.organisation_by_credit_code(info.context.uow, credit_code)
        return OrganisationType(row=row) if row else None

    @strawberry.field(
        description="Organisations of a subtree (yours by default) by part of the name, union type and level.",
        extensions=allowed(Permission.READ),
    )
    async def organisations(
        self,
        info: Info,
        under: strawberry.ID | None = None,
        name: str | None = None,
        union_type: str | None = None,
        org_level: str | None = None,
        include_dissolved: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> OrganisationConnection:
        page = await organisations.search_organisations(
            info.context.uow,
            under=decode_optional_id("Organisation", under, what="工会组织"),
            name=name,
            union_type=filter_code("union_type", union_type),
            org_level=filter_code("org_level", org_level),
            include_dissolved=include_dissolved,
            first=first,
            after=after,
        )
        return OrganisationConnection(
            edges=[
                OrganisationEdge(cursor=cursor, node=OrganisationType(row=row))
                for cursor, row in zip(page.cursors, page.items, strict=True)
            ],
            page_info=PageInfo.of(page),
        )
