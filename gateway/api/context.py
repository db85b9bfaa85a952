"""The context of one gateway request: the federation, the national caller, and errors to add to the answer
(provinces missing from a fan-out, a delegated node's own errors) while the data is still returned."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from gateway.domain.errors import ErrorCode, GatewayError, NotAuthorised
from gateway.domain.national_roles import NationalCaller, NationalPermission
from gateway.federation import Federation


@dataclass
class Context:
    """What every resolver of one request can reach (``info.context``)."""

    request: Request
    federation: Federation
    caller: NationalCaller | None
    auth_problem: GatewayError | None = None
    added_errors: list[dict[str, Any]] = field(default_factory=list)

    def require(self, permission: NationalPermission) -> NationalCaller:
        """The caller when signed in with a role granting ``permission``; raises why not otherwise."""
        if self.caller is None:
            raise self.auth_problem or NotAuthorised(ErrorCode.UNAUTHENTICATED, "请先登录全国网关")
        self.caller.require(permission)
        return self.caller

    def add_error(self, error: GatewayError, path: list[str | int]) -> None:
        """Report ``error`` at ``path`` in the answer without failing the field."""
        self.added_errors.append({"message": error.message, "path": path, "extensions": error.extensions()})
