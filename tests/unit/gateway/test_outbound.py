"""The gateway's outbound HTTP: a connection pool per province node (so one province's connections never
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
        assert outbound.for_node("42") is not outbound.for_node("43")
    finally:
        await outbound.aclose()


class Pool(httpx.AsyncBaseTransport):
    """A node pool that only remembers being closed."""

    closed = False

    async def aclose(self) -> None:
        self.closed = True


async def test_closing_closes_every_pool_and_the_shared_client() -> None:
    pools = {"42": Pool(), "43": Pool()}
    outbound = Outbound(shared=httpx.AsyncClient(), nodes=pools)
    await outbound.aclose()
    assert [pool.closed for pool in pools.values()] == [True, True]
    assert outbound.shared.is_closed


async def test_a_given_transport_serves_every_node() -> None:
    async with httpx.MockTransport(lambda request: httpx.Response(204)) as given:
        outbound = Outbound.through(given)
        assert outbound.for_node("42") is given
        assert outbound.for_node("43") is given
