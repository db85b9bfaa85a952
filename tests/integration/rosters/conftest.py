"""Fixtures of roster import tests: the province node's small Hunan (``tenant``, ``world``, ``database_url``,
shared with the province node tests) and the same database under the national profile."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from exchange.standard import profile
from province_node.tenant import Tenant, open_tenant
from tests.integration.province_node.conftest import (  # noqa: F401 - fixtures shared with the province node tests
    database_url,
    node_settings,
    second_database_url,
    settings_for,
    tenant,
    tenant_settings,
    world,
    world_template,
)
from tests.integration.province_node.world import World


@pytest.fixture
async def national_tenant(world: World) -> AsyncIterator[Tenant]:  # noqa: F811 - the shared fixture
    """The same Hunan database served under the national profile (whose required fields are all in the
    seed 003 roster), for files in that layout."""
    settings = settings_for(dataclasses.replace(world.tenant.settings, profile=profile("national")))
    opened = open_tenant(settings.tenants[0], settings)
    yield opened
    await opened.engine.dispose()
