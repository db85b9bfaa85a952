"""Login tokens: JWTs (HS256, via authlib's joserfc) signed with the tenant's own key.

A token names the province it was issued for, and each tenant signs with a key derived for it alone,
so a token of one province is refused by every other. It carries the account's organisation (``org``) and
role, so a holder can tell whom it stands for; the node still checks both against the account on every
request and refuses a token they no longer match. ``ver`` is the account's token version: disabling an
account or changing its password bumps it, which revokes every token issued before.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from joserfc import jwt
from joserfc.jwk import OctKey

from exchange.protocol.service_tokens import UNREADABLE_TOKEN

ALGORITHM = "HS256"
ISSUER = "unionfed-node"


class InvalidLoginToken(Exception):
    """The token is malformed, forged, expired, or for another province."""


@dataclass(frozen=True, slots=True)
class LoginClaims:
    """What a verified login token says."""

    account_id: int
    province: str
    organisation_id: int
    role: str
    token_version: int


def issue_login_token(
    key: bytes,
    *,
    account_id: int,
    province: str,
    organisation_id: int,
    role: str,
    token_version: int,
    lifetime: datetime.timedelta,
) -> str:
    """A signed login token for an account of ``province``, attached to ``organisation_id`` with ``role``."""
    now = datetime.datetime.now(datetime.UTC)
    claims = {
        "iss": ISSUER,
        "sub": str(account_id),
        "prov": province,
        "org": organisation_id,
        "role": role,
        "ver": token_version,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "jti": secrets.token_urlsafe(12),
    }
    return jwt.encode({"alg": ALGORITHM}, claims, OctKey.import_key(key))


def verify_login_token(key: bytes, token: str, province: str) -> LoginClaims:
    """The claims of a valid token for ``province``; ``InvalidLoginToken`` otherwise."""
    try:
        decoded = jwt.decode(token, OctKey.import_key(key), algorithms=[ALGORITHM])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": ISSUER},
            sub={"essential": True},
            prov={"essential": True, "value": province},
            exp={"essential": True},
            org={"essential": True},
            role={"essential": True},
            ver={"essential": True},
        ).validate(decoded.claims)
        return LoginClaims(
            account_id=int(decoded.claims["sub"]),
            province=decoded.claims["prov"],
            organisation_id=int(decoded.claims["org"]),
            role=str(decoded.claims["role"]),
            token_version=int(decoded.claims["ver"]),
        )
    except UNREADABLE_TOKEN as exc:
        raise InvalidLoginToken(str(exc)) from exc
