"""Two provinces register the same person at the same moment: one node process serving Hunan (43) and
Hubei (42), both linked to the exchange process. Exactly one registration is kept; the other clerk is
told where the person is a member; the index equals what both provinces hold."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import httpx
import psycopg
import pytest

from exchange.protocol.service_tokens import PeerKey
from exchange.service.store.peers import PeerKind, revoke_peer
from province_node.demo import DEMO_PASSWORD, seed_demo
from province_node.settings import ExchangeSettings
from province_node.synthetic.people import Person
from province_node.tenant import Tenant, open_tenant
from tests.conftest import cloned_database
from tests.e2e.processes import Service, node_environment
from tests.e2e.test_node_and_exchange import reconciled
from tests.integration.exchange.conftest import register as register_peer
from tests.integration.province_node.conftest import GraphQLClient, fetch, settings_for, tenant_settings
from tests.integration.province_node.test_members import furong_input, member_input, register
from tests.integration.province_node.world import PASSWORD, World

pytestmark = pytest.mark.anyio


@pytest.fixture
def hubei_database_url(postgres_server: str, template_database: str) -> Iterator[str]:
    """An empty migrated database for the Hubei tenant, seeded by the test."""
    with cloned_database(postgres_server, template_database) as url:
        yield url


@pytest.fixture
async def central_key(exchange_database_url: str, hunan_key: PeerKey) -> PeerKey:
    """The key of a node serving Hunan and Hubei, registered at the exchange for both (in place of the Hunan
    node the other fixtures register, revoked first: one node serves a province)."""
    async with await psycopg.AsyncConnection.connect(exchange_database_url, autocommit=True) as connection:
        await revoke_peer(connection, hunan_key.peer_id)
    return await register_peer(exchange_database_url, "node-central", PeerKind.NODE, ["42", "43"])


@pytest.fixture
async def hubei_tenant(
    hubei_database_url: str, exchange_service: Service, central_key: PeerKey
) -> AsyncIterator[Tenant]:
    """Hubei's demo province, seeded through the use cases (its members claimed at the exchange)."""
    settings = settings_for(tenant_settings("42", "hubei", hubei_database_url))
    linked = ExchangeSettings(url=exchange_service.url, key=central_key, timeout=5)
    tenant = open_tenant(settings.tenants[0], dataclasses.replace(settings, exchange=linked))
    await seed_demo(tenant)
    yield tenant
    await tenant.aclose()


async def test_the_same_person_registered_in_two_provinces_at_once_is_kept_in_exactly_one(
    world: World,
    database_url: str,
    hubei_database_url: str,
    hubei_tenant: Tenant,
    exchange_service: Service,
    central_key: PeerKey,
) -> None:
    tenants = {"43": ("hunan", database_url), "42": ("hubei", hubei_database_url)}
    node = Service(["node", "serve"], node_environment(tenants, exchange_service, "node-central", central_key))
    node.start()
    try:
        async with httpx.AsyncClient(base_url=node.url, timeout=30) as http:
            hunan_clerk = await GraphQLClient(http, "43").login("fr_clerk", PASSWORD)
            hubei_clerk = await GraphQLClient(http, "42").login("jiangan_clerk", DEMO_PASSWORD)
            person = world.people.person()
            forms = [(hunan_clerk, furong_input(world, person)), (hubei_clerk, await _hubei_form(hubei_tenant, person))]
            results: list[dict[str, Any]] = []

            async def registering(clerk: GraphQLClient, form: dict[str, object]) -> None:
                results.append(await register(clerk, form))

            async with anyio.create_task_group() as both:
                for clerk, form in forms:
                    both.start_soon(registering, clerk, form)
        kinds = sorted(result["__typename"] for result in results)
        assert kinds == ["DuplicateMemberError", "MemberSaved"]
        refused = next(result for result in results if result["__typename"] == "DuplicateMemberError")
        assert refused["code"] == "DUPLICATE_IN_OTHER_PROVINCE"
        central = ExchangeSettings(url=exchange_service.url, key=central_key, timeout=5)
        hunan_tenant = open_tenant(world.tenant.settings, dataclasses.replace(world.tenant.node, exchange=central))
        try:
            for tenant in (hunan_tenant, hubei_tenant):
                report = await reconciled(tenant)
                assert (report.open_conflicts, report.unconfirmed_claims) == (0, 0)
        finally:
            await hunan_tenant.aclose()
    finally:
        node.stop()


async def _hubei_form(tenant: Tenant, person: Person) -> dict[str, object]:
    """The registration form of ``person`` in a grassroots union of 江岸区 and one of its units."""
    [(union, unit)] = await fetch(
        tenant,
        """SELECT o.id, ou.unit_id FROM organisation o JOIN organisation_unit ou ON ou.organisation_id = o.id
           WHERE o.name = '武汉江城物流有限公司工会' LIMIT 1""",
    )
    return member_input(person, union, unit)
