"""A first end-to-end pass: the world builds, a clerk logs in and reads members over HTTP."""

from __future__ import annotations

import pytest

from tests.integration.province_node.conftest import GraphQLClient
from tests.integration.province_node.world import PASSWORD, World

pytestmark = pytest.mark.anyio


async def test_a_county_clerk_lists_the_members_of_the_county(world: World, anonymous: GraphQLClient) -> None:
    clerk = await anonymous.login("fr_clerk", PASSWORD)
    data = await clerk.data(
        "{ members { totalCount edges { node { name idNumber phone union { name breadcrumb } } } } }"
    )
    assert data["members"]["totalCount"] == 3
    assert {edge["node"]["union"]["name"] for edge in data["members"]["edges"]} == {"芙蓉科技公司工会"}
