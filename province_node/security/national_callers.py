"""National callers: people of the national federation asking through the gateway, as this node sees them.

The gateway forwards who they are in a token it signs (``exchange.protocol.forwarded_identity``); the node
checks it against the gateway's public key from its settings and lets them act as a **viewer of the whole
province**: they read statistics and records with ID numbers and phones masked, and change nothing. Raw
personal numbers never leave the province this way (DESIGN.md, invariant 6). Which national role may ask
for member records at all is the gateway's decision: a national viewer only ever reaches statistics.
"""

from __future__ import annotations

from exchange.protocol.forwarded_identity import (
    ForwardedIdentity,
    ForwardedIdentityError,
    verify_forwarded_identity,
)
from exchange.protocol.service_tokens import PeerKey
from province_node.domain.access import Caller, Role

NATIONAL_ACCOUNT_ID = 0  # no account row of this province stands for a national caller
NATIONAL_USERNAME_PREFIX = "national:"


class UntrustedNationalCaller(Exception):
    """A forwarded identity this node does not accept: no gateway configured, or the token fails its check."""


def verified_identity(gateway: PeerKey | None, token: str, province: str) -> ForwardedIdentity:
    """The identity ``token`` forwards to ``province``; ``UntrustedNationalCaller`` when it cannot be trusted."""
    if gateway is None:
        raise UntrustedNationalCaller("this node trusts no gateway (UNIONFED_GATEWAY_PUBLIC_KEY is not set)")
    try:
        return verify_forwarded_identity(token, gateway, province)
    except ForwardedIdentityError as exc:
        raise UntrustedNationalCaller(str(exc)) from exc


def national_caller(identity: ForwardedIdentity, root_id: int, root_path: str) -> Caller:
    """The caller a national identity acts as here: a viewer of the province's root organisation."""
    return Caller(
        account_id=NATIONAL_ACCOUNT_ID,
        username=f"{NATIONAL_USERNAME_PREFIX}{identity.role.value}:{identity.subject}"[:200],
        role=Role.VIEWER,
        organisation_id=root_id,
        scope_path=root_path,
        province=identity.province,
    )
