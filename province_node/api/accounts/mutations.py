"""Mutations of accounts: login, password change, and the upper level managing lower levels' accounts."""

from __future__ import annotations

from typing import Annotated

import strawberry

from province_node.api.accounts.types import AccountType, RoleType
from province_node.api.context import Context
from province_node.api.errors import InvalidInputError, NotFoundError, RuleViolationError, typed_result
from province_node.api.ids import decode_id
from province_node.api.permissions import allowed, signed_in
from province_node.domain.access import Permission, Role
from province_node.services import accounts
from province_node.services.accounts import IssuedPassword, LoginSucceeded

Info = strawberry.Info[Context, None]


@strawberry.type(description="Logged in: send `token` as `Authorization: Bearer <token>`.")
class LoginSuccess:
    token: str
    account: AccountType
    must_change_password: bool = strawberry.field(description="Change the initial password before anything else.")


@strawberry.type(description="Password changed; use the new token (older ones no longer work).")
class PasswordChanged:
    token: str


@strawberry.type(description="An account with its initial password: hand it over once; it is never shown again.")
class AccountIssued:
    account: AccountType
    initial_password: str


@strawberry.type(description="The account as saved.")
class AccountSaved:
    account: AccountType


LoginResult = Annotated[LoginSuccess | RuleViolationError, strawberry.union("LoginResult")]
PasswordChangeResult = Annotated[PasswordChanged | RuleViolationError, strawberry.union("PasswordChangeResult")]
AccountIssueResult = Annotated[
    AccountIssued | InvalidInputError | NotFoundError | RuleViolationError, strawberry.union("AccountIssueResult")
]
AccountResult = Annotated[
    AccountSaved | InvalidInputError | NotFoundError | RuleViolationError, strawberry.union("AccountResult")
]


def _issued(issued: IssuedPassword) -> AccountIssued:
    return AccountIssued(account=AccountType(row=issued.account), initial_password=issued.initial_password)


def _logged_in(success: LoginSucceeded) -> LoginSuccess:
    return LoginSuccess(
        token=success.token,
        account=AccountType(row=success.account, known_organisation=success.organisation),
        must_change_password=success.must_change_password,
    )


def _account_id(value: strawberry.ID) -> int:
    return decode_id("Account", value, what="账号")


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="Log in with username and password.")
    async def login(self, info: Info, username: str, password: str) -> LoginResult:
        uow = info.context.uow
        result = await typed_result(uow, lambda: accounts.login(uow, username, password), _logged_in)
        if isinstance(result, LoginSuccess | RuleViolationError):
            return result
        return RuleViolationError(code=result.code, message=result.message)

    @strawberry.mutation(
        description="Change your password (required after the first login).",
        extensions=signed_in(allow_initial_password=True),
    )
    async def change_password(self, info: Info, current_password: str, new_password: str) -> PasswordChangeResult:
        uow = info.context.uow
        result = await typed_result(
            uow,
            lambda: accounts.change_password(uow, current_password, new_password),
            lambda token: PasswordChanged(token=token),
        )
        if isinstance(result, PasswordChanged | RuleViolationError):
            return result
        return RuleViolationError(code=result.code, message=result.message)

    @strawberry.mutation(
        description="Create an account for an organisation of your subtree; returns its initial password once.",
        extensions=allowed(Permission.MANAGE_ACCOUNTS),
    )
    async def create_account(
        self,
        info: Info,
        organisation: strawberry.ID,
        username: str,
        role: RoleType,  # type: ignore[valid-type]
        display_name: str | None = None,
    ) -> AccountIssueResult:
        uow = info.context.uow
        return await typed_result(
            uow,
            lambda: accounts.create_account(
                uow,
                organisation_id=decode_id("Organisation", organisation, what="工会组织"),
                username=username,
                role=Role(role),
                display_name=display_name,
            ),
            _issued,
        )

    @strawberry.mutation(
        description=(
            "Disable an account of your subtree at once (an administrator who leaves); a fellow administrator "
            "of your organisation is disabled by the level above (NOT_PERMITTED)."
        ),
        extensions=allowed(Permission.MANAGE_ACCOUNTS),
    )
    async def disable_account(self, info: Info, id: strawberry.ID, reason: str) -> AccountResult:
        uow = info.context.uow
        return await typed_result(
            uow,
            lambda: accounts.disable_account(uow, _account_id(id), reason),
            lambda row: AccountSaved(account=AccountType(row=row)),
        )

    @strawberry.mutation(
        description=(
            "Give an account of your subtree a new initial password, to be changed at next login; a fellow "
            "administrator of your organisation is reset by the level above (NOT_PERMITTED)."
        ),
        extensions=allowed(Permission.MANAGE_ACCOUNTS),
    )
    async def reset_account_password(self, info: Info, id: strawberry.ID) -> AccountIssueResult:
        uow = info.context.uow
        return await typed_result(uow, lambda: accounts.reset_password(uow, _account_id(id)), _issued)
