"""The gateway's outbound clients: a connection pool per province node (so one province's connections never
sit in the pool every other request walks), one shared client for the rest, all closed together."""

from __future__ import annotations

import httpx
import pytest

from exchange.protocol.service_tokens import PeerKey
from gateway.outbound import Outbound
from gateway.settings import GatewaySettings

pytestmark = pytest.mark.anyio
SETTINGS = GatewaySettings(
    nodes={"42": "http://hubei.node:8002", "43": "http://hunan.node:8002"}, key=PeerKey.generate("gateway")
)


async def test_every_node_has_a_pool_of_its_own() -> None:
    outbound = Outbound.open(SETTINGS)
    try:
        clients = {outbound.for_node("42"), outbound.for_node("43"), outbound.shared}
        assert len(clients) == 3
    finally:
        await outbound.aclose()


async def test_closing_closes_every_client() -> None:
    outbound = Outbound.open(SETTINGS)
    await outbound.aclose()
    assert all(client.is_closed for client in (*outbound.nodes.values(), outbound.shared))


async def test_a_given_client_serves_every_node() -> None:
    async with httpx.AsyncClient() as given:
        outbound = Outbound.through(given)
        assert outbound.for_node("42") is given
        assert outbound.for_node("43") is given
