"""GraphQL types of units (employers)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from exchange.standard import is_temporary_code
from province_node.api.codes import Code, coded
from province_node.api.context import Context
from province_node.api.ids import global_id
from province_node.db.tables import Unit

if TYPE_CHECKING:
    from province_node.api.organisations.types import OrganisationType

Info = strawberry.Info[Context, None]


@strawberry.type(name="Unit", description="A unit (单位): the employer of members.")
class UnitType:
    row: strawberry.Private[Unit]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return global_id("Unit", self.row.id)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="USCC, or the node-issued temporary code.")
    def credit_code(self) -> str:
        return self.row.credit_code

    @strawberry.field(description="True when the credit code is a temporary code (临时赋码).")
    def credit_code_is_temporary(self) -> bool:
        return is_temporary_code(self.row.credit_code)

    @strawberry.field(description="Nature or economic type (code list `unit_nature`).")
    def nature(self) -> Code | None:
        return coded("unit_nature", self.row.nature)

    @strawberry.field
    def address(self) -> str | None:
        return self.row.address

    @strawberry.field
    def employee_count(self) -> int | None:
        return self.row.employee_count

    @strawberry.field(description="The organisation that keeps this unit's record, if in your scope.")
    async def kept_by(
        self, info: Info
    ) -> Annotated[OrganisationType, strawberry.lazy("province_node.api.organisations.types")] | None:
        from province_node.api.organisations.types import OrganisationType

        row = await info.context.loaders.organisation_by_id.load(self.row.organisation_id)
        return OrganisationType(row=row) if row else None
