"""A node request answered without error leaves none of its objects (context, unit of work, session, the HTTP
request) in reference cycles: there they waited for the garbage collector, whose full collections stalled the
process for tens of milliseconds at a time (unionfed/serving.py)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from province_node.api.context import Context
from province_node.services.unit_of_work import UnitOfWork
from tests.integration.province_node.conftest import GraphQLClient
from tests.reference_cycles import cycles_collected

pytestmark = pytest.mark.anyio

REQUEST_OBJECTS = (Context, UnitOfWork, AsyncSession, Request)
QUERY = """{ members(first: 5) { edges { node { name union { name parent { name } } unit { name } } } }
             statistics(groupBy: [GENDER]) { rows { count } } }"""


async def test_an_answered_query_leaves_none_of_its_objects_in_reference_cycles(province_admin: GraphQLClient) -> None:
    await province_admin.data(QUERY)  # the document parsed and validated once, as on a serving node
    with cycles_collected() as garbage:
        data = await province_admin.data(QUERY)
    assert data["members"]["edges"]
    assert [type(item).__name__ for item in garbage if isinstance(item, REQUEST_OBJECTS)] == []
