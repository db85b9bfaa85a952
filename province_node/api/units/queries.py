"""Queries of units kept in the caller's subtree."""

from __future__ import annotations

import strawberry

from province_node.api.context import Context
from province_node.api.ids import decode_id
from province_node.api.pagination import PageInfo
from province_node.api.permissions import allowed
from province_node.api.units.types import UnitType
from province_node.domain.access import Permission
from province_node.domain.errors import NotFound
from province_node.services import units

Info = strawberry.Info[Context, None]


@strawberry.type(name="UnitEdge")
class UnitEdge:
    cursor: str
    node: UnitType


@strawberry.type(name="UnitConnection", description="A page of units.")
class UnitConnection:
    edges: list[UnitEdge]
    page_info: PageInfo


@strawberry.type
class UnitQueries:
    @strawberry.field(description="A unit by id, or null when not in your scope.", extensions=allowed(Permission.READ))
    async def unit(self, info: Info, id: strawberry.ID) -> UnitType | None:
        try:
            row = await units.unit_in_scope(info.context.uow, decode_id("Unit", id, what="单位"))
        except NotFound:
            return None
        return UnitType(row=row)

    @strawberry.field(
        description="Units of your subtree by exact credit code or by part of the name.",
        extensions=allowed(Permission.READ),
    )
    async def units(
        self,
        info: Info,
        credit_code: str | None = None,
        name: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> UnitConnection:
        page = await units.find_units(info.context.uow, credit_code=credit_code, name=name, first=first, after=after)
        return UnitConnection(
            edges=[
                UnitEdge(cursor=cursor, node=UnitType(row=row))
                for cursor, row in zip(page.cursors, page.items, strict=True)
            ],
            page_info=PageInfo.of(page),
        )
