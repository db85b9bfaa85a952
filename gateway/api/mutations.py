"""The gateway's own login, for national demo accounts (real national callers come with an OIDC token)."""

from __future__ import annotations

import anyio
import strawberry

from gateway.api.context import Context
from gateway.api.types import LoginRefused, NationalLogin, NationalLoginResult
from gateway.domain.errors import NotAuthorised
from gateway.security.accounts import check_login
from gateway.security.login_tokens import issue_login_token

Info = strawberry.Info[Context, None]


@strawberry.type
class GatewayMutations:
    @strawberry.mutation(description="Log in with a national demo account; the token goes in `Authorization: Bearer`.")
    async def login(self, info: Info, username: str, password: str) -> NationalLoginResult:
        settings = info.context.federation.settings
        try:
            name, role = await anyio.to_thread.run_sync(check_login, settings.accounts, username, password)
        except NotAuthorised as refusal:
            return LoginRefused(code=refusal.code.value, message=refusal.message)
        token = issue_login_token(settings.key, username=name, role=role, lifetime=settings.token_lifetime)
        return NationalLogin(token=token, username=name, role=role.value)
