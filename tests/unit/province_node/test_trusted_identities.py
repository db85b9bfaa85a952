"""Forwarded identities are checked once per token and kept until the token expires; a kept identity is never
given for another province or after its expiry."""

from __future__ import annotations

import time

import pytest

from exchange.protocol.forwarded_identity import NationalRole, forwarded_identity_token
from exchange.protocol.service_tokens import PeerKey
from province_node.security.national_callers import TrustedIdentities, UntrustedNationalCaller

GATEWAY = PeerKey.generate("gateway")


@pytest.fixture
def token() -> str:
    """A forwarded identity for Hunan, signed just now (it lives 120 s)."""
    return forwarded_identity_token(GATEWAY, subject="acftu_admin", role=NationalRole.NATIONAL_ADMIN, province="43")


def test_a_token_is_verified_against_the_gateway_key(token: str) -> None:
    identity = TrustedIdentities().verified(GATEWAY, token, "43")
    assert (identity.subject, identity.role, identity.province) == ("acftu_admin", NationalRole.NATIONAL_ADMIN, "43")


def test_a_token_seen_before_is_not_checked_again_while_it_is_valid(token: str) -> None:
    trusted = TrustedIdentities()
    first = trusted.verified(GATEWAY, token, "43")
    assert trusted.verified(None, token, "43") == first  # no key to check with: the kept identity answers


def test_a_kept_identity_is_not_given_for_another_province(token: str) -> None:
    trusted = TrustedIdentities()
    trusted.verified(GATEWAY, token, "43")
    with pytest.raises(UntrustedNationalCaller):
        trusted.verified(GATEWAY, token, "42")


def test_a_kept_identity_past_its_expiry_is_checked_again(token: str) -> None:
    now = [time.time()]
    trusted = TrustedIdentities(clock=lambda: now[0])
    identity = trusted.verified(GATEWAY, token, "43")
    now[0] = identity.expires_at + 1
    with pytest.raises(UntrustedNationalCaller):
        trusted.verified(None, token, "43")


def test_a_forged_token_is_refused_even_after_a_genuine_one(token: str) -> None:
    trusted = TrustedIdentities()
    trusted.verified(GATEWAY, token, "43")
    forged = forwarded_identity_token(
        PeerKey.generate("gateway"), subject="acftu_admin", role=NationalRole.NATIONAL_ADMIN, province="43"
    )
    with pytest.raises(UntrustedNationalCaller):
        trusted.verified(GATEWAY, forged, "43")
