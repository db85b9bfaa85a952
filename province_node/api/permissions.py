"""Field permissions: who may reach a field, as ``BasePermission`` instances on the field.

``Authenticated`` refuses anonymous callers and callers who must still change their initial password;
``Allowed(permission)`` also requires the role to grant ``permission``. Permission objects are shared by
every request, so they keep no per-request state: a refusal is raised as a domain error, which reaches
the client as a GraphQL error with its stable ``extensions.code``.
"""

from __future__ import annotations

from typing import Any

from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types import Info

from province_node.api.context import Context
from province_node.domain.access import Caller, Permission
from province_node.domain.errors import ErrorCode, RuleViolation


class Authenticated(BasePermission):
    """A logged-in account that has changed its initial password."""

    def __init__(self, *, allow_initial_password: bool = False) -> None:
        self.allow_initial_password = allow_initial_password

    def caller(self, info: Info[Context, None]) -> Caller:
        """The caller, or the reason there is none (raised)."""
        context = info.context
        if context.caller is None:
            raise context.auth_problem or RuleViolation(ErrorCode.UNAUTHENTICATED, "请先登录")
        if context.caller.must_change_password and not self.allow_initial_password:
            raise RuleViolation(ErrorCode.PASSWORD_CHANGE_REQUIRED, "首次登录须先修改初始密码")
        return context.caller

    def has_permission(self, source: Any, info: Info[Context, None], **kwargs: Any) -> bool:
        self.caller(info)
        return True


class Allowed(Authenticated):
    """An authenticated account whose role grants ``permission``."""

    def __init__(self, permission: Permission) -> None:
        super().__init__()
        self.permission = permission

    def has_permission(self, source: Any, info: Info[Context, None], **kwargs: Any) -> bool:
        self.caller(info).require(self.permission)
        return True


def requires(*permissions: BasePermission) -> list[FieldExtension]:
    """Field extensions checking ``permissions`` before the resolver runs."""
    return [PermissionExtension(permissions=list(permissions), use_directives=False)]


def signed_in(*, allow_initial_password: bool = False) -> list[FieldExtension]:
    """Field extensions requiring a logged-in account."""
    return requires(Authenticated(allow_initial_password=allow_initial_password))


def allowed(permission: Permission) -> list[FieldExtension]:
    """Field extensions requiring a role that grants ``permission``."""
    return requires(Allowed(permission))
