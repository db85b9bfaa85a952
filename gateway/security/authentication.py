"""Turning an ``Authorization`` header into a national caller: the gateway's own login token, or a token of
the configured OpenID Connect issuer, told apart by the (not yet verified) issuer they name."""

from __future__ import annotations

import json

from joserfc import jws

from exchange.protocol.service_tokens import UNREADABLE_TOKEN, PeerKey
from gateway.domain.errors import ErrorCode, NotAuthorised
from gateway.domain.national_roles import NationalCaller
from gateway.security.login_tokens import InvalidLoginToken, verify_login_token
from gateway.security.oidc import OidcVerifier


async def authenticate(header: str, key: PeerKey, oidc: OidcVerifier | None) -> NationalCaller:
    """The caller of ``Authorization: Bearer <token>``; ``NotAuthorised(UNAUTHENTICATED)`` when there is none."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise NotAuthorised(ErrorCode.UNAUTHENTICATED, "Authorization 头应为 “Bearer <登录凭证>”")
    try:
        compact = jws.extract_compact(token.encode("ascii"))
        claims = json.loads(compact.payload)
        issuer, kid = claims.get("iss"), compact.protected.get("kid")
    except UNREADABLE_TOKEN as exc:
        raise NotAuthorised(ErrorCode.UNAUTHENTICATED, "登录凭证无法解析，请重新登录") from exc
    if issuer == key.peer_id:
        try:
            return verify_login_token(key, token)
        except InvalidLoginToken as exc:
            raise NotAuthorised(ErrorCode.UNAUTHENTICATED, "登录凭证无效或已过期，请重新登录") from exc
    if oidc is not None and issuer == oidc.settings.issuer:
        return await oidc.caller(token, kid if isinstance(kid, str) else None)
    raise NotAuthorised(ErrorCode.UNAUTHENTICATED, "登录凭证的签发方不被全国网关信任")
