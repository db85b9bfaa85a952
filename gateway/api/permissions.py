"""Field permissions of national roles, as ``BasePermission`` instances on strawberry fields, and the same
check as a wrapper for the fields whose types come from the node contract."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from graphql import GraphQLResolveInfo
from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types import Info

from gateway.api.context import Context
from gateway.domain.national_roles import NationalPermission

Result = TypeVar("Result")


class Requires(BasePermission):
    """A national caller whose role grants ``permission`` (refusals raised as coded errors)."""

    def __init__(self, permission: NationalPermission) -> None:
        self.permission = permission

    def has_permission(self, source: Any, info: Info[Context, None], **kwargs: Any) -> bool:
        info.context.require(self.permission)
        return True


def allowed(permission: NationalPermission) -> list[FieldExtension]:
    """Field extensions requiring ``permission``."""
    return [PermissionExtension(permissions=[Requires(permission)], use_directives=False)]


def guarded(
    permission: NationalPermission,
) -> Callable[[Callable[..., Awaitable[Result]]], Callable[..., Awaitable[Result]]]:
    """A resolver of a contract-typed field that first requires ``permission`` of the caller."""

    def wrap(resolver: Callable[..., Awaitable[Result]]) -> Callable[..., Awaitable[Result]]:
        @functools.wraps(resolver)
        async def checked(source: Any, info: GraphQLResolveInfo[Context], **arguments: Any) -> Result:
            info.context.require(permission)
            return await resolver(source, info, **arguments)

        return checked

    return wrap
