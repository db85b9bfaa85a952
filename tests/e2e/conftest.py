"""Fixtures of cross-service tests: the exchange as a real process on its own database, with the Hunan
node (in-process, talking real HTTP to it, relaying in the background) and a Hubei node's key."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator

import pytest

from exchange.protocol.service_tokens import PeerKey
from exchange.service.store.peers import PeerKind
from province_node.exchange_link.client import ExchangeClient
from province_node.settings import ExchangeSettings, NodeSettings
from tests.e2e.processes import Service
from tests.integration.exchange.conftest import (  # noqa: F401 - fixtures shared with the exchange tests
    exchange_database_url,
    exchange_template,
    register,
)
from tests.integration.province_node.conftest import (  # noqa: F401 - fixtures shared with the node tests
    anonymous,
    client,
    database_url,
    furong_clerk,
    second_database_url,
    settings_for,
    tenant,
    tenant_settings,
    world,
    world_template,
)


@pytest.fixture
def exchange_service(exchange_database_url: str) -> Iterator[Service]:  # noqa: F811 - the shared fixture
    """``unionfed exchange serve`` on a free port, on this test's exchange database."""
    service = Service(
        ["exchange", "serve"],
        {"UNIONFED_EXCHANGE_DATABASE_URL": exchange_database_url, "UNIONFED_EXCHANGE_PEER_CACHE": "0"},
    )
    service.start()
    yield service
    service.stop()


@pytest.fixture
async def hunan_key(exchange_database_url: str) -> PeerKey:  # noqa: F811
    """The Hunan node's key, registered at the exchange for province 43."""
    return await register(exchange_database_url, "node-hunan", PeerKind.NODE, ["43"])


@pytest.fixture
async def hubei(exchange_database_url: str, exchange_service: Service) -> AsyncIterator[ExchangeClient]:  # noqa: F811
    """The Hubei node as the exchange sees it: a client signing with its own registered key."""
    key = await register(exchange_database_url, "node-hubei", PeerKind.NODE, ["42"])
    async with ExchangeClient(ExchangeSettings(url=exchange_service.url, key=key, timeout=5)) as hubei_client:
        yield hubei_client


@pytest.fixture
def node_settings(database_url: str, exchange_service: Service, hunan_key: PeerKey) -> NodeSettings:  # noqa: F811
    """A node serving Hunan (43) linked to the exchange process; its relay polls every 50 ms and releases
    claims no member confirmed after half a second."""
    linked = ExchangeSettings(url=exchange_service.url, key=hunan_key, timeout=2, relay_interval=0.05, claim_grace=0.5)
    return dataclasses.replace(settings_for(tenant_settings("43", "hunan", database_url)), exchange=linked)
