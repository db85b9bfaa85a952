"""Forwarded identities: who a national caller is, signed by the gateway for one province node.

The gateway authenticates national callers (its own login, or an OpenID Connect issuer) and, when it asks
a node on their behalf, sends a short-lived JWT saying who they are and in which national role, signed
with the gateway's Ed25519 peer key (the same key the exchange knows it by, ``service_tokens``). The node
holds the gateway's public key and trusts nothing else: a token signed by any other key, meant for
another province, or expired, is refused.

The header's ``typ`` tells a forwarded identity apart from a node's own login token without verifying it.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from joserfc import jws, jwt

from exchange.protocol.service_tokens import ALGORITHM, UNREADABLE_TOKEN, PeerKey

NODE_AUDIENCE: Final = "unionfed-node"
TOKEN_TYPE: Final = "unionfed-forwarded+jwt"  # noqa: S105 - a JWT type, not a secret
LIFETIME_SECONDS: Final = 120
# The gateway sends one token to a node for this long, so the node checks each token's signature once.
REUSED_FOR_SECONDS: Final = LIFETIME_SECONDS // 2


class NationalRole(StrEnum):
    """The roles of national callers, as the gateway grants them."""

    NATIONAL_ADMIN = "national_admin"  # statistics, delegated province queries (masked), member location
    NATIONAL_VIEWER = "national_viewer"  # statistics only, never personal data


class ForwardedIdentityError(Exception):
    """A forwarded identity that cannot be trusted (forged, expired, for another province, malformed)."""


@dataclass(frozen=True, slots=True)
class ForwardedIdentity:
    """A verified national caller: who (``subject``, as the gateway knows them), in which role, for where."""

    subject: str
    role: NationalRole
    province: str
    expires_at: int = 0  # the token's ``exp`` (seconds since the epoch)


def is_forwarded_identity(token: str) -> bool:
    """True when ``token`` says it is a forwarded identity (not yet verified: only to choose the check)."""
    try:
        header = jws.extract_compact(token.encode("ascii")).protected
    except UNREADABLE_TOKEN:
        return False
    return header.get("typ") == TOKEN_TYPE


def forwarded_identity_token(
    key: PeerKey, *, subject: str, role: NationalRole, province: str, now: float | None = None
) -> str:
    """A token telling ``province``'s node that ``subject`` asks in ``role``, signed by the gateway ``key``."""
    issued = int(now if now is not None else time.time())
    claims = {
        "iss": key.peer_id,
        "aud": NODE_AUDIENCE,
        "sub": subject,
        "role": role.value,
        "prov": province,
        "iat": issued,
        "exp": issued + LIFETIME_SECONDS,
        "jti": secrets.token_urlsafe(12),
    }
    header = {"alg": ALGORITHM, "kid": key.peer_id, "typ": TOKEN_TYPE}
    return jwt.encode(header, claims, key.key, algorithms=[ALGORITHM])


def verify_forwarded_identity(token: str, gateway: PeerKey, province: str) -> ForwardedIdentity:
    """The identity ``token`` forwards when ``gateway`` signed it for ``province`` and it has not expired."""
    try:
        decoded = jwt.decode(token, gateway.key, algorithms=[ALGORITHM])
        if decoded.header.get("typ") != TOKEN_TYPE:
            raise ForwardedIdentityError("not a forwarded identity")
        jwt.JWTClaimsRegistry(
            leeway=30,
            iss={"essential": True, "value": gateway.peer_id},
            aud={"essential": True, "value": NODE_AUDIENCE},
            prov={"essential": True, "value": province},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
        ).validate(decoded.claims)
        claims = decoded.claims
        if int(claims["exp"]) - int(claims["iat"]) > LIFETIME_SECONDS + 60:
            raise ForwardedIdentityError("lifetime too long")
        return ForwardedIdentity(
            subject=str(claims["sub"]),
            role=NationalRole(claims["role"]),
            province=province,
            expires_at=int(claims["exp"]),
        )
    except UNREADABLE_TOKEN as exc:
        raise ForwardedIdentityError(str(exc)) from exc
