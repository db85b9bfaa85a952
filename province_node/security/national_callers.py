"""National callers: people of the national federation asking through the gateway, as this node sees them.

The gateway forwards who they are in a token it signs (``exchange.protocol.forwarded_identity``); the node
checks it against the gateway's public key from its settings and lets them act as a **viewer of the whole
province**: they read statistics and records with ID numbers and phones masked, and change nothing. Raw
personal numbers never leave the province this way (DESIGN.md, invariant 6). A national viewer reads
statistics only: the gateway already refuses them everything else, and the node does not rely on that.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from exchange.protocol.forwarded_identity import (
    ForwardedIdentity,
    ForwardedIdentityError,
    NationalRole,
    verify_forwarded_identity,
)
from exchange.protocol.service_tokens import PeerKey
from province_node.domain.access import NATIONAL_ACCOUNT_ID, Caller, Permission, Role

NATIONAL_USERNAME_PREFIX = "national:"
STATISTICS_ONLY = frozenset({Permission.READ_STATISTICS})


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


class TrustedIdentities:
    """Forwarded identities already verified, kept until their tokens expire: the gateway sends the same token
    for half its life, so its signature is checked once, not on every request."""

    def __init__(self, capacity: int = 1024, clock: Callable[[], float] = time.time) -> None:
        self.capacity = capacity
        self.clock = clock
        self._verified: dict[str, ForwardedIdentity] = {}

    def verified(self, gateway: PeerKey | None, token: str, province: str) -> ForwardedIdentity:
        """``verified_identity`` of ``token``, from the tokens seen before while they are valid."""
        kept = self._verified.get(token)
        if kept is not None and kept.province == province and self.clock() < kept.expires_at:
            return kept
        identity = verified_identity(gateway, token, province)
        if len(self._verified) >= self.capacity:
            now = self.clock()
            self._verified = {seen: known for seen, known in self._verified.items() if now < known.expires_at}
            if len(self._verified) >= self.capacity:
                self._verified.clear()
        self._verified[token] = identity
        return identity


def national_caller(identity: ForwardedIdentity, root_id: int, root_path: str) -> Caller:
    """The caller a national identity acts as here: a viewer of the province's root organisation; a national
    viewer reads statistics only, whatever the gateway lets through."""
    return Caller(
        account_id=NATIONAL_ACCOUNT_ID,
        username=f"{NATIONAL_USERNAME_PREFIX}{identity.role.value}:{identity.subject}"[:200],
        role=Role.VIEWER,
        organisation_id=root_id,
        scope_path=root_path,
        province=identity.province,
        limited_to=STATISTICS_ONLY if identity.role is NationalRole.NATIONAL_VIEWER else None,
    )
