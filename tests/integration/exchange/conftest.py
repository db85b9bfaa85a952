"""Fixtures of exchange tests: a migrated exchange database per test (cloned from a template migrated
once per session), the app over HTTP, and three registered peers — the Hubei node (42), the Hunan node
(43) and the gateway — each with a client that signs its own service tokens."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
import pytest
from starlette.applications import Starlette

from exchange.protocol.service_tokens import PeerKey, service_token
from exchange.service import ExchangeSettings, create_app
from exchange.service.db import migrate
from exchange.service.store.peers import PeerKind, add_peer
from exchange.standard.events import MemberDimensions, MemberEvent, MemberEventType
from tests.conftest import cloned_database
from unionfed.postgres import with_database

EXCHANGE_TEMPLATE = "unionfed_exchange_test_template"
OCCURRED = datetime.date(2026, 11, 22)


def person(n: int) -> str:
    """The identity token of test person ``n``."""
    return hashlib.sha256(f"person-{n}".encode()).hexdigest()


def event(
    token: str,
    province: str,
    status: str = "active",
    *,
    kind: MemberEventType = MemberEventType.REGISTERED,
    previous: str | None = None,
    **dimensions: Any,
) -> dict[str, Any]:
    """An event payload exactly as a node's outbox sends it."""
    return MemberEvent(
        type=kind,
        token=token,
        province=province,
        status=status,
        occurred_on=OCCURRED,
        dimensions=MemberDimensions(**dimensions),
        previous_token=previous,
    ).to_payload()


@dataclass
class PeerClient:
    """Calls the exchange as one registered peer."""

    http: httpx.AsyncClient
    key: PeerKey

    def headers(self) -> dict[str, str]:
        """A fresh service token of this peer."""
        return {"Authorization": f"Bearer {service_token(self.key)}"}

    async def post(self, path: str, body: Any) -> httpx.Response:
        """POST ``body`` as JSON."""
        return await self.http.post(path, json=body, headers=self.headers())

    async def get(self, path: str, **params: Any) -> httpx.Response:
        """GET with query parameters."""
        return await self.http.get(path, params=params, headers=self.headers())

    async def claim(self, province: str, tokens: list[str]) -> list[dict[str, Any]]:
        """The results of a claim that must succeed."""
        response = await self.post("/v1/claims", {"province": province, "tokens": tokens})
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    async def send(self, province: str, seq: int, *events: dict[str, Any]) -> httpx.Response:
        """One batch of events, their people claimed first as a node does."""
        await self.claim(province, sorted({event["token"] for event in events}))
        return await self.send_unclaimed(province, seq, *events)

    async def send_unclaimed(self, province: str, seq: int, *events: dict[str, Any]) -> httpx.Response:
        """One batch of events, as they are."""
        return await self.post("/v1/events", {"province": province, "batches": [{"seq": seq, "events": list(events)}]})

    async def applied(self, province: str, seq: int, *events: dict[str, Any]) -> int:
        """Send one batch that must be accepted; the acknowledged seq."""
        response = await self.send(province, seq, *events)
        assert response.status_code == 200, response.text
        acknowledged: int = response.json()["acknowledged"]
        return acknowledged


@pytest.fixture(scope="session")
def exchange_template(postgres_server: str) -> str:
    """Name of the template every exchange test database is cloned from: migrated once."""
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{EXCHANGE_TEMPLATE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{EXCHANGE_TEMPLATE}"')
    migrate.upgrade(with_database(postgres_server, EXCHANGE_TEMPLATE))
    return EXCHANGE_TEMPLATE


@pytest.fixture
def exchange_database_url(postgres_server: str, exchange_template: str) -> Iterator[str]:
    """URL of a migrated exchange database of this test's own."""
    with cloned_database(postgres_server, exchange_template) as url:
        yield url


@pytest.fixture
def exchange_settings(exchange_database_url: str) -> ExchangeSettings:
    """Settings of a test exchange: no caching of the peer registry, so revocations show at once."""
    return ExchangeSettings(database_url=exchange_database_url, pool_size=4, peer_cache_seconds=0)


@pytest.fixture
async def exchange_app(exchange_settings: ExchangeSettings) -> AsyncIterator[Starlette]:
    """The exchange app, its lifespan running (schema check, pool open)."""
    app = create_app(exchange_settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def http(exchange_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the exchange app, without credentials; an exception the app answered with a 500 stays
    with the app, as under a server."""
    transport = httpx.ASGITransport(app=exchange_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://exchange") as client:
        yield client


async def register(database_url: str, peer_id: str, kind: PeerKind, provinces: list[str]) -> PeerKey:
    """Register a new peer with a fresh key pair; its key."""
    key = PeerKey.generate(peer_id)
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as connection:
        await add_peer(connection, peer_id, kind, provinces, key.public_jwk())
    return key


@pytest.fixture
async def hubei(http: httpx.AsyncClient, exchange_database_url: str) -> PeerClient:
    """The Hubei node (province 42)."""
    return PeerClient(http, await register(exchange_database_url, "node-hubei", PeerKind.NODE, ["42"]))


@pytest.fixture
async def hunan(http: httpx.AsyncClient, exchange_database_url: str) -> PeerClient:
    """The Hunan node (province 43)."""
    return PeerClient(http, await register(exchange_database_url, "node-hunan", PeerKind.NODE, ["43"]))


@pytest.fixture
async def gateway(http: httpx.AsyncClient, exchange_database_url: str) -> PeerClient:
    """The national gateway."""
    return PeerClient(http, await register(exchange_database_url, "gateway", PeerKind.GATEWAY, []))


def query(database_url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` read straight from the exchange database."""
    with psycopg.connect(database_url) as connection:
        return connection.execute(sql, params).fetchall()
