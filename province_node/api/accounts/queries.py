"""Queries of accounts."""

from __future__ import annotations

import strawberry
from sqlalchemy import select

from province_node.api.accounts.types import AccountType
from province_node.api.context import Context
from province_node.api.ids import decode_optional_id
from province_node.api.permissions import allowed, signed_in
from province_node.db.tables import Account, Organisation, is_within
from province_node.domain.access import Permission
from province_node.services import organisations

Info = strawberry.Info[Context, None]
MAX_ACCOUNTS = 500


@strawberry.type
class AccountQueries:
    @strawberry.field(
        description="The account you are logged in with (also before the initial password is changed).",
        extensions=signed_in(allow_initial_password=True),
    )
    async def me(self, info: Info) -> AccountType | None:
        caller = info.context.caller
        row = await info.context.db.get(Account, caller.account_id) if caller else None
        return AccountType(row=row) if row else None

    @strawberry.field(
        description="Accounts of an organisation's subtree (yours by default), for administrators.",
        extensions=allowed(Permission.MANAGE_ACCOUNTS),
    )
    async def accounts(self, info: Info, under: strawberry.ID | None = None) -> list[AccountType]:
        uow = info.context.uow
        under_id = decode_optional_id("Organisation", under, what="工会组织")
        root = (await organisations.organisation_in_scope(uow, under_id)).path if under_id else uow.caller.scope_path
        rows = await uow.db.scalars(
            select(Account)
            .join(Organisation, Organisation.id == Account.organisation_id)
            .where(is_within(Organisation.path, root))
            .order_by(Account.id)
            .limit(MAX_ACCOUNTS)
        )
        return [AccountType(row=row) for row in rows]
