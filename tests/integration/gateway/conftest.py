"""Fixtures of gateway integration tests: the province node's (a node with the small Hunan world)."""

from __future__ import annotations

from tests.integration.province_node.conftest import (  # noqa: F401 - fixtures shared with the node tests
    client,
    database_url,
    node_settings,
    second_database_url,
    tenant,
    world,
    world_template,
)
