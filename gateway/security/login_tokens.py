"""The gateway's own login tokens: JWTs signed with the gateway's Ed25519 key, for its audience only.

The key is the one the gateway is known by at the exchange and at the nodes; the audience keeps the three
kinds of token it signs (service tokens, forwarded identities, logins) from standing in for each other.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Final

from joserfc import jwt

from exchange.protocol.forwarded_identity import NationalRole
from exchange.protocol.service_tokens import ALGORITHM, UNREADABLE_TOKEN, PeerKey
from gateway.domain.national_roles import NationalCaller

GATEWAY_AUDIENCE: Final = "unionfed-gateway"


class InvalidLoginToken(Exception):
    """The token is malformed, forged, expired or not a gateway login."""


def issue_login_token(key: PeerKey, *, username: str, role: NationalRole, lifetime: datetime.timedelta) -> str:
    """A login token for a national account."""
    now = datetime.datetime.now(datetime.UTC)
    claims = {
        "iss": key.peer_id,
        "aud": GATEWAY_AUDIENCE,
        "sub": username,
        "role": role.value,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "jti": secrets.token_urlsafe(12),
    }
    return jwt.encode({"alg": ALGORITHM, "kid": key.peer_id, "typ": "JWT"}, claims, key.key, algorithms=[ALGORITHM])


def verify_login_token(key: PeerKey, token: str) -> NationalCaller:
    """The national caller of a valid gateway login token; ``InvalidLoginToken`` otherwise."""
    try:
        decoded = jwt.decode(token, key.key, algorithms=[ALGORITHM])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": key.peer_id},
            aud={"essential": True, "value": GATEWAY_AUDIENCE},
            sub={"essential": True},
            exp={"essential": True},
        ).validate(decoded.claims)
        return NationalCaller(
            subject=str(decoded.claims["sub"]), role=NationalRole(decoded.claims["role"]), issuer=key.peer_id
        )
    except UNREADABLE_TOKEN as exc:
        raise InvalidLoginToken(str(exc)) from exc
