"""GraphQL types of accounts."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from province_node.api.context import Context
from province_node.api.ids import global_id
from province_node.db.tables import Account, Organisation
from province_node.domain.access import Role

if TYPE_CHECKING:
    from province_node.api.organisations.types import OrganisationType

Info = strawberry.Info[Context, None]
RoleType = strawberry.enum(Role, name="Role", description="admin, clerk or viewer.")


@strawberry.type(name="Account", description="A login of this province, attached to one organisation.")
class AccountType:
    row: strawberry.Private[Account]
    # Given by a login answer, whose request has no caller to look the organisation up for.
    known_organisation: strawberry.Private[Organisation | None] = None

    @strawberry.field
    def id(self) -> strawberry.ID:
        return global_id("Account", self.row.id)

    @strawberry.field
    def username(self) -> str:
        return self.row.username

    @strawberry.field
    def display_name(self) -> str | None:
        return self.row.display_name

    @strawberry.field
    def role(self) -> RoleType:  # type: ignore[valid-type]
        return Role(self.row.role)

    @strawberry.field(description="True until the initial password has been changed.")
    def must_change_password(self) -> bool:
        return self.row.must_change_password

    @strawberry.field
    def disabled(self) -> bool:
        return self.row.disabled_at is not None

    @strawberry.field
    def last_login_at(self) -> datetime.datetime | None:
        return self.row.last_login_at

    @strawberry.field
    def created_at(self) -> datetime.datetime:
        return self.row.created_at

    @strawberry.field(description="The organisation the account belongs to: it governs that subtree.")
    async def organisation(
        self, info: Info
    ) -> Annotated[OrganisationType, strawberry.lazy("province_node.api.organisations.types")] | None:
        from province_node.api.organisations.types import OrganisationType

        if self.known_organisation is not None:
            return OrganisationType(row=self.known_organisation)
        row = await info.context.loaders.organisation_by_id.load(self.row.organisation_id)
        return OrganisationType(row=row) if row else None
