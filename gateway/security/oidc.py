"""National callers from an OpenID Connect issuer: its tokens checked against its published key set (JWKS).

The key set is fetched on first use (from ``jwks_url`` or the issuer's ``openid-configuration``) and again
when a token names a key it does not hold (the issuer rotated its keys), at most once every
``refresh_interval`` seconds. The caller's national role is the first role of ``roles_claim`` the gateway
knows (``national_admin``, ``national_viewer``); a token with none of them is refused.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet

from exchange.protocol.forwarded_identity import NationalRole
from exchange.protocol.service_tokens import UNREADABLE_TOKEN
from gateway.domain.errors import ErrorCode, NotAuthorised
from gateway.domain.national_roles import NationalCaller, role_named
from gateway.outbound import UNREADABLE_JSON
from gateway.settings import OidcSettings
from unionfed.environment_settings import SettingsError, service_url

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "Ed25519", "EdDSA"]


class OidcVerifier:
    """Verifies tokens of one issuer."""

    def __init__(
        self,
        settings: OidcSettings,
        http: httpx.AsyncClient,
        *,
        refresh_interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.http = http
        self.refresh_interval = refresh_interval
        self._clock = clock
        self._keys: KeySet | None = None
        self._fetched_at = float("-inf")

    async def caller(self, token: str, kid: str | None) -> NationalCaller:
        """The national caller of a valid token of the issuer; ``NotAuthorised`` otherwise."""
        keys = await self._key_set(kid)
        try:
            decoded = jwt.decode(token, keys, algorithms=ALGORITHMS)
            jwt.JWTClaimsRegistry(
                leeway=30,
                iss={"essential": True, "value": self.settings.issuer},
                aud={"essential": True, "value": self.settings.audience},
                sub={"essential": True},
                exp={"essential": True},
            ).validate(decoded.claims)
        except UNREADABLE_TOKEN as exc:
            raise NotAuthorised(ErrorCode.UNAUTHENTICATED, "统一身份认证的令牌无效或已过期") from exc
        role = _national_role(decoded.claims.get(self.settings.roles_claim))
        if role is None:
            raise NotAuthorised(ErrorCode.NOT_PERMITTED, "您的统一身份认证账号没有全国角色")
        return NationalCaller(subject=str(decoded.claims["sub"]), role=role, issuer=self.settings.issuer)

    async def _key_set(self, kid: str | None) -> KeySet:
        known = self._keys is not None and (kid is None or any(k.kid == kid for k in self._keys.keys))
        due = self._clock() - self._fetched_at >= self.refresh_interval
        if self._keys is None or (not known and due):
            try:
                self._keys = KeySet.import_key_set(await self._fetch_jwks())
            except UNREADABLE_TOKEN as exc:
                raise NotAuthorised(ErrorCode.UNAUTHENTICATED, "统一身份认证的公钥集无法识别") from exc
            self._fetched_at = self._clock()
        return self._keys

    async def _fetch_jwks(self) -> Any:
        url = self.settings.jwks_url
        try:
            if url is None:
                discovery = await self.http.get(f"{self.settings.issuer}/.well-known/openid-configuration")
                url = service_url("jwks_uri", str(discovery.raise_for_status().json()["jwks_uri"]))
            return (await self.http.get(url)).raise_for_status().json()
        except (httpx.HTTPError, *UNREADABLE_JSON, KeyError, TypeError, SettingsError) as exc:
            raise NotAuthorised(ErrorCode.UNAUTHENTICATED, "暂时无法取得统一身份认证的公钥，请稍后再试") from exc


def _national_role(claim: object) -> NationalRole | None:
    names = [claim] if isinstance(claim, str) else claim if isinstance(claim, list) else []
    for name in names:
        role = role_named(str(name))
        if role is not None:
            return role
    return None
