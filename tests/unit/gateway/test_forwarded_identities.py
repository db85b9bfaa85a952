"""The gateway sends a node the same forwarded identity for half its life, then a fresh one; never one caller's
token for another caller or another province."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from exchange.protocol.forwarded_identity import REUSED_FOR_SECONDS, NationalRole
from exchange.protocol.service_tokens import PeerKey
from gateway.domain.national_roles import NationalCaller
from gateway.federation import Federation
from gateway.outbound import Outbound
from gateway.settings import GatewaySettings

pytestmark = pytest.mark.anyio
KEY = PeerKey.generate("gateway")
ADMIN = NationalCaller(subject="acftu_admin", role=NationalRole.NATIONAL_ADMIN, issuer=KEY.peer_id)
VIEWER = NationalCaller(subject="acftu_viewer", role=NationalRole.NATIONAL_VIEWER, issuer=KEY.peer_id)


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def federation() -> AsyncIterator[tuple[Federation, Clock]]:
    """The gateway's federation over Hubei and Hunan, on a clock the test moves."""
    clock = Clock()
    settings = GatewaySettings(nodes={"42": "http://hubei.node", "43": "http://hunan.node"}, key=KEY)
    async with httpx.MockTransport(lambda request: httpx.Response(404)) as nowhere:
        yield Federation(settings, Outbound.through(nowhere), clock=clock), clock


async def test_the_same_token_is_sent_for_half_its_life(federation: tuple[Federation, Clock]) -> None:
    gateway, clock = federation
    first = gateway.forwarded_identity(ADMIN, "43")
    clock.now += REUSED_FOR_SECONDS - 1
    assert gateway.forwarded_identity(ADMIN, "43") == first


async def test_a_fresh_token_is_signed_after_half_its_life(federation: tuple[Federation, Clock]) -> None:
    gateway, clock = federation
    first = gateway.forwarded_identity(ADMIN, "43")
    clock.now += REUSED_FOR_SECONDS
    assert gateway.forwarded_identity(ADMIN, "43") != first


async def test_tokens_are_never_shared_across_callers_or_provinces(federation: tuple[Federation, Clock]) -> None:
    gateway, _clock = federation
    tokens = {
        gateway.forwarded_identity(ADMIN, "43"),
        gateway.forwarded_identity(ADMIN, "42"),
        gateway.forwarded_identity(VIEWER, "43"),
    }
    assert len(tokens) == 3
