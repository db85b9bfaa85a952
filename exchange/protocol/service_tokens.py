"""Service tokens: short-lived JWTs a peer (a province node, the gateway) signs with its own Ed25519 key
and the exchange checks against its registry of peer public keys (authlib's joserfc).

The token names its peer in ``iss`` and in the header's ``kid``, is meant for one audience and expires
within minutes; ``jti`` makes every token unique. Peers keep their private key; only the public JWK goes
to the exchange's registry.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

EXCHANGE_AUDIENCE: Final = "unionfed-exchange"
LIFETIME_SECONDS: Final = 300
ALGORITHM: Final = "Ed25519"  # one algorithm only: no "none", no HMAC confusion
# What reading a token from outside can raise: a bad signature or claim (JoseError), bad base64 or JSON, a
# header or payload of the wrong shape, or JSON nested too deep to parse (RecursionError).
UNREADABLE_TOKEN: Final = (JoseError, ValueError, TypeError, KeyError, AttributeError, UnicodeError, RecursionError)


class ServiceTokenError(Exception):
    """A service token that cannot be trusted; ``code`` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class PeerKey:
    """A peer's key pair (or only its public half, as the exchange holds it)."""

    peer_id: str
    key: OKPKey

    @classmethod
    def generate(cls, peer_id: str) -> PeerKey:
        """A new Ed25519 key pair for ``peer_id``."""
        return cls(peer_id, OKPKey.generate_key("Ed25519"))

    @classmethod
    def from_jwk(cls, peer_id: str, jwk: Mapping[str, Any]) -> PeerKey:
        """The key of a JWK (private or public); ``ValueError`` when it is not an Ed25519 key."""
        try:
            key = OKPKey.import_key(dict(jwk))
        except UNREADABLE_TOKEN as exc:
            raise ValueError(f"not an Ed25519 JWK: {exc}") from exc
        if key.curve_name != "Ed25519":
            raise ValueError(f"not an Ed25519 key: {key.curve_name}")
        return cls(peer_id, key)

    def private_jwk(self) -> dict[str, Any]:
        """The whole key as a JWK, to keep secret."""
        return dict(self.key.as_dict(private=True))

    def public_jwk(self) -> dict[str, Any]:
        """The public half as a JWK, for the exchange's registry."""
        return {name: value for name, value in self.key.as_dict(private=False).items() if name != "d"}


def service_token(key: PeerKey, audience: str = EXCHANGE_AUDIENCE, *, now: float | None = None) -> str:
    """A token for ``audience`` signed by the peer ``key``, valid for ``LIFETIME_SECONDS``."""
    issued = int(now if now is not None else time.time())
    claims = {
        "iss": key.peer_id,
        "aud": audience,
        "iat": issued,
        "exp": issued + LIFETIME_SECONDS,
        "jti": secrets.token_urlsafe(12),
    }
    return jwt.encode({"alg": ALGORITHM, "kid": key.peer_id, "typ": "JWT"}, claims, key.key, algorithms=[ALGORITHM])


def token_peer(token: str) -> str:
    """The peer a token says it comes from (not yet verified: only to look its key up)."""
    try:
        header = jws.extract_compact(token.encode("ascii")).protected
    except UNREADABLE_TOKEN as exc:
        raise ServiceTokenError("TOKEN_INVALID", f"服务令牌无法解析：{exc}") from exc
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise ServiceTokenError("TOKEN_INVALID", "服务令牌缺少 kid（签发方）")
    return kid


def verify_service_token(token: str, key: PeerKey, audience: str = EXCHANGE_AUDIENCE) -> dict[str, Any]:
    """The claims of ``token`` when ``key`` signed it for ``audience`` and it has not expired."""
    try:
        decoded = jwt.decode(token, key.key, algorithms=[ALGORITHM])
        jwt.JWTClaimsRegistry(
            leeway=30,
            iss={"essential": True, "value": key.peer_id},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
            iat={"essential": True},
        ).validate(decoded.claims)
    except UNREADABLE_TOKEN as exc:
        raise ServiceTokenError("TOKEN_INVALID", f"服务令牌无效：{exc}") from exc
    claims = dict(decoded.claims)
    if int(claims["exp"]) - int(claims["iat"]) > LIFETIME_SECONDS + 60:
        raise ServiceTokenError("TOKEN_INVALID", "服务令牌有效期过长")
    return claims
