"""GraphQL types of union organisations.

An organisation's own fields are readable wherever the organisation is given (the login answer and ``me``
name the caller's own, also before the initial password is changed); the fields that reach other
organisations, units or counts need a signed-in caller who has changed it, as the root fields do.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from exchange.standard import is_temporary_code
from province_node.api.codes import Code, required_code
from province_node.api.context import Context
from province_node.api.ids import global_id
from province_node.api.permissions import signed_in
from province_node.db.tables import Organisation

if TYPE_CHECKING:
    from province_node.api.units.types import UnitType

Info = strawberry.Info[Context, None]


@strawberry.type(name="Organisation", description="A union organisation (工会组织) in the province's hierarchy.")
class OrganisationType:
    row: strawberry.Private[Organisation]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return global_id("Organisation", self.row.id)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="Level in the hierarchy (code list `org_level`).")
    def org_level(self) -> Code:
        return required_code("org_level", self.row.org_level)

    @strawberry.field(description="Union type (code list `union_type`).")
    def union_type(self) -> Code:
        return required_code("union_type", self.row.union_type)

    @strawberry.field(description="USCC, or the node-issued temporary code.")
    def credit_code(self) -> str | None:
        return self.row.credit_code

    @strawberry.field(description="True when the credit code is a temporary code (临时赋码).")
    def credit_code_is_temporary(self) -> bool:
        return self.row.credit_code is not None and is_temporary_code(self.row.credit_code)

    @strawberry.field
    def founded_on(self) -> datetime.date | None:
        return self.row.founded_on

    @strawberry.field
    def term_start(self) -> datetime.date | None:
        return self.row.term_start

    @strawberry.field
    def term_end(self) -> datetime.date | None:
        return self.row.term_end

    @strawberry.field
    def leader(self) -> str | None:
        return self.row.leader

    @strawberry.field(description="Contact phone of the organisation (not personal data).")
    def phone(self) -> str | None:
        return self.row.phone

    @strawberry.field
    def dissolved_at(self) -> datetime.datetime | None:
        return self.row.dissolved_at

    @strawberry.field(description="The organisation above, or null at the root of your scope.", extensions=signed_in())
    async def parent(self, info: Info) -> OrganisationType | None:
        if self.row.parent_id is None:
            return None
        parent = await info.context.loaders.organisation_by_id.load(self.row.parent_id)
        return OrganisationType(row=parent) if parent else None

    @strawberry.field(
        description="Organisations above this one within your scope, from the top down.", extensions=signed_in()
    )
    async def ancestors(self, info: Info) -> list[OrganisationType]:
        ids = [int(label) for label in self.row.path.split(".")[:-1]]
        found = await info.context.loaders.organisation_by_id.load_many(ids)
        return [OrganisationType(row=row) for row in found if row is not None]

    @strawberry.field(description="Names from the province root down to this organisation (隶属关系).")
    async def breadcrumb(self, info: Info) -> list[str]:
        ids = [int(label) for label in self.row.path.split(".")]
        names = await info.context.loaders.organisation_name_by_id.load_many(ids)
        return [name or "" for name in names]

    @strawberry.field(description="Organisations directly below (not dissolved).", extensions=signed_in())
    async def children(self, info: Info) -> list[OrganisationType]:
        rows = await info.context.loaders.children_by_organisation.load(self.row.id)
        return [OrganisationType(row=row) for row in rows]

    @strawberry.field(description="Units this union covers (a joint union covers several).", extensions=signed_in())
    async def units(self, info: Info) -> list[Annotated[UnitType, strawberry.lazy("province_node.api.units.types")]]:
        from province_node.api.units.types import UnitType

        rows = await info.context.loaders.units_by_organisation.load(self.row.id)
        return [UnitType(row=row) for row in rows]

    @strawberry.field(
        description="Current members in this organisation and everything below it (derived).", extensions=signed_in()
    )
    async def member_count(self, info: Info) -> int:
        return await info.context.loaders.member_count_by_organisation.load(self.row.id)
